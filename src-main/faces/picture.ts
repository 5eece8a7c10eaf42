// The picture as the MTCNN networks want it: any axis-aligned rectangle (the whole picture for a
// pyramid level, a candidate box for R-Net) resampled to a network input, RGB, (v − 127.5) / 128,
// with x and y swapped (the networks were trained through MATLAB, which stores images column-major).
//
// A summed-area table makes every output pixel the exact average of the source area it covers, for
// any scale and any fractional rectangle; parts of a rectangle outside the picture count as black,
// the zero padding the original pipeline uses for boxes at the border.

const MEAN = 127.5;
const SCALE = 0.0078125;

export class Picture {
  /** (width + 1) × (height + 1) × 3 running sums: entry (X, Y) sums the pixels x < X, y < Y. */
  private readonly sums: Float64Array;

  constructor(readonly width: number, readonly height: number, rgba: Uint8Array) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new Error(`picture size ${width}×${height} is not a positive whole number of pixels`);
    }
    if (rgba.length !== width * height * 4) {
      throw new Error(`picture of ${width}×${height} needs ${width * height * 4} RGBA bytes, got ${rgba.length}`);
    }
    const stride = (width + 1) * 3;
    const s = new Float64Array(stride * (height + 1));
    for (let y = 0; y < height; y++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const src = y * width * 4;
      const above = y * stride;
      const row = above + stride;
      for (let x = 0; x < width; x++) {
        r += rgba[src + x * 4];
        g += rgba[src + x * 4 + 1];
        b += rgba[src + x * 4 + 2];
        const o = (x + 1) * 3;
        s[row + o] = s[above + o] + r;
        s[row + o + 1] = s[above + o + 1] + g;
        s[row + o + 2] = s[above + o + 2] + b;
      }
    }
    this.sums = s;
  }

  /**
   * Writes the rectangle [x1, x2) × [y1, y2) resampled to outW × outH into `dst` at `offset` as one
   * network input: 3 planes (R, G, B) of outW rows by outH columns (transposed), normalised.
   */
  sample(x1: number, y1: number, x2: number, y2: number, outW: number, outH: number, dst: Float32Array, offset = 0): void {
    const xs = edges(x1, x2, outW, this.width);
    const ys = edges(y1, y2, outH, this.height);
    const cellArea = ((x2 - x1) / outW) * ((y2 - y1) / outH);
    const stride = (this.width + 1) * 3;
    const s = this.sums;
    // Running sums at every corner of the output grid, per channel: (outW + 1) × (outH + 1).
    const cw = outW + 1;
    const ch = outH + 1;
    const corner = new Float64Array(cw * ch * 3);
    for (let j = 0; j < ch; j++) {
      const y0 = ys.index[j];
      const fy = ys.frac[j];
      const r0 = y0 * stride;
      const r1 = r0 + (fy > 0 ? stride : 0);
      for (let i = 0; i < cw; i++) {
        const x0 = xs.index[i] * 3;
        const fx = xs.frac[i];
        const x1o = x0 + (fx > 0 ? 3 : 0);
        const o = (j * cw + i) * 3;
        for (let c = 0; c < 3; c++) {
          const top = s[r0 + x0 + c] + (s[r0 + x1o + c] - s[r0 + x0 + c]) * fx;
          const bottom = s[r1 + x0 + c] + (s[r1 + x1o + c] - s[r1 + x0 + c]) * fx;
          corner[o + c] = top + (bottom - top) * fy;
        }
      }
    }
    const plane = outW * outH;
    const k = SCALE / cellArea;
    for (let i = 0; i < outW; i++) {
      for (let j = 0; j < outH; j++) {
        const a = (j * cw + i) * 3;
        const b = a + 3;
        const c = a + cw * 3;
        const d = c + 3;
        const out = offset + i * outH + j;
        for (let ch3 = 0; ch3 < 3; ch3++) {
          const sum = corner[d + ch3] - corner[b + ch3] - corner[c + ch3] + corner[a + ch3];
          dst[out + ch3 * plane] = sum * k - MEAN * SCALE;
        }
      }
    }
  }
}

/** The n + 1 edges of n equal cells over [from, to), clamped to the picture, as grid index + fraction. */
function edges(from: number, to: number, n: number, size: number): { index: Int32Array; frac: Float64Array } {
  const index = new Int32Array(n + 1);
  const frac = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const v = Math.min(size, Math.max(0, from + ((to - from) * i) / n));
    const k = Math.min(size, Math.floor(v));
    index[i] = k;
    frac[i] = v - k;
  }
  return { index, frac };
}
