// Test data helpers: the shared MNIST files, so tests feed the
// engine real images without extra dependencies.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedData = resolve(repoRoot, '../shared/data');
export const assetsDir = resolve(repoRoot, 'assets/models');

export interface MnistSet {
  count: number;
  images: Uint8Array; // count × 28 × 28, white digit on black
  labels: Uint8Array;
}

export function loadMnistTest(limit = 10000): MnistSet {
  const img = gunzipSync(readFileSync(resolve(sharedData, 'mnist/t10k-images-idx3-ubyte.gz')));
  const lab = gunzipSync(readFileSync(resolve(sharedData, 'mnist/t10k-labels-idx1-ubyte.gz')));
  const iv = new DataView(img.buffer, img.byteOffset, img.byteLength);
  const lv = new DataView(lab.buffer, lab.byteOffset, lab.byteLength);
  if (iv.getUint32(0) !== 2051 || lv.getUint32(0) !== 2049) throw new Error('MNIST files: bad magic');
  const count = Math.min(limit, iv.getUint32(4));
  return {
    count,
    images: new Uint8Array(img.buffer, img.byteOffset + 16, count * 784),
    labels: new Uint8Array(lab.buffer, lab.byteOffset + 8, count),
  };
}

export const mnistDigit = (set: MnistSet, i: number): Uint8Array => set.images.subarray(i * 784, (i + 1) * 784);

/** Gray 0–255 values → RGBA with R=G=B. */
export function grayToRgba(gray: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(gray.length * 4);
  for (let i = 0; i < gray.length; i++) {
    const v = Math.max(0, Math.min(255, Math.round(gray[i])));
    out[i * 4] = out[i * 4 + 1] = out[i * 4 + 2] = v;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Small deterministic PRNG (mulberry32) and a normal deviate from it. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * A digit written on paper as a camera would see it: the MNIST digit as dark ink (enlarged), on
 * off-white paper with a lighting gradient, Gaussian noise and a slight blur, placed off-centre.
 */
export function paperDigit(digit: Uint8Array, opts: { size?: number; digitSize?: number; dx?: number; dy?: number; seed?: number } = {}): {
  width: number;
  height: number;
  rgba: Uint8Array;
} {
  const size = opts.size ?? 112;
  const ds = opts.digitSize ?? 70;
  const rand = rng(opts.seed ?? 1);
  const cx = size / 2 + (opts.dx ?? 12);
  const cy = size / 2 + (opts.dy ?? -9);
  const gray = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Digit sample (bilinear) at this paper position.
      const u = ((x - cx) / ds) * 28 + 14 - 0.5;
      const v = ((y - cy) / ds) * 28 + 14 - 0.5;
      const iu = Math.floor(u);
      const iv = Math.floor(v);
      const fu = u - iu;
      const fv = v - iv;
      const at = (a: number, b: number) => (a < 0 || b < 0 || a > 27 || b > 27 ? 0 : digit[b * 28 + a] / 255);
      const ink = (at(iu, iv) * (1 - fu) + at(iu + 1, iv) * fu) * (1 - fv) + (at(iu, iv + 1) * (1 - fu) + at(iu + 1, iv + 1) * fu) * fv;
      // Light falls off from the top-left corner: paper 245 → ~150.
      const light = 245 - 95 * ((x + y) / (2 * size));
      gray[y * size + x] = light * (1 - 0.78 * ink);
    }
  }
  // Slight blur (3×3 box) then sensor noise.
  const blurred = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy;
        const xx = x + dx;
        if (yy >= 0 && xx >= 0 && yy < size && xx < size) {
          s += gray[yy * size + xx];
          n++;
        }
      }
      blurred[y * size + x] = s / n + 6 * gaussian(rand);
    }
  }
  return { width: size, height: size, rgba: grayToRgba(blurred) };
}

/** Plain paper with the same light gradient and noise, no ink. */
export function blankPaper(size = 112, seed = 7): { width: number; height: number; rgba: Uint8Array } {
  const rand = rng(seed);
  const gray = new Float32Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) gray[y * size + x] = 245 - 95 * ((x + y) / (2 * size)) + 6 * gaussian(rand);
  return { width: size, height: size, rgba: grayToRgba(gray) };
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** PNG files as RGBA. */
export { decodePng } from '../../formats/image';

/**
 * A digit written with a fine pen: the MNIST digit enlarged 8×, binarised and eroded so its strokes
 * are about a third as wide as MNIST's, dark on lit paper (224×224).
 */
export function penDigit(digit: Uint8Array, seed = 1): { width: number; height: number; rgba: Uint8Array } {
  const S = 224;
  const up = new Uint8Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const u = Math.max(0, Math.min(27, Math.round(x / 8 - 0.5)));
      const v = Math.max(0, Math.min(27, Math.round(y / 8 - 0.5)));
      up[y * S + x] = digit[v * 28 + u] > 128 ? 1 : 0;
    }
  }
  const r = 6;
  const ink = new Uint8Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      let all = 1;
      for (let dy = -r; dy <= r && all; dy += 2) {
        for (let dx = -r; dx <= r; dx += 2) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || xx < 0 || yy >= S || xx >= S || !up[yy * S + xx]) {
            all = 0;
            break;
          }
        }
      }
      ink[y * S + x] = all;
    }
  }
  const rand = rng(seed);
  const gray = new Float32Array(S * S);
  for (let i = 0; i < S * S; i++) gray[i] = (230 - (40 * (i % S)) / S) * (1 - 0.8 * ink[i]) + 5 * gaussian(rand);
  return { width: S, height: S, rgba: grayToRgba(gray) };
}
