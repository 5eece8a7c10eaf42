// Turns one layer's float activations into what a subscriber asked for: the chosen maps, quantised
// to bytes with the real min/max per map (or one range for the whole layer; symmetric when signed).
import type { LayerInfo, LayerPayload, LayerSubscription } from '../../src-preload/contract';

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
function mapMeans(data: Float32Array, maps: number, size: number): Float64Array {
  const means = new Float64Array(maps);
  for (let c = 0; c < maps; c++) {
    let s = 0;
    const o = c * size;
    for (let i = 0; i < size; i++) s += data[o + i];
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
export function selectChannels(sub: LayerSubscription, maps: number, data: Float32Array, size: number): number[] {
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
export function encodeLayer(sub: LayerSubscription, info: LayerInfo, data: Float32Array): LayerPayload {
  const signed = sub.signed ?? false;
  if (info.kind === 'vector') {
    const n = info.shape[0];
    const bytes = new Uint8Array(n);
    const r = rangeOf(data, 0, n, signed);
    quantiseInto(data, 0, n, bytes, 0, r);
    return {
      layer: info.name, shape: info.shape, channels: [0], mapH: 1, mapW: n, data: bytes,
      min: Float32Array.of(r.min), max: Float32Array.of(r.max),
    };
  }
  const [maps, h, w] = info.shape;
  const size = h * w;
  const channels = selectChannels(sub, maps, data, size);
  const bytes = new Uint8Array(channels.length * size);
  const min = new Float32Array(channels.length);
  const max = new Float32Array(channels.length);
  const layerRange = sub.norm === 'layer' ? rangeOf(data, 0, maps * size, signed) : undefined;
  channels.forEach((c, i) => {
    const range = layerRange ?? rangeOf(data, c * size, size, signed);
    quantiseInto(data, c * size, size, bytes, i * size, range);
    min[i] = range.min;
    max[i] = range.max;
  });
  return { layer: info.name, shape: info.shape, channels, mapH: h, mapW: w, data: bytes, min, max };
}
