// Summaries for noisy measurements: medians and percentiles, never means of a handful of samples.

/** The q-quantile (0–1) of `xs` by linear interpolation between the nearest ranks; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);
export const p90 = (xs: readonly number[]): number => quantile(xs, 0.9);
export const p95 = (xs: readonly number[]): number => quantile(xs, 0.95);

/** "1.23" below 10, "12.3" below 100, whole numbers above; "–" for a missing value. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  return a < 10 ? x.toFixed(2) : a < 100 ? x.toFixed(1) : x.toFixed(0);
}

/** "a / b" as "×1.23"; "–" when either side is missing or b is zero. */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `×${(a / b).toFixed(2)}` : '–';
}

/** A markdown table. */
export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}
