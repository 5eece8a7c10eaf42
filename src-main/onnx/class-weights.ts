// Reads the weights that connect a layer's neurons to the output classes, from the model itself:
// the Gemm/MatMul that consumes the layer (possibly through Flatten/Reshape or an activation)
// and whose weight is stored in the graph.
import type { ClassWeights } from '../../src-shared/contract';
import { attr, type ModelProto, type NodeProto, type TensorProto, tensorToFloat32 } from './proto';

/** Ops a neuron's identity survives: reshapes and element-wise activations. */
const PASS_THROUGH = new Set([
  'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout', 'Relu', 'LeakyRelu', 'PRelu', 'Elu', 'Selu',
  'Sigmoid', 'Tanh', 'Softplus', 'Clip', 'HardSigmoid',
]);

interface Weight2D {
  name: string;
  rows: number;
  cols: number;
  data: Float32Array;
}

/** A constant 2-D matrix: an initializer, a Constant node, or a Reshape of one with a constant shape. */
function constantMatrix(model: ModelProto, name: string): Weight2D | null {
  const g = model.graph;
  const init = new Map<string, TensorProto>();
  for (const t of g.initializer) if (t.name) init.set(t.name, t);
  const producer = new Map<string, NodeProto>();
  for (const n of g.node) for (const o of n.output) producer.set(o, n);

  const tensorOf = (n: string): TensorProto | undefined => {
    if (init.has(n)) return init.get(n);
    const p = producer.get(n);
    if (p?.opType === 'Constant') return attr(p, 'value')?.t;
    return undefined;
  };
  let t = tensorOf(name);
  let dims = t?.dims;
  if (!t) {
    const p = producer.get(name);
    if (p?.opType !== 'Reshape') return null;
    t = tensorOf(p.input[0]);
    const shapeT = tensorOf(p.input[1]);
    if (!t || !shapeT) return null;
    const shape = readInts(shapeT);
    const total = t.dims.reduce((a, b) => a * b, 1);
    const known = shape.reduce((a, b, i) => (b > 0 ? a * b : b === 0 ? a * t!.dims[i] : a), 1);
    dims = shape.map((s, i) => (s === -1 ? total / known : s === 0 ? t!.dims[i] : s));
  }
  if (!t || !dims || dims.length !== 2) return null;
  let data: Float32Array;
  try {
    data = tensorToFloat32(t);
  } catch {
    return null;
  }
  return { name: t.name || name, rows: dims[0], cols: dims[1], data };
}

function readInts(t: TensorProto): number[] {
  if (t.rawData && t.rawData.byteLength) {
    const copy = new Uint8Array(t.rawData);
    if (t.dataType === 7) return Array.from(new BigInt64Array(copy.buffer), Number);
    if (t.dataType === 6) return Array.from(new Int32Array(copy.buffer));
  }
  return (t.int64Data ?? t.int32Data ?? []).map(Number);
}

interface Candidate {
  node: NodeProto;
  weight: Weight2D;
  transposed: boolean; // true when weight is [classes, neurons]
}

/**
 * The class × neuron weight matrix for the layer held in `tensor` (shown to the user as `layer`).
 * `neurons` is the layer's element count (without batch).
 */
export function findClassWeights(model: ModelProto, tensor: string, layer: string, neurons: number): ClassWeights {
  const consumers = new Map<string, NodeProto[]>();
  for (const n of model.graph.node) {
    for (const i of n.input) {
      if (!i) continue;
      const list = consumers.get(i) ?? [];
      list.push(n);
      consumers.set(i, list);
    }
  }
  const found: Candidate[] = [];
  const seen = new Set<string>([tensor]);
  const queue = [tensor];
  while (queue.length) {
    const t = queue.shift()!;
    for (const n of consumers.get(t) ?? []) {
      if (PASS_THROUGH.has(n.opType) && n.input[0] === t) {
        const o = n.output[0];
        if (o && !seen.has(o)) {
          seen.add(o);
          queue.push(o);
        }
      } else if ((n.opType === 'Gemm' || n.opType === 'MatMul') && n.input[0] === t) {
        const w = constantMatrix(model, n.input[1]);
        if (!w) continue;
        if (n.opType === 'Gemm' && (attr(n, 'transA')?.i ?? 0) !== 0) continue;
        const transposed = n.opType === 'Gemm' && (attr(n, 'transB')?.i ?? 0) !== 0;
        found.push({ node: n, weight: w, transposed });
      }
    }
  }
  const label = (c: Candidate) => `${c.node.name || c.node.output[0]} (${c.node.opType}, weight ${c.weight.name})`;
  if (found.length === 0) {
    throw new Error(`layer ${layer}: no fully connected layer with stored weights (Gemm/MatMul) consumes it, so its neurons have no class weights`);
  }
  if (found.length > 1) {
    throw new Error(`layer ${layer}: feeds ${found.length} fully connected layers, which one holds the class weights is ambiguous: ${found.map(label).join('; ')}`);
  }
  const c = found[0];
  const classes = c.transposed ? c.weight.rows : c.weight.cols;
  const inputs = c.transposed ? c.weight.cols : c.weight.rows;
  if (inputs !== neurons) {
    throw new Error(`layer ${layer}: ${label(c)} takes ${inputs} inputs but the layer has ${neurons} neurons`);
  }
  let weights: Float32Array;
  if (c.transposed) weights = Float32Array.from(c.weight.data.subarray(0, classes * neurons));
  else {
    weights = new Float32Array(classes * neurons);
    const src = c.weight.data;
    for (let r = 0; r < neurons; r++) for (let k = 0; k < classes; k++) weights[k * neurons + r] = src[r * classes + k];
  }
  return { layer, source: c.node.name || c.weight.name, classes, neurons, weights };
}
