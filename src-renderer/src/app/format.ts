// Numbers and labels as the window shows them (always with units).
import type { FrameResult } from '../../../src-shared/contract';

/**
 * When the result's classes mean nothing: the digit pipeline found no ink, or the crop follows
 * faces and the face finder found none (the square stayed where the last face was).
 */
export function nothingToRead(r: Pick<FrameResult, 'noInk' | 'faces'>): string | null {
  if (r.noInk) return 'no digit in the crop';
  if (r.faces && r.faces.length === 0) return 'no face in the picture';
  return null;
}

/** What the status says about a result: the top class, or why there is nothing to read. */
export function resultText(r: Pick<FrameResult, 'probs' | 'noInk' | 'faces'>, labels: readonly string[]): string {
  return nothingToRead(r) ?? topClassText(r.probs, labels);
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
