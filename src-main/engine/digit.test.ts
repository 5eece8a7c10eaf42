import { describe, expect, it } from 'vitest';
import { boxBlur, maxFilter, paperLevel, strokeWidth } from './digit';
import { rng } from './testing/data';

/** Straightforward separable window filters to check the O(n) ones against. */
function reference(src: Float32Array, w: number, h: number, r: number, op: 'max' | 'mean'): Float32Array {
  const pass = (get: (i: number, k: number) => number, n: number, m: number, set: (i: number, k: number, v: number) => void) => {
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < n; k++) {
        let best = -Infinity;
        let sum = 0;
        let count = 0;
        for (let j = Math.max(0, k - r); j <= Math.min(n - 1, k + r); j++) {
          const v = get(i, j);
          best = Math.max(best, v);
          sum += v;
          count++;
        }
        set(i, k, op === 'max' ? best : sum / count);
      }
    }
  };
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  pass((y, x) => src[y * w + x], w, h, (y, x, v) => (tmp[y * w + x] = v));
  pass((x, y) => tmp[y * w + x], h, w, (x, y, v) => (out[y * w + x] = v));
  return out;
}

describe('digit pipeline filters', () => {
  const rand = rng(3);
  const w = 37;
  const h = 23;
  const src = Float32Array.from({ length: w * h }, () => rand());

  it('running maximum and box blur equal the direct window computation at every radius', () => {
    for (const r of [1, 2, 3, 5, 9, 11, 18, 40]) {
      expect(Array.from(maxFilter(src, w, h, r)), `max r=${r}`).toEqual(Array.from(reference(src, w, h, r, 'max')));
      const blur = boxBlur(src, w, h, r);
      const ref = reference(src, w, h, r, 'mean');
      for (let i = 0; i < blur.length; i++) expect(blur[i], `blur r=${r}`).toBeCloseTo(ref[i], 5);
    }
  });

  it('estimates the paper under the ink at a quarter of the resolution as well as at full resolution', () => {
    // Paper lit unevenly (110 at the left edge to 250 at the right, brighter downwards), crossed by
    // 3-px pen strokes at 30 % of the paper's brightness.
    const pw = 112;
    const ph = 112;
    const paper = new Float32Array(pw * ph);
    const img = new Float32Array(pw * ph);
    const stroke = new Uint8Array(pw * ph);
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) {
        const i = y * pw + x;
        paper[i] = 110 + x + 0.3 * y;
        stroke[i] = Math.abs(x - 40) < 2 || Math.abs(y - 70) < 2 || Math.abs(x + y - 150) < 2 ? 1 : 0;
        img[i] = stroke[i] ? 0.3 * paper[i] : paper[i];
      }
    }
    const r = 9; // what the pipeline uses for a 112-px crop
    const level = paperLevel(img, pw, ph, r);
    const full = boxBlur(maxFilter(boxBlur(img, pw, ph, 1), pw, ph, r), pw, ph, r);
    let worstVsFull = 0;
    const err = (est: Float32Array) => {
      const e = Array.from(est, (v, i) => Math.abs(v / paper[i] - 1)).sort((a, b) => a - b);
      return e[e.length >> 1];
    };
    for (let i = 0; i < pw * ph; i++) {
      worstVsFull = Math.max(worstVsFull, Math.abs(level[i] / full[i] - 1));
      if (stroke[i]) expect(level[i] / paper[i], `under the ink at ${i}`).toBeGreaterThan(0.85); // the ink is erased
    }
    expect(worstVsFull).toBeLessThan(0.025);
    expect(err(level)).toBeLessThanOrEqual(err(full) * 1.1);
    // Too small to shrink: the filters run at full resolution.
    const tiny = img.subarray(0, 20 * 20);
    expect(Array.from(paperLevel(tiny, 20, 20, 2))).toEqual(Array.from(boxBlur(maxFilter(boxBlur(tiny, 20, 20, 1), 20, 20, 2), 20, 20, 2)));
  });

  it('measures stroke width as 2 · area / perimeter', () => {
    const img = new Float32Array(20 * 20);
    for (let y = 2; y < 18; y++) for (let x = 9; x < 11; x++) img[y * 20 + x] = 1; // a 2-px wide bar, 16 long
    expect(strokeWidth(img, 20, 20)).toBeCloseTo((2 * 32) / 36, 5);
    expect(strokeWidth(new Float32Array(4), 2, 2)).toBe(0);
  });
});
