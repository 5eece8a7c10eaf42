import { describe, expect, it } from 'vitest';
import { resizePlane } from './resize';
import { rng } from './testing/data';

/**
 * Bilinear enlargement written out directly: pixel centres at (i + 0.5) · src/dst − 0.5, clamped at
 * the borders, each row resampled in double precision and stored as float32, the two rows weighed
 * and summed in float32 steps, as the separable resize stores them.
 */
function enlargeReference(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const taps = (s: number, d: number) =>
    Array.from({ length: d }, (_, i) => {
      const x = ((i + 0.5) * s) / d - 0.5;
      let j = Math.floor(x);
      let f = x - j;
      if (j < 0) [j, f] = [0, 0];
      if (j >= s - 1) [j, f] = [s - 1, 0];
      return f > 0 ? [[j, Math.fround(1 - f)], [j + 1, Math.fround(f)]] : [[j, Math.fround(1 - f)]];
    });
  const tx = taps(sw, dw);
  const ty = taps(sh, dh);
  const rows = Array.from({ length: sh }, (_, y) => Float32Array.from(tx, (t) => t.reduce((acc, [j, w]) => acc + src[y * sw + j] * w, 0)));
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) out[y * dw + x] = ty[y].reduce((acc, [j, w]) => Math.fround(acc + rows[j][x] * w), 0);
  }
  return out;
}

describe('resize', () => {
  it('enlarges bit for bit as bilinear interpolation written out directly, whatever the ratio', () => {
    const rand = rng(11);
    for (const [sw, sh, dw, dh] of [[28, 28, 112, 112], [7, 5, 30, 23], [13, 9, 14, 40], [3, 3, 100, 7]]) {
      const src = Float32Array.from({ length: sw * sh }, () => rand() * 255);
      expect(Array.from(resizePlane(src, sw, sh, dw, dh)), `${sw}×${sh} → ${dw}×${dh}`).toEqual(Array.from(enlargeReference(src, sw, sh, dw, dh)));
    }
  });
});
