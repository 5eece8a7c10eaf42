// Display quantisation inside the graph: for each subscribed layer, nodes appended to the model
// compute the per-map (or per-layer) min/max, pick the maps to send (all, a list, or the k with the
// highest maximum) and turn them into bytes, so onnxruntime does that work natively and only the
// bytes that are drawn leave the session. Only operators of opset 7 (with their opset-18 form where
// it differs) are used, so every model ORT runs can be instrumented this way. The arithmetic is
// exactly payload.ts's `quantise` in float32: span = max − min, k = 255 / max(span, QUANT_TINY),
// byte = floor((v − min) · k + 0.5).
import { QUANT_TINY } from '../../src-shared/payload';
import { AttributeType, DataType, int64Tensor, type AttributeProto, type ModelProto, type NodeProto, type TensorProto } from './proto';

export interface QuantiseRequest {
  /** The activation tensor. */
  tensor: string;
  /** Its element type (float, float16 or double). */
  elemType: number;
  /** Maps and values per map as displayed (a vector is one map of all its values). */
  maps: number;
  size: number;
  /** Which maps to send: all, these indices in this order, or the k with the highest maximum. */
  select: { all: true } | { indices: number[] } | { topK: number };
  norm: 'map' | 'layer';
  signed: boolean;
}

/** Graph outputs holding one request's result. */
export interface QuantiseOutputs {
  /** uint8 [1, sent maps, size]. */
  data: string;
  /** float32 [1, sent maps, 1] per map, or [1, 1, 1] for one range over the layer. */
  min: string;
  max: string;
  /** int64 [k]: the maps a top-k request chose, best first. */
  channels?: string;
}

const floatInit = (dims: number[], values: number[]): TensorProto => ({
  dims,
  dataType: DataType.FLOAT,
  rawData: new Uint8Array(Float32Array.from(values).buffer),
});

const ints = (name: string, v: number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints: v });
const int = (name: string, v: number): AttributeProto => ({ name, type: AttributeType.INT, i: v });

/** The default-domain opset a model imports. */
export function opsetOf(model: ModelProto): number {
  return model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 1;
}

/** A copy of `model` that also outputs, per request, the quantised maps and their ranges. */
export function addQuantisation(model: ModelProto, requests: readonly QuantiseRequest[]): { model: ModelProto; outputs: QuantiseOutputs[] } {
  const opset = opsetOf(model);
  const taken = new Set<string>();
  for (const n of model.graph.node) for (const o of n.output) taken.add(o);
  for (const t of [...model.graph.initializer, ...model.graph.input]) if (t.name) taken.add(t.name);
  const nodes: NodeProto[] = [];
  const outputs: QuantiseOutputs[] = [];
  const graphOutputs: { name: string; type: { tensorType: { elemType: number } } }[] = [];
  let serial = 0;
  const fresh = (base: string) => {
    let name = `convscope_q/${base}`;
    while (taken.has(name)) name = `convscope_q/${base}_${++serial}`;
    taken.add(name);
    return name;
  };
  const op = (type: string, inputs: string[], base: string, attrs: AttributeProto[] = []) => {
    const out = fresh(base);
    nodes.push({ opType: type, input: inputs, output: [out], name: out, attribute: attrs });
    return out;
  };
  // Constant nodes rather than initializers: before IR version 4 every initializer must also be a graph input.
  const constant = (base: string, t: TensorProto) => op('Constant', [], base, [{ name: 'value', type: AttributeType.TENSOR, t }]);
  const constF = (base: string, dims: number[], values: number[]) => constant(base, floatInit(dims, values));
  const constI = (base: string, values: number[]) => constant(base, int64Tensor('', [values.length], values));
  // ReduceMin/ReduceMax: axes are an attribute before opset 18 and an input from it on.
  const reduce = (type: 'ReduceMin' | 'ReduceMax', x: string, axes: number[] | null, base: string) => {
    if (!axes) return op(type, [x], base, [int('keepdims', 1)]);
    if (opset >= 18) return op(type, [x, constI(`${base}_axes`, axes)], base, [int('keepdims', 1)]);
    return op(type, [x], base, [ints('axes', axes), int('keepdims', 1)]);
  };
  const output = (name: string, elemType: number) => graphOutputs.push({ name, type: { tensorType: { elemType } } });

  requests.forEach((q, i) => {
    const p = `${i}`;
    // Max and min are exact in any float type, so they run on the layer as it is; only the maps that
    // are sent and their ranges are converted to float32.
    const toFloat = (t: string, base: string) => (q.elemType === DataType.FLOAT ? t : op('Cast', [t], base, [int('to', DataType.FLOAT)]));
    const r = op('Reshape', [q.tensor, constI(`${p}/shape`, [1, q.maps, q.size])], `${p}/maps`);
    const mapMax = reduce('ReduceMax', r, [2], `${p}/map_max`);
    let sentMaps = r;
    let sentMax = mapMax;
    let sent = q.maps;
    let channels: string | undefined;
    let index: string | undefined;
    if ('topK' in q.select) {
      const k = Math.max(0, Math.min(q.maps, Math.floor(q.select.topK)));
      const scores = op('Reshape', [toFloat(mapMax, `${p}/map_max_float`), constI(`${p}/scores_shape`, [q.maps])], `${p}/scores`);
      const values = fresh(`${p}/top_values`);
      channels = fresh(`${p}/top_channels`);
      const kIn = opset >= 10 ? [constI(`${p}/k`, [k])] : [];
      nodes.push({ opType: 'TopK', input: [scores, ...kIn], output: [values, channels], name: channels, attribute: opset >= 10 ? [int('axis', 0)] : [int('axis', 0), int('k', k)] });
      index = channels;
      sent = k;
    } else if ('indices' in q.select) {
      index = constI(`${p}/channels`, q.select.indices);
      sent = q.select.indices.length;
    }
    if (index) {
      sentMaps = op('Gather', [r, index], `${p}/sent`, [int('axis', 1)]);
      sentMax = op('Gather', [mapMax, index], `${p}/sent_max`, [int('axis', 1)]);
    }
    const maps = toFloat(sentMaps, `${p}/sent_float`);
    const layer = q.norm === 'layer';
    // 'layer': over every map of the layer, also those not sent, so the range doesn't jump with top-k.
    let lo = layer
      ? toFloat(reduce('ReduceMin', r, null, `${p}/layer_min`), `${p}/layer_min_float`)
      : toFloat(reduce('ReduceMin', sentMaps, [2], `${p}/sent_min`), `${p}/sent_min_float`);
    let hi = layer ? toFloat(reduce('ReduceMax', mapMax, null, `${p}/layer_max`), `${p}/layer_max_float`) : toFloat(sentMax, `${p}/sent_max_float`);
    const ranges = layer ? 1 : sent;
    if (q.signed) {
      const a = op('Max', [op('Abs', [lo], `${p}/abs_min`), op('Abs', [hi], `${p}/abs_max`)], `${p}/abs`);
      lo = op('Neg', [a], `${p}/signed_min`);
      hi = a;
    }
    // Same-shape operands where opset 7 has no broadcasting (Max).
    const span = op('Max', [op('Sub', [hi, lo], `${p}/span`), constF(`${p}/tiny`, [1, ranges, 1], new Array<number>(ranges).fill(QUANT_TINY))], `${p}/span_safe`);
    const k = op('Div', [constF(`${p}/c255`, [1], [255]), span], `${p}/k`);
    const scaled = op('Mul', [op('Sub', [maps, lo], `${p}/shifted`), k], `${p}/scaled`);
    const bytes = op('Cast', [op('Floor', [op('Add', [scaled, constF(`${p}/half`, [1], [0.5])], `${p}/plus_half`)], `${p}/rounded`)], `${p}/bytes`, [int('to', DataType.UINT8)]);
    output(bytes, DataType.UINT8);
    output(lo, DataType.FLOAT);
    output(hi, DataType.FLOAT);
    if (channels) output(channels, DataType.INT64);
    outputs.push({ data: bytes, min: lo, max: hi, ...(channels ? { channels } : {}) });
  });

  return {
    model: {
      ...model,
      graph: {
        ...model.graph,
        node: [...model.graph.node, ...nodes],
        output: [...model.graph.output, ...graphOutputs],
      },
    },
    outputs,
  };
}
