// Real values behind the bytes the engine sends: every map travels as uint8 with the real value of
// byte 0 and byte 255 beside it (symmetric around zero for signed maps), so a hovered cell can show
// what the network actually computed.
import type { LayerPayload } from '../../../src-shared/contract';

/** value = min + byte / 255 · (max − min). Signed maps arrive with min = −max, so 127.5 ↔ 0. */
export function dequantiseByte(byte: number, min: number, max: number): number {
  return min + (byte / 255) * (max - min);
}

/** The real value of texel (x, y) of the `slot`-th map sent in `p`. */
export function mapValue(p: LayerPayload, slot: number, x: number, y: number): number {
  if (slot < 0 || slot >= p.channels.length) throw new RangeError(`map slot ${slot} not in ${p.layer} (${p.channels.length} sent)`);
  if (x < 0 || y < 0 || x >= p.mapW || y >= p.mapH) throw new RangeError(`texel ${x},${y} outside ${p.mapW}×${p.mapH} map of ${p.layer}`);
  const byte = p.data[slot * p.mapW * p.mapH + y * p.mapW + x];
  return dequantiseByte(byte, p.min[slot], p.max[slot]);
}

/**
 * A vector layer's neurons as sent: either one 1 × N map (neurons channels[0] … channels[0] + N − 1,
 * one min/max) or one 1 × 1 map per listed neuron (each with its own min/max).
 */
export interface NeuronView {
  count: number;
  /** Layer neuron index of the j-th neuron sent. */
  neuron(j: number): number;
  byte(j: number): number;
  value(j: number): number;
}

export function neuronView(p: LayerPayload): NeuronView {
  const plane = p.mapW * p.mapH;
  if (plane === 1) {
    return {
      count: p.channels.length,
      neuron: (j) => p.channels[j],
      byte: (j) => p.data[j],
      value: (j) => dequantiseByte(p.data[j], p.min[j], p.max[j]),
    };
  }
  const first = p.channels[0] ?? 0;
  const min = p.min[0] ?? 0;
  const max = p.max[0] ?? 0;
  return {
    count: plane,
    neuron: (j) => first + j,
    byte: (j) => p.data[j],
    value: (j) => dequantiseByte(p.data[j], min, max),
  };
}

/** A compact, unit-free rendering of an activation value: 4 significant digits, exponent when tiny or huge. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(parseFloat(v.toPrecision(4)));
}
