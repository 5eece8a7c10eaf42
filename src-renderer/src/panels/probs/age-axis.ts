// The age histogram's geometry: the axis in years (domain and round ticks) and each bucket's bar,
// as wide as its range, its area its probability (height = probability per year of the range).
import type { AgeBucket } from '../../../../src-shared/age';

export interface AgeAxis {
  /** Years at the left and right end of the axis. */
  from: number;
  to: number;
  /** Tick positions in years, round numbers. */
  ticks: number[];
}

const STEPS = [1, 2, 5, 10, 20, 25, 50];

/** An axis covering every bar, with at most `maxTicks` round ticks (0, 10, 20 … or 0, 20, 40 …). */
export function ageAxis(buckets: readonly AgeBucket[], maxTicks: number): AgeAxis {
  const lo = Math.min(...buckets.map((b) => b.from));
  const hi = Math.max(...buckets.map((b) => b.to));
  const from = Math.max(0, Math.floor(lo));
  const to = Math.max(from + 1, Math.ceil(hi));
  const step = STEPS.find((s) => Math.floor(to / s) - Math.ceil(from / s) + 1 <= Math.max(2, maxTicks)) ?? 100;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return { from, to, ticks };
}

/** Probability per year of each bucket's range: bars of different widths compare by area. */
export function densities(probs: ArrayLike<number>, buckets: readonly AgeBucket[]): number[] {
  return buckets.map((b, i) => (probs[i] ?? 0) / Math.max(1e-9, b.to - b.from));
}
