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

/**
 * Source row `y` of an image being resized: fills `scratch` (its width) or returns a view of its own.
 * Lets a resize read straight from RGBA without a full-size float copy of the picture.
 */
export type RowSource = (y: number, scratch: Float32Array) => Float32Array;

/**
 * Resizes an image read row by row (sw×sh) to dw×dh. Memory beyond the output is a couple of rows
 * and the taps: each output row sums its source rows' horizontally resampled copies, and the taps of
 * neighbouring output rows share at most their boundary rows, so two cached rows avoid recomputing.
 * Nothing is proportional to sw × dh or dw × sh, so an extreme aspect ratio costs no more than its pixels.
 */
export function resizeRows(read: RowSource, sw: number, sh: number, dw: number, dh: number): Float32Array {
  if (sw === dw && sh === dh) {
    // Same size (the crop usually travels at the input's size): a copy, bit for bit what the
    // one-tap resampling below would give (weight exactly 1).
    const dst = new Float32Array(dw * dh);
    const scratch = new Float32Array(sw);
    for (let y = 0; y < dh; y++) dst.set(read(y, scratch), y * dw);
    return dst;
  }
  const tx = axisTaps(sw, dw);
  const ty = axisTaps(sh, dh);
  // The taps as locals: the loops below run for every pixel.
  const txStart = tx.start;
  const txCount = tx.count;
  const txIdx = tx.idx;
  const txW = tx.w;
  const scratch = new Float32Array(sw);
  const cache = [
    { y: -1, row: new Float32Array(dw) },
    { y: -1, row: new Float32Array(dw) },
  ];
  // The least recently used of the two rows is the one replaced, so a row just asked for stays
  // while the next is made (the two-row step below holds both).
  let victim = 0;
  const resampled = (y: number): Float32Array => {
    if (cache[0].y === y) {
      victim = 1;
      return cache[0].row;
    }
    if (cache[1].y === y) {
      victim = 0;
      return cache[1].row;
    }
    const c = cache[victim];
    victim ^= 1;
    const src = read(y, scratch);
    const out = c.row;
    for (let x = 0; x < dw; x++) {
      let acc = 0;
      const s0 = txStart[x];
      const end = s0 + txCount[x];
      for (let k = s0; k < end; k++) acc += src[txIdx[k]] * txW[k];
      out[x] = acc;
    }
    c.y = y;
    return out;
  };
  const dst = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const s0 = ty.start[y];
    const n = ty.count[y];
    const out = y * dw;
    if (n === 2) {
      // Bilinear enlargement's two rows at once: the same float32 sums, in the same order, as the
      // general loop below, without storing and reloading the first.
      const r0 = resampled(ty.idx[s0]);
      const r1 = resampled(ty.idx[s0 + 1]);
      const w0 = ty.w[s0];
      const w1 = ty.w[s0 + 1];
      for (let x = 0; x < dw; x++) dst[out + x] = Math.fround(0 + r0[x] * w0) + r1[x] * w1;
      continue;
    }
    for (let k = 0; k < n; k++) {
      const row = resampled(ty.idx[s0 + k]);
      const wk = ty.w[s0 + k];
      for (let x = 0; x < dw; x++) dst[out + x] += row[x] * wk;
    }
  }
  return dst;
}

/** Resizes one planar image (row-major sw×sh) to dw×dh. Returns the input itself when sizes match. */
export function resizePlane(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  if (sw === dw && sh === dh) return src;
  return resizeRows((y) => src.subarray(y * sw, (y + 1) * sw), sw, sh, dw, dh);
}

/** Planar transpose: (w × h image) → (h × w image). */
export function transposePlane(src: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[x * h + y] = src[y * w + x];
  return out;
}
