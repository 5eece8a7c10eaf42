// Display quantisation inside the graph: for each subscribed layer, nodes appended to the model
// compute the per-map (or per-layer) min/max, pick the maps to send (all, a list, or the k with the
// highest mean) and turn them into bytes, so onnxruntime does that work natively and only the
// bytes that are drawn leave the session. Only operators of opset 7 (with their opset-18 form where
// it differs) are used, so every model ORT runs can be instrumented this way. The arithmetic is
// exactly payload.ts's `quantise` in float32: span = max − min, k = 255 / max(span, QUANT_TINY),
// byte = floor((v − min) · k + 0.5).
import { QUANT_TINY } from '../../src-shared/payload';
import { attr, AttributeType, DataType, int64Tensor, type AttributeProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto';

export interface QuantiseRequest {
  /** The activation tensor. */
  tensor: string;
  /** Its element type (float, float16 or double). */
  elemType: number;
  /** Maps and values per map as displayed (a vector is one map of all its values). */
  maps: number;
  size: number;
  /** Which maps to send: all, these indices in this order, or the k with the highest mean. */
  select: { all: true } | { indices: number[] } | { topK: number };
  norm: 'map' | 'layer';
  signed: boolean;
}

/** Elements [start, end) of one graph output. */
export interface OutputSlice {
  output: string;
  start: number;
  end: number;
}

/** Where one request's result lies in the graph's outputs (an empty request has empty slices of ''). */
export interface QuantiseOutputs {
  /** uint8: the sent maps one after the other. */
  data: OutputSlice;
  /** float32: one range per sent map (a range over the layer is repeated for each). */
  min: OutputSlice;
  max: OutputSlice;
  /** int64: the maps a top-k request chose, best first. */
  channels?: OutputSlice;
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

/**
 * A copy of `model` that also outputs, per request, the quantised maps and their ranges. ONNX Runtime
 * pays a fixed cost per node and per graph output, which for a strip of one small map per layer is
 * most of the work; so requests whose maps have the same size, element type, normalisation and sign
 * are quantised together. Each request only picks its maps (a Reshape; for top-k also a sum per map,
 * TopK and Gather, the sums made once per layer and, for a channel concatenation, taken from its
 * parts); a group concatenates what its requests picked and quantises it with one chain of nodes
 * into one output of bytes, and the groups' ranges and chosen maps leave in one output each.
 */
export function addQuantisation(
  model: ModelProto,
  requests: readonly QuantiseRequest[],
): { model: ModelProto; outputs: QuantiseOutputs[]; added: { node: NodeProto[]; output: ValueInfoProto[] } } {
  const opset = opsetOf(model);
  const taken = new Set<string>();
  for (const n of model.graph.node) for (const o of n.output) taken.add(o);
  for (const t of [...model.graph.initializer, ...model.graph.input]) if (t.name) taken.add(t.name);
  const nodes: NodeProto[] = [];
  const graphOutputs: ValueInfoProto[] = [];
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
  // Reductions: axes are an attribute before opset 18 (ReduceSum: 13) and an input from then on; none = all.
  const reduce = (type: 'ReduceMin' | 'ReduceMax' | 'ReduceSum', x: string, axes: number[] | null, base: string, keep = 1) => {
    if (!axes) return op(type, [x], base, [int('keepdims', keep)]);
    if (opset >= (type === 'ReduceSum' ? 13 : 18)) return op(type, [x, constI(`${base}_axes`, axes)], base, [int('keepdims', keep)]);
    return op(type, [x], base, [ints('axes', axes), int('keepdims', keep)]);
  };
  const toFloat = (t: string, elemType: number, base: string) => (elemType === DataType.FLOAT ? t : op('Cast', [t], base, [int('to', DataType.FLOAT)]));
  const concat = (parts: string[], base: string) => (parts.length === 1 ? parts[0] : op('Concat', parts, base, [int('axis', 0)]));
  const output = (name: string, elemType: number) => graphOutputs.push({ name, type: { tensorType: { elemType } } });

  interface Member {
    request: number;
    /** The sent maps, [sent, size], in the layer's element type. */
    maps: string;
    sent: number;
    /** Per-layer ranges repeated per sent map, float32 [sent, 1] ('layer' only). */
    lo?: string;
    hi?: string;
    /** int64 [k], top-k only. */
    channels?: string;
  }
  const groups = new Map<string, { q: QuantiseRequest; members: Member[] }>();
  const none: OutputSlice = { output: '', start: 0, end: 0 };
  const outputs: QuantiseOutputs[] = requests.map(() => ({ data: none, min: none, max: none }));

  // A layer's maps as [maps, size] and, for top-k, each map's sum, made once per layer when first
  // needed: the sums of a channel concatenation of top-k layers are its parts' sums one after the
  // other, and its chosen maps are taken from its parts, so the concatenation itself is not read.
  const reshaped = new Map<string, string>();
  const mapsOf = (i: number) => {
    const q = requests[i];
    let r = reshaped.get(q.tensor);
    if (!r) reshaped.set(q.tensor, (r = op('Reshape', [q.tensor, constI(`${i}/shape`, [q.maps, q.size])], `${i}/maps`)));
    return r;
  };
  const parts = concatParts(model, requests);
  const sums = new Map<string, string>();
  const sumsOf = (i: number): string => {
    const q = requests[i];
    let s = sums.get(q.tensor);
    if (!s) {
      const from = parts.get(i);
      // The most active maps: the highest sums, i.e. means, as a layer's maps have one size (a map
      // bright over an area, not one with a hot pixel); a float16 layer is added up in float32.
      s = from
        ? concat(from.map(sumsOf), `${i}/map_sum`)
        : reduce('ReduceSum', toFloat(mapsOf(i), q.elemType, `${i}/maps_float`), [1], `${i}/map_sum`, 0);
      sums.set(q.tensor, s);
    }
    return s;
  };
  const joined = new Map<string, string>();
  const chosenFrom = (i: number) => {
    const from = parts.get(i);
    if (!from) return mapsOf(i);
    let j = joined.get(requests[i].tensor);
    if (!j) joined.set(requests[i].tensor, (j = concat(from.map(mapsOf), `${i}/joined`)));
    return j;
  };

  requests.forEach((q, i) => {
    const p = `${i}`;
    let maps = '';
    let sent = q.maps;
    let channels: string | undefined;
    if ('topK' in q.select) {
      sent = Math.max(0, Math.min(q.maps, Math.floor(q.select.topK)));
      if (sent > 0) {
        const scores = sumsOf(i);
        const values = fresh(`${p}/top_values`);
        channels = fresh(`${p}/top_channels`);
        const kIn = opset >= 10 ? [constI(`${p}/k`, [sent])] : [];
        nodes.push({ opType: 'TopK', input: [scores, ...kIn], output: [values, channels], name: channels, attribute: opset >= 10 ? [int('axis', 0)] : [int('axis', 0), int('k', sent)] });
        maps = op('Gather', [chosenFrom(i), channels], `${p}/sent`, [int('axis', 0)]);
      }
    } else if ('indices' in q.select) {
      sent = q.select.indices.length;
      if (sent > 0) maps = op('Gather', [mapsOf(i), constI(`${p}/channels`, q.select.indices)], `${p}/sent`, [int('axis', 0)]);
    } else maps = mapsOf(i);
    if (sent === 0) {
      if ('topK' in q.select) outputs[i].channels = none;
      return;
    }
    const member: Member = { request: i, maps, sent, ...(channels ? { channels } : {}) };
    if (q.norm === 'layer') {
      // Over every map of the layer, also those not sent, so the range doesn't jump with top-k.
      const ones = constF(`${p}/ones`, [sent, 1], new Array<number>(sent).fill(1));
      member.lo = op('Mul', [toFloat(reduce('ReduceMin', mapsOf(i), null, `${p}/layer_min`), q.elemType, `${p}/layer_min_float`), ones], `${p}/layer_min_rows`);
      member.hi = op('Mul', [toFloat(reduce('ReduceMax', mapsOf(i), null, `${p}/layer_max`), q.elemType, `${p}/layer_max_float`), ones], `${p}/layer_max_rows`);
    }
    const key = `${q.size}|${q.elemType}|${q.norm}|${q.signed}`;
    const group = groups.get(key) ?? { q, members: [] };
    group.members.push(member);
    groups.set(key, group);
  });

  // Every group's minima, then every group's maxima, leave in one float32 output, and the maps every
  // top-k request chose in one int64 output: ORT's cost per graph output matters for small models.
  const ranges = fresh('ranges');
  const chosen = fresh('channels');
  const allLo: string[] = [];
  const allHi: string[] = [];
  const allChosen: string[] = [];
  const totalRows = [...groups.values()].reduce((a, { members }) => a + members.reduce((b, m) => b + m.sent, 0), 0);
  let rowBase = 0;
  let picked = 0;
  let g = 0;
  for (const { q, members } of groups.values()) {
    const p = `g${g++}`;
    const rows = members.reduce((a, m) => a + m.sent, 0);
    const maps = toFloat(concat(members.map((m) => m.maps), `${p}/maps`), q.elemType, `${p}/maps_float`);
    let lo = q.norm === 'layer' ? concat(members.map((m) => m.lo!), `${p}/min`) : reduce('ReduceMin', maps, [1], `${p}/min`);
    let hi = q.norm === 'layer' ? concat(members.map((m) => m.hi!), `${p}/max`) : reduce('ReduceMax', maps, [1], `${p}/max`);
    if (q.signed) {
      const a = op('Max', [op('Abs', [lo], `${p}/abs_min`), op('Abs', [hi], `${p}/abs_max`)], `${p}/abs`);
      lo = op('Neg', [a], `${p}/signed_min`);
      hi = a;
    }
    // Same-shape operands where opset 7 has no broadcasting (Max).
    const span = op('Max', [op('Sub', [hi, lo], `${p}/span`), constF(`${p}/tiny`, [rows, 1], new Array<number>(rows).fill(QUANT_TINY))], `${p}/span_safe`);
    const k = op('Div', [constF(`${p}/c255`, [1], [255]), span], `${p}/k`);
    const scaled = op('Mul', [op('Sub', [maps, lo], `${p}/shifted`), k], `${p}/scaled`);
    // floor(x + 0.5) by the cast itself: onnxruntime casts float to uint8 by truncation, which for
    // x + 0.5 ≥ 0 is the floor (the bit-exactness tests hold it to that).
    const bytes = op('Cast', [op('Add', [scaled, constF(`${p}/half`, [1], [0.5])], `${p}/plus_half`)], `${p}/bytes`, [int('to', DataType.UINT8)]);
    output(bytes, DataType.UINT8);
    allLo.push(lo);
    allHi.push(hi);
    let row = rowBase;
    for (const m of members) {
      const o = outputs[m.request];
      o.data = { output: bytes, start: (row - rowBase) * q.size, end: (row - rowBase + m.sent) * q.size };
      o.min = { output: ranges, start: row, end: row + m.sent };
      o.max = { output: ranges, start: totalRows + row, end: totalRows + row + m.sent };
      if (m.channels) {
        o.channels = { output: chosen, start: picked, end: picked + m.sent };
        allChosen.push(m.channels);
        picked += m.sent;
      }
      row += m.sent;
    }
    rowBase += rows;
  }
  const join = (name: string, parts: string[]) => nodes.push({ opType: 'Concat', input: parts, output: [name], name, attribute: [int('axis', 0)] });
  if (allLo.length) {
    join(ranges, [...allLo, ...allHi]);
    output(ranges, DataType.FLOAT);
  }
  if (allChosen.length) {
    join(chosen, allChosen);
    output(chosen, DataType.INT64);
  }

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
    added: { node: nodes, output: graphOutputs },
  };
}

/**
 * Top-k requests whose layer is a channel concatenation (Concat on axis 1, as in Inception or
 * SqueezeNet's fire modules) of layers that are themselves top-k requests with maps of the same size
 * and element type: the concatenation's map sums are its parts' sums one after the other, so they
 * need not be added up again, nor the concatenation read. Request index → a top-k request of each
 * part, in the concatenation's order.
 */
export function concatParts(model: ModelProto, requests: readonly QuantiseRequest[]): Map<number, number[]> {
  const topK = new Map<string, number>();
  requests.forEach((q, i) => {
    if ('topK' in q.select && !topK.has(q.tensor)) topK.set(q.tensor, i);
  });
  const producer = new Map<string, NodeProto>();
  for (const n of model.graph.node) for (const o of n.output) if (o) producer.set(o, n);
  const found = new Map<number, number[]>();
  requests.forEach((q, i) => {
    if (!('topK' in q.select)) return;
    const n = producer.get(q.tensor);
    if (!n || n.opType !== 'Concat' || n.output[0] !== q.tensor) return;
    if (Number(attr(n, 'axis')?.i) !== 1) return;
    const from = n.input.map((t) => topK.get(t));
    if (from.some((j) => j === undefined || j === i)) return;
    const js = from as number[];
    const same = js.every((j) => requests[j].size === q.size && requests[j].elemType === q.elemType);
    if (!same || js.reduce((a, j) => a + requests[j].maps, 0) !== q.maps) return;
    found.set(i, js);
  });
  // A part may itself be a concatenation, but never (in a malformed graph) one that leads back to it.
  const state = new Map<number, 'visiting' | 'ok' | 'cycle'>();
  const check = (i: number): boolean => {
    const st = state.get(i);
    if (st) return st === 'ok';
    state.set(i, 'visiting');
    const ok = (found.get(i) ?? []).every(check);
    state.set(i, ok ? 'ok' : 'cycle');
    return ok;
  };
  for (const i of [...found.keys()]) if (!check(i)) found.delete(i);
  return found;
}
