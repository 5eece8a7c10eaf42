// Separable image resampling for planar float images: area averaging when an axis shrinks (every
// source pixel contributes by its overlap, so thin pen strokes don't alias away), bilinear when it grows.

interface AxisTaps {
  /** For output index i: taps start[i] .. start[i]+count[i]-1 in idx/w. */
  start: Int32Array;
  count: Int32Array;
  idx: Int32Array;
  w: Float32Array;
}

function axisTaps(src: number, dst: number): AxisTaps {
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const idx: number[] = [];
  const w: number[] = [];
  if (dst < src) {
    const s = src / dst;
    for (let i = 0; i < dst; i++) {
      const a = i * s;
      const b = a + s;
      start[i] = idx.length;
      for (let j = Math.floor(a); j < Math.ceil(b) && j < src; j++) {
        const overlap = Math.min(b, j + 1) - Math.max(a, j);
        if (overlap > 1e-9) {
          idx.push(j);
          w.push(overlap / s);
        }
      }
      count[i] = idx.length - start[i];
    }
  } else {
    const s = src / dst;
    for (let i = 0; i < dst; i++) {
      const x = (i + 0.5) * s - 0.5;
      let j0 = Math.floor(x);
      let f = x - j0;
      if (j0 < 0) {
        j0 = 0;
        f = 0;
      }
      if (j0 >= src - 1) {
        j0 = src - 1;
        f = 0;
      }
      start[i] = idx.length;
      idx.push(j0);
      w.push(1 - f);
      if (f > 0) {
        idx.push(j0 + 1);
        w.push(f);
      }
      count[i] = idx.length - start[i];
    }
  }
  return { start, count, idx: Int32Array.from(idx), w: Float32Array.from(w) };
}

/** Resizes one planar image (row-major sw×sh) to dw×dh. Returns the input itself when sizes match. */
export function resizePlane(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  if (sw === dw && sh === dh) return src;
  const tx = axisTaps(sw, dw);
  const ty = axisTaps(sh, dh);
  // Horizontal pass: sh rows of dw.
  const tmp = new Float32Array(dw * sh);
  for (let y = 0; y < sh; y++) {
    const row = y * sw;
    const out = y * dw;
    for (let x = 0; x < dw; x++) {
      let acc = 0;
      const s0 = tx.start[x];
      const n = tx.count[x];
      for (let k = 0; k < n; k++) acc += src[row + tx.idx[s0 + k]] * tx.w[s0 + k];
      tmp[out + x] = acc;
    }
  }
  const dst = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const s0 = ty.start[y];
    const n = ty.count[y];
    const out = y * dw;
    for (let k = 0; k < n; k++) {
      const row = ty.idx[s0 + k] * dw;
      const wk = ty.w[s0 + k];
      for (let x = 0; x < dw; x++) dst[out + x] += tmp[row + x] * wk;
    }
  }
  return dst;
}

/** Planar transpose: (w × h image) → (h × w image). */
export function transposePlane(src: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + y] = src[y * w + x];
  return out;
}
