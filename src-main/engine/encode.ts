// Turns one layer's activations into what a subscriber asked for: the chosen maps as bytes with the
// real min/max per map (or one range for the whole layer; symmetric when signed). Normally the graph
// computes this (onnx/quantise-graph.ts) and `fromQuantised` only unpacks its outputs; `encodeLayer`
// does the same in JavaScript from float activations, for models whose graph cannot be extended
// that way. Both give the same bytes (payload.ts's `quantise`).
import type { LayerInfo, LayerPayload, LayerSubscription } from '../../src-shared/contract';
import { quantise } from '../../src-shared/payload';
import type { OutputSlice, QuantiseOutputs, QuantiseRequest } from '../onnx/quantise-graph';
import { halfToFloat } from '../onnx/proto';

/** A layer's values as the runtime returns them: float32, or float16 bits (converted only where needed). */
export type Activations = Float32Array | { half: Uint16Array };

let halfTable: Float32Array | undefined;
/** All 65536 float16 values as float32: a table lookup is far cheaper than decoding bits per value. */
export function halfLut(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/** Values [offset, offset + n) as float32: a view for float32 data, a converted copy for float16. */
function floats(data: Activations, offset: number, n: number): Float32Array {
  if (data instanceof Float32Array) return data.subarray(offset, offset + n);
  const lut = halfLut();
  const src = data.half;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lut[src[offset + i]];
  return out;
}

const lengthOf = (data: Activations) => (data instanceof Float32Array ? data.length : data.half.length);

function rangeOf(data: Float32Array, signed: boolean): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // A non-finite range stays as it is: quantise turns it into 0…0 with zero bytes.
  if (signed) {
    const a = Math.max(Math.abs(min), Math.abs(max));
    return { min: -a, max: a };
  }
  return { min, max };
}

/** Where a map's values are: its channel's slice of the layer. */
const mapOf = (data: Activations, c: number, size: number) => floats(data, c * size, size);

/**
 * The k most active maps: highest mean first (a map bright over an area, not one with a hot pixel),
 * ties by index (stable from frame to frame). The maps of a layer have one size, so this ranks their
 * sums, as the graph's ReduceSum + TopK do; the two add in a different order, so maps whose sums
 * agree to float32 rounding may come in either order. A map with a NaN sum comes last.
 */
function topMaps(data: Activations, maps: number, size: number, k: number): number[] {
  const sums = new Float64Array(maps);
  for (let c = 0; c < maps; c++) {
    const v = mapOf(data, c, size);
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += v[i];
    sums[c] = Number.isNaN(sum) ? -Infinity : sum;
  }
  return Array.from({ length: maps }, (_, i) => i)
    .sort((a, b) => sums[b] - sums[a] || a - b)
    .slice(0, Math.max(0, Math.min(maps, Math.floor(k))));
}

/** The explicit maps a subscription selects (in the order they are sent); null for top-k, which depends on the frame. */
export function fixedChannels(sub: LayerSubscription, maps: number): number[] | null {
  const ch = sub.channels;
  if (!ch) return Array.from({ length: maps }, (_, i) => i);
  if ('list' in ch) return ch.list.filter((i) => Number.isInteger(i) && i >= 0 && i < maps);
  if ('start' in ch) {
    const start = Math.max(0, Math.min(maps, Math.floor(ch.start)));
    const end = Math.max(start, Math.min(maps, start + Math.floor(ch.count)));
    return Array.from({ length: end - start }, (_, i) => start + i);
  }
  return null;
}

/** Maps and values per map as sent: a vector layer is one 1×N map. */
function geometry(info: LayerInfo): { maps: number; h: number; w: number } {
  if (info.kind === 'vector') return { maps: 1, h: 1, w: info.shape[0] };
  const [maps, h, w] = info.shape;
  return { maps, h, w };
}

/**
 * Encodes one layer in JavaScript. Maps layers send the selected maps; a vector layer is sent whole
 * as one 1×N map (channels [0]) whatever channel selection was asked, so neuron indices stay unambiguous.
 */
export function encodeLayer(sub: LayerSubscription, info: LayerInfo, data: Activations): LayerPayload {
  const signed = sub.signed ?? false;
  const { maps, h, w } = geometry(info);
  const size = h * w;
  if (lengthOf(data) < maps * size) throw new Error(`layer ${info.name}: ${lengthOf(data)} values for ${maps}×${h}×${w}`);
  const vector = info.kind === 'vector';
  const ch = sub.channels;
  const channels = vector ? [0] : ch && 'topK' in ch ? topMaps(data, maps, size, ch.topK) : fixedChannels(sub, maps)!;
  const bytes = new Uint8Array(channels.length * size);
  const min = new Float32Array(channels.length);
  const max = new Float32Array(channels.length);
  let layerRange: { min: number; max: number } | undefined;
  if (sub.norm === 'layer' && !vector) {
    // One range over every map of the layer, also the ones not sent, so it doesn't jump with top-k.
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = 0; c < maps; c++) {
      const r = rangeOf(mapOf(data, c, size), false);
      if (r.min < lo) lo = r.min;
      if (r.max > hi) hi = r.max;
    }
    const a = Math.max(Math.abs(lo), Math.abs(hi));
    layerRange = signed ? { min: -a, max: a } : { min: lo, max: hi };
  }
  channels.forEach((c, i) => {
    const values = mapOf(data, c, size);
    const range = quantise(values, 0, size, bytes, i * size, layerRange ?? rangeOf(values, signed));
    min[i] = range.min;
    max[i] = range.max;
  });
  return { layer: info.name, shape: info.shape, channels, mapH: h, mapW: w, data: bytes, min, max };
}

/** What the graph must compute for a subscription to one layer (onnx/quantise-graph.ts). */
export function quantiseRequest(sub: LayerSubscription, info: LayerInfo, tensor: string, elemType: number): QuantiseRequest {
  const { maps, h, w } = geometry(info);
  const ch = sub.channels;
  const vector = info.kind === 'vector';
  const select: QuantiseRequest['select'] =
    vector || !ch ? { all: true } : 'topK' in ch ? { topK: Math.max(0, Math.min(maps, Math.floor(ch.topK))) } : { indices: fixedChannels(sub, maps)! };
  // A vector's one map spans the layer already; 'layer' would only add a reduction.
  return { tensor, elemType, maps, size: h * w, select, norm: vector ? 'map' : (sub.norm ?? 'map'), signed: sub.signed ?? false };
}

/** The graph's quantisation outputs for one layer, as ORT returns them. */
export interface QuantisedTensors {
  data: Uint8Array;
  min: Float32Array;
  max: Float32Array;
  /** Top-k choice (int64). */
  channels?: BigInt64Array;
}

/** One request's stretches of the graph's outputs (`data(name)` gives an output's typed array). */
export function quantisedSlices(o: QuantiseOutputs, data: (output: string) => unknown): QuantisedTensors {
  const cut = <T extends Uint8Array | Float32Array | BigInt64Array>(s: OutputSlice, empty: T): T =>
    (s.end > s.start ? (data(s.output) as T).subarray(s.start, s.end) : empty) as T;
  return {
    data: cut(o.data, new Uint8Array(0)),
    min: cut(o.min, new Float32Array(0)),
    max: cut(o.max, new Float32Array(0)),
    ...(o.channels ? { channels: cut(o.channels, new BigInt64Array(0)) } : {}),
  };
}

/**
 * A LayerPayload from the graph's outputs. Non-finite ranges become 0…0 with all-zero bytes, as
 * `quantise` gives them.
 */
export function fromQuantised(info: LayerInfo, req: QuantiseRequest, q: QuantisedTensors): LayerPayload {
  const { h, w } = geometry(info);
  const channels = q.channels ? Array.from(q.channels, Number) : 'indices' in req.select ? req.select.indices : Array.from({ length: req.maps }, (_, i) => i);
  const n = channels.length;
  const size = h * w;
  if (q.data.length !== n * size) throw new Error(`layer ${info.name}: ${q.data.length} bytes for ${n} maps of ${h}×${w}`);
  const min = new Float32Array(n);
  const max = new Float32Array(n);
  const perMap = q.min.length === n;
  for (let i = 0; i < n; i++) {
    const lo = q.min[perMap ? i : 0];
    const hi = q.max[perMap ? i : 0];
    if (Number.isFinite(lo) && Number.isFinite(hi)) {
      min[i] = lo;
      max[i] = hi;
    } else q.data.fill(0, i * size, (i + 1) * size);
  }
  return { layer: info.name, shape: info.shape, channels, mapH: h, mapW: w, data: q.data, min, max };
}
