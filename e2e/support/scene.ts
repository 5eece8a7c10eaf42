// The fake camera's scenes. Digits: MNIST test digits drawn as dark ink on off-white paper under
// uneven light, with sensor noise, slight blur and a little hand-held jitter, centred where the
// app's default crop square (centred, 60% of the shorter side) looks. A red sticker sits in the
// paper's top-left corner, outside the default crop: a crop moved there shows it.
import { rng } from '../../src-main/engine/testing/data';
import type { MnistSet } from './mnist';
import type { RgbFrame } from './y4m';

export const CAMERA = { width: 640, height: 480 } as const;
/** Digits play at 10 frames/s, 20 frames each: two seconds per digit, 20 s per loop. */
export const DIGIT_VIDEO = { fps: 10, framesPerDigit: 20 } as const;

/** The digit's ink coverage (0–1) at `size`×`size`, bilinearly enlarged and softened. */
function inkMask(img28: Uint8Array, size: number): Float32Array {
  const m = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const sy = Math.min(27, Math.max(0, ((y + 0.5) * 28) / size - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(27, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(27, Math.max(0, ((x + 0.5) * 28) / size - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(27, x0 + 1);
      const fx = sx - x0;
      const v =
        (img28[y0 * 28 + x0] * (1 - fx) + img28[y0 * 28 + x1] * fx) * (1 - fy) +
        (img28[y1 * 28 + x0] * (1 - fx) + img28[y1 * 28 + x1] * fx) * fy;
      m[y * size + x] = v / 255;
    }
  }
  // Slight blur: two passes of a [1 2 1]/4 kernel in each direction (σ ≈ 1 px).
  const tmp = new Float32Array(m.length);
  for (let pass = 0; pass < 2; pass++) {
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const l = m[y * size + Math.max(0, x - 1)];
        const r = m[y * size + Math.min(size - 1, x + 1)];
        tmp[y * size + x] = (l + 2 * m[y * size + x] + r) / 4;
      }
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const u = tmp[Math.max(0, y - 1) * size + x];
        const d = tmp[Math.min(size - 1, y + 1) * size + x];
        m[y * size + x] = (u + 2 * tmp[y * size + x] + d) / 4;
      }
  }
  return m;
}

/** Brightness of the paper at (x, y): brighter towards the top right, darker in the corners. */
function lighting(x: number, y: number, w: number, h: number): number {
  const gx = x / w;
  const gy = 1 - y / h;
  const dx = gx - 0.5;
  const dy = gy - 0.5;
  return 0.7 + 0.3 * (0.6 * gx + 0.4 * gy) - 0.12 * (dx * dx + dy * dy);
}

/**
 * Frames of the digits scene: each digit held for `framesPerDigit` frames, every frame with
 * fresh noise and a jitter of up to two pixels.
 */
export function* digitFrames(
  set: MnistSet,
  picks: { index: number; label: number }[],
  framesPerDigit: number = DIGIT_VIDEO.framesPerDigit,
): Generator<RgbFrame> {
  const { width: w, height: h } = CAMERA;
  const paper = [234, 229, 216];
  const ink = [26, 28, 46];
  const light = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) light[y * w + x] = lighting(x, y, w, h);
  // A table of noise values (σ ≈ 5 levels) read at a random offset per frame: fast and varied.
  // Deterministic pseudo-random numbers, so every run sees the same pictures.
  const rnd = rng(12345);
  const noise = new Float32Array(1 << 20);
  for (let i = 0; i < noise.length; i++) noise[i] = (rnd() + rnd() + rnd() - 1.5) * 10;
  // The crop square is 288 px (60% of 480); MNIST's 20-px ink box inside 28 px becomes ~140 px.
  const size = 196;
  const sticker = { x0: 24, y0: 24, x1: 144, y1: 124, rgb: [200, 36, 40] };
  for (const pick of picks) {
    const mask = inkMask(set.images.subarray(pick.index * 784, (pick.index + 1) * 784), size);
    for (let f = 0; f < framesPerDigit; f++) {
      const ox = Math.round(w / 2 - size / 2 + (rnd() * 4 - 2));
      const oy = Math.round(h / 2 - size / 2 + (rnd() * 4 - 2));
      const data = new Uint8Array(w * h * 3);
      let n = Math.floor(rnd() * noise.length);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const mx = x - ox;
          const my = y - oy;
          const a = mx >= 0 && mx < size && my >= 0 && my < size ? mask[my * size + mx] : 0;
          const l = light[y * w + x];
          const o = (y * w + x) * 3;
          const base = x >= sticker.x0 && x < sticker.x1 && y >= sticker.y0 && y < sticker.y1 ? sticker.rgb : paper;
          for (let c = 0; c < 3; c++) {
            const v = (base[c] * (1 - a) + ink[c] * a) * l + noise[n];
            n = (n + 7) & (noise.length - 1);
            data[o + c] = v < 0 ? 0 : v > 255 ? 255 : v;
          }
        }
      }
      yield { width: w, height: h, channels: 3, data };
    }
  }
}
