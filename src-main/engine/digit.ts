// The MNIST digit pipeline: dark ink on paper under uneven light → a white-on-black digit whose
// bounding box fits 20×20 and whose centre of mass sits at the centre of a 28×28 field, the way
// LeCun, Cortes and Burges normalised the MNIST digits.
import { resizePlane } from './resize';

/** Work on at most this many pixels along the longer side: enough for pen strokes, cheap on CPU. */
const WORK_SIZE = 128;

/**
 * Running maximum over windows [i − r, i + r] (clamped) of `n` values read with a stride, in O(n)
 * whatever r is (van Herk / Gil–Werman: block-wise prefix and suffix maxima).
 */
function runningMax1D(src: Float32Array, off: number, stride: number, n: number, r: number, out: Float32Array, g: Float32Array, h: Float32Array): void {
  const k = 2 * r + 1;
  for (let i = 0; i < n; i++) {
    const v = src[off + i * stride];
    g[i] = i % k === 0 ? v : Math.max(g[i - 1], v);
  }
  for (let i = n - 1; i >= 0; i--) {
    const v = src[off + i * stride];
    h[i] = i === n - 1 || (i + 1) % k === 0 ? v : Math.max(h[i + 1], v);
  }
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, i - r);
    const hi = Math.min(n - 1, i + r);
    let m: number;
    if (Math.floor(lo / k) !== Math.floor(hi / k)) m = Math.max(h[lo], g[hi]);
    else m = lo % k === 0 ? g[hi] : h[lo]; // a clamped window inside one block starts it or ends the row
    out[off + i * stride] = m;
  }
}

/** Separable running maximum with a window of 2r+1 (clamped at the borders). */
export function maxFilter(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  const n = Math.max(w, h);
  const g = new Float32Array(n);
  const hh = new Float32Array(n);
  for (let y = 0; y < h; y++) runningMax1D(src, y * w, 1, w, r, tmp, g, hh);
  for (let x = 0; x < w; x++) runningMax1D(tmp, x, w, h, r, out, g, hh);
  return out;
}

/** Running mean over windows [i − r, i + r] (clamped, divided by the part inside) with a sliding sum. */
function runningMean1D(src: Float32Array, off: number, stride: number, n: number, r: number, out: Float32Array): void {
  let sum = 0;
  const first = Math.min(n - 1, r);
  for (let i = 0; i <= first; i++) sum += src[off + i * stride];
  for (let i = 0; i < n; i++) {
    const lo = i - r;
    const hi = i + r;
    out[off + i * stride] = sum / (Math.min(n - 1, hi) - Math.max(0, lo) + 1);
    if (hi + 1 < n) sum += src[off + (hi + 1) * stride];
    if (lo >= 0) sum -= src[off + lo * stride];
  }
}

/** Separable box blur with a window of 2r+1 (mean over the part inside the image). */
export function boxBlur(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) runningMean1D(src, y * w, 1, w, r, tmp);
  for (let x = 0; x < w; x++) runningMean1D(tmp, x, w, h, r, out);
  return out;
}

/** Working pixels per pixel of the paper-level estimate, along each side. */
const PAPER_STEP = 4;

/**
 * The paper's brightness under the ink: the running maximum over windows of 2r+1 pixels, box-blurred
 * with the same radius, computed on the picture shrunk PAPER_STEP times (area averaging) and enlarged
 * back. Pictures too small to shrink are filtered as they are, after a 3×3 blur against sensor noise.
 */
export function paperLevel(img: Float32Array, w: number, h: number, r: number): Float32Array {
  const lw = Math.round(w / PAPER_STEP);
  const lh = Math.round(h / PAPER_STEP);
  const lr = Math.round(r / PAPER_STEP);
  if (lw < 8 || lh < 8 || lr < 1) return boxBlur(maxFilter(boxBlur(img, w, h, 1), w, h, r), w, h, r);
  const small = resizePlane(img, w, h, lw, lh);
  return resizePlane(boxBlur(maxFilter(small, lw, lh, lr), lw, lh, lr), lw, lh, w, h);
}

const BINS = 4096;
/** quantile01's histogram, kept between calls. */
const hist = new Uint32Array(BINS);
/** Quantile of values in [0, 1] from a histogram (exact to 1/4096, which is plenty here). */
function quantile01(values: Float32Array, q: number): number {
  hist.fill(0);
  for (let i = 0; i < values.length; i++) {
    // Math.floor, clamped to the bins, for the finite values this is given (truncation is floor
    // for the non-negative ones).
    const f = values[i] * BINS;
    hist[f >= BINS - 1 ? BINS - 1 : f > 0 ? f | 0 : 0]++;
  }
  const target = q * (values.length - 1);
  let seen = 0;
  for (let b = 0; b < BINS; b++) {
    seen += hist[b];
    if (seen > target) return (b + 0.5) / BINS;
  }
  return 1;
}

/**
 * Keeps the ink that belongs to the digit: 8-connected components whose mass is at least `frac` of
 * the largest one (drops specks). Components touching the crop's edge (a finger, the pen, the paper's
 * edge) are dropped too when a substantial component lies fully inside: that is where people hold
 * the digit.
 */
function keepMainComponents(ink: Float32Array, w: number, h: number, frac: number): void {
  const label = new Int32Array(w * h).fill(-1);
  const masses: number[] = [];
  const touches: boolean[] = [];
  const stack: number[] = [];
  for (let i = 0; i < w * h; i++) {
    if (ink[i] <= 0 || label[i] >= 0) continue;
    const id = masses.length;
    let mass = 0;
    let edge = false;
    label[i] = id;
    stack.push(i);
    while (stack.length) {
      const p = stack.pop()!;
      mass += ink[p];
      const px = p % w;
      const py = (p - px) / w;
      if (px === 0 || py === 0 || px === w - 1 || py === h - 1) edge = true;
      for (let dy = -1; dy <= 1; dy++) {
        const y = py + dy;
        if (y < 0 || y >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = px + dx;
          if (x < 0 || x >= w) continue;
          const q = y * w + x;
          if (ink[q] > 0 && label[q] < 0) {
            label[q] = id;
            stack.push(q);
          }
        }
      }
    }
    masses.push(mass);
    touches.push(edge);
  }
  let biggest = 0;
  let biggestInside = 0;
  masses.forEach((m, id) => {
    biggest = Math.max(biggest, m);
    if (!touches[id]) biggestInside = Math.max(biggestInside, m);
  });
  const preferInside = biggestInside >= Math.max(0.1 * biggest, 0.003 * w * h);
  const ref = preferInside ? biggestInside : biggest;
  const keep = masses.map((m, id) => m >= frac * ref && !(preferInside && touches[id]));
  for (let i = 0; i < w * h; i++) if (label[i] >= 0 && !keep[label[i]]) ink[i] = 0;
}

/**
 * Stroke width (px at a 20-px box, by strokeWidth's measure) below which strokes are thickened, and
 * the width the dilation is sized for. MNIST digits measure 1.2–2.9 (5th–95th percentile, median
 * 1.8); aiming at 2.6 lands thin pen strokes near that median after rounding and resampling.
 */
const STROKE_MIN = 1.3;
const STROKE_TARGET = 2.6;

/** Mean stroke width of the ink above half intensity: 2 · area / perimeter. 0 when there is none. */
export function strokeWidth(img: Float32Array, w: number, h: number): number {
  let area = 0;
  let perimeter = 0;
  const on = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && img[y * w + x] > 0.5;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!on(x, y)) continue;
      area++;
      if (!on(x - 1, y)) perimeter++;
      if (!on(x + 1, y)) perimeter++;
      if (!on(x, y - 1)) perimeter++;
      if (!on(x, y + 1)) perimeter++;
    }
  }
  return perimeter ? (2 * area) / perimeter : 0;
}

/** Scales the ink crop so its longer side is `box` pixels. */
function fitBox(crop: Float32Array, bw: number, bh: number, box: number): { digit: Float32Array; sw: number; sh: number; s: number } {
  const s = box / Math.max(bw, bh);
  const sw = Math.max(1, Math.round(bw * s));
  const sh = Math.max(1, Math.round(bh * s));
  return { digit: resizePlane(crop, bw, bh, sw, sh), sw, sh, s };
}

export interface DigitOptions {
  /** Output field size (28 for MNIST). */
  outW: number;
  outH: number;
}

/**
 * Turns a grayscale crop (0–255, row-major w×h, dark ink on light paper) into an MNIST-style field of
 * outW×outH values in 0–255 (white ink on black). Returns null when the crop holds no ink, so a blank
 * page never becomes an amplified noise "digit".
 */
export function paperDigitToMnist(gray: Float32Array, w: number, h: number, opt: DigitOptions = { outW: 28, outH: 28 }): Float32Array | null {
  // 1. Work at a bounded resolution.
  const k = Math.min(1, WORK_SIZE / Math.max(w, h));
  const ww = Math.max(1, Math.round(w * k));
  const wh = Math.max(1, Math.round(h * k));
  const img = resizePlane(gray, w, h, ww, wh);

  // 2. Paper brightness: a max filter wider than any pen stroke erases the ink, a box blur smooths
  //    the estimate. Dividing by it flattens uneven light. Light varies slowly across the paper, so
  //    this is done at a quarter of the working resolution (area averaging down, which also tames
  //    sensor noise; bilinear back up): a sixteenth of the pixels for the costliest filters.
  const size = Math.min(ww, wh);
  const r = Math.max(2, Math.round(size * 0.08));
  const bg = paperLevel(img, ww, wh, r);
  const ink = new Float32Array(ww * wh);
  for (let i = 0; i < ink.length; i++) ink[i] = Math.max(0, 1 - img[i] / Math.max(bg[i], 1));

  // 3. Robust statistics: paper level (median) and its noise (MAD); ink peak from a lightly blurred
  //    map so a single hot pixel can't pose as ink.
  const med = quantile01(ink, 0.5);
  const absDev = new Float32Array(ink.length);
  for (let i = 0; i < ink.length; i++) absDev[i] = Math.abs(ink[i] - med);
  const sigma = Math.max(0.004, 1.4826 * quantile01(absDev, 0.5));
  const smooth = boxBlur(ink, ww, wh, 1);
  let peak = 0;
  for (let i = 0; i < smooth.length; i++) if (smooth[i] > peak) peak = smooth[i];
  const contrast = peak - med;
  if (contrast < Math.max(0.12, 8 * sigma)) return null;

  // 4. Soft threshold: below `lo` is paper (noise, shading), above `hi` is solid ink, the ramp keeps
  //    the anti-aliased stroke edges MNIST digits have.
  const lo = med + Math.max(4 * sigma, 0.25 * contrast);
  const hi = med + 0.65 * contrast;
  for (let i = 0; i < ink.length; i++) {
    const v = (ink[i] - lo) / (hi - lo);
    ink[i] = v <= 0 ? 0 : v >= 1 ? 1 : v;
  }
  keepMainComponents(ink, ww, wh, 0.08);

  // 5. Bounding box of the ink.
  let x0 = ww, y0 = wh, x1 = -1, y1 = -1;
  for (let y = 0; y < wh; y++) {
    for (let x = 0; x < ww; x++) {
      if (ink[y * ww + x] > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const crop = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) crop[y * bw + x] = ink[(y + y0) * ww + x + x0];

  // 6. Fit the box into 20×20 (for a 28×28 field), keeping the aspect ratio.
  const box = Math.max(1, Math.round((Math.min(opt.outW, opt.outH) * 20) / 28));
  let fitted = fitBox(crop, bw, bh, box);
  // A fine pen draws much thinner strokes than the MNIST digits have (≈ 1.8 px at 20×20):
  // thicken them at the working resolution so the network sees familiar strokes.
  const target = (STROKE_TARGET * box) / 20;
  const width = strokeWidth(fitted.digit, fitted.sw, fitted.sh);
  if (width > 0 && width < (STROKE_MIN * box) / 20) {
    const grow = Math.max(1, Math.round((target - width) / (2 * fitted.s)));
    const pw = bw + 2 * grow;
    const ph = bh + 2 * grow;
    const padded = new Float32Array(pw * ph);
    for (let y = 0; y < bh; y++) padded.set(crop.subarray(y * bw, (y + 1) * bw), (y + grow) * pw + grow);
    fitted = fitBox(maxFilter(padded, pw, ph, grow), pw, ph, box);
  }
  const { digit, sw, sh } = fitted;

  // 7. Centre of mass → centre of the field (sub-pixel shift, bilinear).
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = digit[y * sw + x];
      m += v;
      mx += v * x;
      my += v * y;
    }
  }
  if (m <= 0) return null;
  const ox = opt.outW / 2 - mx / m;
  const oy = opt.outH / 2 - my / m;
  const out = new Float32Array(opt.outW * opt.outH);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= sw || y >= sh ? 0 : digit[y * sw + x]);
  for (let Y = 0; Y < opt.outH; Y++) {
    const sy = Y - oy;
    const iy = Math.floor(sy);
    const fy = sy - iy;
    for (let X = 0; X < opt.outW; X++) {
      const sx = X - ox;
      const ix = Math.floor(sx);
      const fx = sx - ix;
      const v =
        (at(ix, iy) * (1 - fx) + at(ix + 1, iy) * fx) * (1 - fy) + (at(ix, iy + 1) * (1 - fx) + at(ix + 1, iy + 1) * fx) * fy;
      out[Y * opt.outW + X] = Math.min(255, v * 255);
    }
  }
  return out;
}
