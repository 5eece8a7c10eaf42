// Turns one layer's float activations into what a subscriber asked for: the chosen maps, quantised
// to bytes with the real min/max per map (or one range for the whole layer; symmetric when signed).
import type { LayerInfo, LayerPayload, LayerSubscription } from '../../src-shared/contract';
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

/**
 * Same mapping as payload.ts's quantise (byte = round((v − min) · 255 / (max − min))), specialised for
 * Float32Array: a Uint8ClampedArray view does the rounding and clamping natively, which matters at
 * a million values per frame.
 */
function quantiseInto(src: Float32Array, offset: number, n: number, out: Uint8Array, outOffset: number, range: { min: number; max: number }): void {
  const span = range.max - range.min;
  const k = span > 0 ? 255 / span : 0;
  const min = range.min;
  const dst = new Uint8ClampedArray(out.buffer, out.byteOffset + outOffset, n);
  for (let i = 0; i < n; i++) dst[i] = (src[offset + i] - min) * k;
}

/** Mean activation of each map (what "most active" means for top-k). */
function mapMeans(data: Activations, maps: number, size: number): Float64Array {
  const means = new Float64Array(maps);
  const lut = data instanceof Float32Array ? null : halfLut();
  for (let c = 0; c < maps; c++) {
    let s = 0;
    const o = c * size;
    if (lut) {
      const h = (data as { half: Uint16Array }).half;
      for (let i = 0; i < size; i++) s += lut[h[o + i]];
    } else {
      const f = data as Float32Array;
      for (let i = 0; i < size; i++) s += f[o + i];
    }
    means[c] = s / size;
  }
  return means;
}

function rangeOf(data: Float32Array, offset: number, n: number, signed: boolean): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[offset + i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 0 };
  if (signed) {
    const a = Math.max(Math.abs(min), Math.abs(max));
    return { min: -a, max: a };
  }
  return { min, max };
}

/** Which maps a subscription selects (in the order they are sent). */
export function selectChannels(sub: LayerSubscription, maps: number, data: Activations, size: number): number[] {
  const ch = sub.channels;
  if (!ch) return Array.from({ length: maps }, (_, i) => i);
  if ('list' in ch) return ch.list.filter((i) => Number.isInteger(i) && i >= 0 && i < maps);
  if ('start' in ch) {
    const start = Math.max(0, Math.min(maps, Math.floor(ch.start)));
    const end = Math.max(start, Math.min(maps, start + Math.floor(ch.count)));
    return Array.from({ length: end - start }, (_, i) => start + i);
  }
  const k = Math.max(0, Math.min(maps, Math.floor(ch.topK)));
  const means = mapMeans(data, maps, size);
  // Most active first; ties by index so the order is stable from frame to frame.
  return Array.from({ length: maps }, (_, i) => i)
    .sort((a, b) => means[b] - means[a] || a - b)
    .slice(0, k);
}

/**
 * Encodes one layer. Maps layers send the selected maps; a vector layer is sent whole as one 1×N
 * map (channels [0]) whatever channel selection was asked, so neuron indices stay unambiguous.
 */
export function encodeLayer(sub: LayerSubscription, info: LayerInfo, data: Activations): LayerPayload {
  const signed = sub.signed ?? false;
  if (info.kind === 'vector') {
    const n = info.shape[0];
    const values = floats(data, 0, n);
    const bytes = new Uint8Array(n);
    const r = rangeOf(values, 0, n, signed);
    quantiseInto(values, 0, n, bytes, 0, r);
    return {
      layer: info.name, shape: info.shape, channels: [0], mapH: 1, mapW: n, data: bytes,
      min: Float32Array.of(r.min), max: Float32Array.of(r.max),
    };
  }
  const [maps, h, w] = info.shape;
  const size = h * w;
  if (lengthOf(data) < maps * size) throw new Error(`layer ${info.name}: ${lengthOf(data)} values for ${maps}×${h}×${w}`);
  const channels = selectChannels(sub, maps, data, size);
  const bytes = new Uint8Array(channels.length * size);
  const min = new Float32Array(channels.length);
  const max = new Float32Array(channels.length);
  let layerRange: { min: number; max: number } | undefined;
  if (sub.norm === 'layer') {
    // One range over every map of the layer, also the ones not sent, so it doesn't jump with top-k.
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = 0; c < maps; c++) {
      const r = rangeOf(floats(data, c * size, size), 0, size, false);
      if (r.min < lo) lo = r.min;
      if (r.max > hi) hi = r.max;
    }
    const a = Math.max(Math.abs(lo), Math.abs(hi));
    layerRange = !Number.isFinite(lo) || !Number.isFinite(hi) ? { min: 0, max: 0 } : signed ? { min: -a, max: a } : { min: lo, max: hi };
  }
  channels.forEach((c, i) => {
    const values = floats(data, c * size, size);
    const range = layerRange ?? rangeOf(values, 0, size, signed);
    quantiseInto(values, 0, size, bytes, i * size, range);
    min[i] = range.min;
    max[i] = range.max;
  });
  return { layer: info.name, shape: info.shape, channels, mapH: h, mapW: w, data: bytes, min, max };
}
