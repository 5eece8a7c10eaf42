// Numbers and labels as the window shows them (always with units).
import type { FrameResult } from '../../../src-shared/contract';

/** What the status says about a result: the top class, or that the crop holds no digit to read. */
export function resultText(r: Pick<FrameResult, 'probs' | 'noInk'>, labels: readonly string[]): string {
  return r.noInk ? 'no digit in the crop' : topClassText(r.probs, labels);
}

/** "7 — 98.4 %" for the most probable class. */
export function topClassText(probs: ArrayLike<number>, labels: readonly string[]): string {
  if (probs.length === 0) return '';
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
  return `${labels[best] ?? `class ${best}`} — ${(probs[best] * 100).toFixed(1)} %`;
}

/** Milliseconds: one decimal below 10 ms, whole above; a dash before the first measurement. */
export function ms(x: number): string {
  return x > 0 ? `${x < 10 ? x.toFixed(1) : Math.round(x)} ms` : '– ms';
}
