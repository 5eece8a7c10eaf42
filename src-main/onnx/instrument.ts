// Graph instrumentation: every intermediate activation becomes an extra graph output so one run can
// return any layer. ORT needs an element type for each output, so types are inferred here; tensors
// that are not floating point (shapes, masks, indices) or that don't depend on the image are skipped.
import type { LayerInfo } from '../../src-shared/contract';
import { attr, DataType, type ModelProto, type NodeProto } from './proto';

/** An activation the engine can show: a node output that depends on the image input. */
export interface ActivationTensor {
  /** ONNX tensor name. */
  tensor: string;
  /** Name shown to the user (the tensor name for plain ONNX, the layer name for imported models). */
  name: string;
  /** Operator / layer type. */
  op: string;
}

const FLOAT_TYPES: ReadonlySet<number> = new Set([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE]);

const BOOL_OPS = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);
const INT64_OPS = new Set(['Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero', 'NonMaxSuppression']);

/** Nodes in topological order (ONNX requires it, but not every exporter obeys). */
export function topoSort(model: ModelProto): NodeProto[] {
  const nodes = model.graph.node;
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => o && producer.set(o, i)));
  const state = new Uint8Array(nodes.length); // 0 new, 1 visiting, 2 done
  const order: NodeProto[] = [];
  const visit = (start: number) => {
    // Iterative DFS so deep nets can't overflow the stack.
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const node = nodes[top[0]];
      if (top[1] < node.input.length) {
        const inp = node.input[top[1]++];
        const p = inp ? producer.get(inp) : undefined;
        if (p !== undefined && state[p] === 0) {
          state[p] = 1;
          stack.push([p, 0]);
        }
      } else {
        state[top[0]] = 2;
        order.push(node);
        stack.pop();
      }
    }
  };
  for (let i = 0; i < nodes.length; i++) if (state[i] === 0) visit(i);
  return order;
}

/** Element type of every tensor the graph declares or that can be inferred from its producer. */
export function inferElementTypes(model: ModelProto): Map<string, number> {
  const types = new Map<string, number>();
  const g = model.graph;
  for (const t of g.initializer) if (t.name) types.set(t.name, t.dataType);
  for (const v of [...g.input, ...(g.valueInfo ?? []), ...g.output]) {
    const et = v.type?.tensorType?.elemType;
    if (et) types.set(v.name, et);
  }
  for (const n of topoSort(model)) {
    const first = n.input.find((x) => x && types.has(x));
    const inType = first ? types.get(first) : undefined;
    n.output.forEach((out, k) => {
      if (!out || types.has(out)) return;
      let t: number | undefined;
      if (BOOL_OPS.has(n.opType)) t = DataType.BOOL;
      else if (INT64_OPS.has(n.opType)) t = DataType.INT64;
      else if (n.opType === 'Cast') t = attr(n, 'to')?.i;
      else if (n.opType === 'CastLike') t = types.get(n.input[1]);
      else if (n.opType === 'Constant') {
        const v = attr(n, 'value');
        t = v?.t?.dataType ?? (attr(n, 'value_float') || attr(n, 'value_floats') ? DataType.FLOAT : DataType.INT64);
      } else if (n.opType === 'ConstantOfShape') t = attr(n, 'value')?.t?.dataType ?? DataType.FLOAT;
      else if (n.opType === 'Dropout' && k === 1) t = DataType.BOOL;
      else if ((n.opType === 'TopK' || n.opType === 'MaxPool') && k === 1) t = DataType.INT64;
      else if (n.opType === 'DequantizeLinear') t = DataType.FLOAT;
      else if (n.opType === 'QuantizeLinear') t = n.input[2] ? types.get(n.input[2]) : DataType.UINT8;
      else t = inType;
      if (t) types.set(out, t);
    });
  }
  return types;
}

/**
 * Floating-point node outputs that depend on `inputName`, in topological order, named by tensor.
 * Constant sub-graphs (e.g. a reshaped weight) are not activations and are left out.
 */
export function findActivations(model: ModelProto, inputName: string): ActivationTensor[] {
  const types = inferElementTypes(model);
  const live = new Set([inputName]);
  const out: ActivationTensor[] = [];
  for (const n of topoSort(model)) {
    if (!n.input.some((x) => live.has(x))) continue;
    for (const o of n.output) {
      if (!o) continue;
      live.add(o);
      const t = types.get(o);
      if (t !== undefined && FLOAT_TYPES.has(t)) out.push({ tensor: o, name: o, op: n.opType });
    }
  }
  return out;
}

/** A copy of the model whose outputs also include `tensors` (existing outputs are kept first). */
export function addOutputs(model: ModelProto, tensors: string[]): ModelProto {
  const types = inferElementTypes(model);
  const have = new Set(model.graph.output.map((o) => o.name));
  const extra = tensors
    .filter((t) => !have.has(t))
    .map((t) => {
      const elemType = types.get(t);
      if (elemType === undefined) throw new Error(`tensor ${t}: element type unknown, cannot expose it`);
      return { name: t, type: { tensorType: { elemType } } };
    });
  return { ...model, graph: { ...model.graph, output: [...model.graph.output, ...extra] } };
}

/**
 * How a tensor's shape (with batch) is shown: C×H×W maps or a vector. Size-1 dimensions are
 * squeezed where that leads to one of the two (e.g. [1, 1000, 1, 1] → a 1000-vector).
 * Returns null for tensors that don't fit either (rank ≥ 4 after the batch).
 */
export function displayShape(dims: readonly number[]): { kind: 'maps' | 'vector'; shape: number[] } | null {
  let d = dims.slice(1);
  while (d.length > 3 && d[0] === 1) d = d.slice(1);
  if (d.length > 3) return null;
  if (d.length === 0) return { kind: 'vector', shape: [1] };
  if (d.length === 1) return { kind: 'vector', shape: [d[0]] };
  if (d.length === 2) {
    if (d[0] === 1) return { kind: 'vector', shape: [d[1]] };
    if (d[1] === 1) return { kind: 'vector', shape: [d[0]] };
    return { kind: 'maps', shape: [1, d[0], d[1]] };
  }
  if (d[1] * d[2] === 1) return { kind: 'vector', shape: [d[0]] };
  return { kind: 'maps', shape: d };
}

/** LayerInfo list (graph order) from the activations and the shapes measured in a trial run. */
export function buildLayerInfos(acts: ActivationTensor[], shapes: Map<string, readonly number[]>, model?: ModelProto): LayerInfo[] {
  const layers: LayerInfo[] = [];
  const shown: ActivationTensor[] = [];
  for (const a of acts) {
    const dims = shapes.get(a.tensor);
    if (!dims) continue;
    const ds = displayShape(dims);
    if (!ds) continue;
    layers.push({ name: a.name, op: a.op, shape: ds.shape, kind: ds.kind, index: layers.length });
    shown.push(a);
  }
  if (model) {
    const inputs = layerInputs(model, shown);
    for (const l of layers) l.inputs = inputs.get(l.name) ?? [];
  }
  return layers;
}

/**
 * For each layer, the layers whose values it computes from: walking back from its tensor through
 * the nodes that produce it (an imported layer may be several nodes) to the nearest tensors that are
 * layers themselves. Weights, constants and the image input are not layers.
 */
export function layerInputs(model: ModelProto, layers: readonly ActivationTensor[]): Map<string, string[]> {
  const producer = new Map<string, NodeProto>();
  for (const n of model.graph.node) for (const o of n.output) if (o) producer.set(o, n);
  const layerOf = new Map<string, string>();
  for (const l of layers) layerOf.set(l.tensor, l.name);
  const out = new Map<string, string[]>();
  for (const l of layers) {
    const found: string[] = [];
    const seen = new Set<string>([l.tensor]);
    // Reversed onto the stack so a node's first input is visited first.
    const stack = [...(producer.get(l.tensor)?.input ?? [])].reverse();
    while (stack.length) {
      const t = stack.pop()!;
      if (!t || seen.has(t)) continue;
      seen.add(t);
      const name = layerOf.get(t);
      if (name !== undefined) {
        if (!found.includes(name)) found.push(name);
        continue;
      }
      stack.push(...[...(producer.get(t)?.input ?? [])].reverse());
    }
    out.set(l.name, found);
  }
  return out;
}
