// The nn handlers alone, against Caffe's definitions computed here, with parameters left out so
// that the defaults from layers.ts decide.
import { describe, expect, it } from 'vitest';
import { synthetic } from '../testing/synthetic';
import { at4, buildOneLayer, relError, runOneLayer, type Tensor } from './testing/one-layer';

const tensor = (shape: number[], seed: number, scale = 1): Tensor => ({ shape, data: synthetic(seed, shape.reduce((a, b) => a * b, 1), scale) });

/** Caffe's LRN: ACROSS_CHANNELS sums x² over n channels (alpha / n); WITHIN_CHANNEL over n×n pixels (alpha / n²). */
function caffeLrn(x: Tensor, n: number, alpha: number, beta: number, k: number, within: boolean): Float32Array {
  const [N, C, H, W] = x.shape;
  const out = new Float32Array(x.data.length);
  const r = (n - 1) / 2;
  for (let b = 0; b < N; b++)
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) {
          let sum = 0;
          if (within) {
            for (let i = h - r; i <= h + r; i++) for (let j = w - r; j <= w + r; j++) if (i >= 0 && i < H && j >= 0 && j < W) sum += x.data[at4(x.shape, b, c, i, j)] ** 2;
          } else {
            for (let cc = c - r; cc <= c + r; cc++) if (cc >= 0 && cc < C) sum += x.data[at4(x.shape, b, cc, h, w)] ** 2;
          }
          const scale = within ? 1 + (alpha / (n * n)) * sum : k + (alpha / n) * sum;
          const i = at4(x.shape, b, c, h, w);
          out[i] = x.data[i] * scale ** -beta;
        }
  return out;
}

/** Caffe's pooling: ceil rounding, the last window dropped when it starts in the padding, AVE divided by the window clipped to the padded input. */
function caffePool(x: Tensor, k: number, s: number, p: number, max: boolean): Tensor {
  const [N, C, H, W] = x.shape;
  const size = (L: number) => {
    let o = Math.ceil((L + 2 * p - k) / s) + 1;
    if (p > 0 && (o - 1) * s >= L + p) o--;
    return o;
  };
  const shape = [N, C, size(H), size(W)];
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let b = 0; b < N; b++)
    for (let c = 0; c < C; c++)
      for (let oh = 0; oh < shape[2]; oh++)
        for (let ow = 0; ow < shape[3]; ow++) {
          let h0 = oh * s - p;
          let w0 = ow * s - p;
          let h1 = Math.min(h0 + k, H + p);
          let w1 = Math.min(w0 + k, W + p);
          const windowSize = (h1 - h0) * (w1 - w0);
          h0 = Math.max(h0, 0);
          w0 = Math.max(w0, 0);
          h1 = Math.min(h1, H);
          w1 = Math.min(w1, W);
          let acc = max ? -Infinity : 0;
          for (let i = h0; i < h1; i++) for (let j = w0; j < w1; j++) acc = max ? Math.max(acc, x.data[at4(x.shape, b, c, i, j)]) : acc + x.data[at4(x.shape, b, c, i, j)];
          data[at4(shape, b, c, oh, ow)] = max ? acc : acc / windowSize;
        }
  return { shape, data };
}

describe('nn layer handlers', () => {
  it('LRN without lrn_param uses local_size 5, alpha 1, beta 0.75, k 1 across channels', async () => {
    const x = tensor([1, 7, 2, 3], 1, 2);
    const r = await runOneLayer({ type: 'LRN', inputs: [x] });
    expect(r.ops).toEqual(['LRN']);
    expect(relError(r.outputs[0].data, caffeLrn(x, 5, 1, 0.75, 1, false))).toBeLessThan(1e-5);
  });

  it('LRN takes the values the file gives, WITHIN_CHANNEL included', async () => {
    const x = tensor([1, 3, 5, 4], 2, 2);
    const across = await runOneLayer({ type: 'LRN', params: { local_size: 3, alpha: 2, beta: 0.5, k: 2 }, inputs: [x] });
    expect(relError(across.outputs[0].data, caffeLrn(x, 3, 2, 0.5, 2, false))).toBeLessThan(1e-5);
    const within = await runOneLayer({ type: 'LRN', params: { norm_region: 'WITHIN_CHANNEL', local_size: 3, alpha: 0.5 }, inputs: [x] });
    expect(relError(within.outputs[0].data, caffeLrn(x, 3, 0.5, 0.75, 1, true))).toBeLessThan(1e-5);
  });

  it('LRN rejects an even local_size, naming the layer', () => {
    expect(() => buildOneLayer({ type: 'LRN', params: { local_size: 4 }, inputs: [tensor([1, 3, 2, 2], 3)] })).toThrow(
      "layer 'layer' (LRN): local_size must be odd, got 4",
    );
  });

  it('Pooling with only a kernel size is MAX, stride 1, no padding', async () => {
    const x = tensor([1, 2, 5, 4], 4);
    const r = await runOneLayer({ type: 'Pooling', params: { kernel_size: 3 }, inputs: [x] });
    const ref = caffePool(x, 3, 1, 0, true);
    expect(r.shapes).toEqual([ref.shape]);
    expect(r.outputs[0].shape).toEqual(ref.shape);
    expect(Array.from(r.outputs[0].data)).toEqual(Array.from(ref.data));
  });

  it('Pooling AVE rounds up by default and divides like Caffe at the padded border', async () => {
    const x = tensor([1, 2, 6, 5], 5);
    const r = await runOneLayer({ type: 'Pooling', params: { pool: 'AVE', kernel_size: 3, stride: 2, pad: 1 }, inputs: [x] });
    const ref = caffePool(x, 3, 2, 1, false);
    expect(r.outputs[0].shape).toEqual(ref.shape);
    expect(relError(r.outputs[0].data, ref.data)).toBeLessThan(1e-6);
  });

  it('Convolution with only num_output and kernel_size: stride 1, no padding, one group, and a bias', async () => {
    const x = tensor([1, 2, 4, 5], 6);
    const w = tensor([3, 2, 3, 3], 7);
    const bias = tensor([3], 8);
    const r = await runOneLayer({ type: 'Convolution', params: { num_output: 3, kernel_size: [3] }, inputs: [x], blobs: [w, bias] });
    const shape = [1, 3, 2, 3];
    expect(r.shapes).toEqual([shape]);
    const ref = new Float32Array(18);
    for (let o = 0; o < 3; o++)
      for (let h = 0; h < 2; h++)
        for (let v = 0; v < 3; v++) {
          let s = bias.data[o];
          for (let c = 0; c < 2; c++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += x.data[at4(x.shape, 0, c, h + i, v + j)] * w.data[at4(w.shape, o, c, i, j)];
          ref[at4(shape, 0, o, h, v)] = s;
        }
    expect(relError(r.outputs[0].data, ref)).toBeLessThan(1e-5);
  });

  it('Convolution expects its bias blob unless bias_term is false', () => {
    const spec = { type: 'Convolution', inputs: [tensor([1, 2, 4, 4], 9)], blobs: [tensor([3, 2, 1, 1], 10)] };
    expect(() => buildOneLayer({ ...spec, params: { num_output: 3, kernel_size: [1] } })).toThrow(
      'test.caffemodel has 1 blob(s) for this layer; bias (blob 1, shape 3) is missing',
    );
    expect(buildOneLayer({ ...spec, params: { num_output: 3, kernel_size: [1], bias_term: false } }).shapes).toEqual([[1, 3, 4, 4]]);
  });

  it('InnerProduct defaults to axis 1 with a bias', async () => {
    const x = tensor([2, 3, 2, 2], 11);
    const w = tensor([4, 12], 12);
    const b = tensor([4], 13);
    const r = await runOneLayer({ type: 'InnerProduct', params: { num_output: 4 }, inputs: [x], blobs: [w, b] });
    expect(r.shapes).toEqual([[2, 4]]);
    const ref = new Float32Array(8);
    for (let n = 0; n < 2; n++) for (let o = 0; o < 4; o++) {
      let s = b.data[o];
      for (let k = 0; k < 12; k++) s += x.data[n * 12 + k] * w.data[o * 12 + k];
      ref[n * 4 + o] = s;
    }
    expect(relError(r.outputs[0].data, ref)).toBeLessThan(1e-5);
  });

  it('BatchNorm divides the stored statistics by the scale factor and uses eps 1e-5', async () => {
    const x = tensor([1, 3, 2, 2], 14, 3);
    const mean = tensor([3], 15);
    const variance = { shape: [3], data: Float32Array.from([2e-5, 0.5, 4]) };
    const factor = { shape: [1], data: Float32Array.from([2]) };
    const r = await runOneLayer({ type: 'BatchNorm', inputs: [x], blobs: [mean, variance, factor] });
    const ref = x.data.map((v, i) => {
      const c = Math.floor(i / 4);
      return (v - mean.data[c] / 2) / Math.sqrt(variance.data[c] / 2 + 1e-5);
    });
    expect(relError(r.outputs[0].data, ref)).toBeLessThan(1e-5);
  });

  it('Scale defaults to one factor per channel (axis 1, num_axes 1) and no bias', async () => {
    const x = tensor([2, 3, 2, 1], 16);
    const s = tensor([3], 17);
    const r = await runOneLayer({ type: 'Scale', inputs: [x], blobs: [s] });
    expect(r.ops).toEqual(['Mul']);
    expect(Array.from(r.outputs[0].data)).toEqual(Array.from(x.data, (v, i) => Math.fround(v * s.data[Math.floor(i / 2) % 3])));
  });

  it('Bias adds one value per channel', async () => {
    const x = tensor([1, 3, 1, 2], 18);
    const b = tensor([3], 19);
    const r = await runOneLayer({ type: 'Bias', inputs: [x], blobs: [b] });
    expect(Array.from(r.outputs[0].data)).toEqual(Array.from(x.data, (v, i) => Math.fround(v + b.data[Math.floor(i / 2)])));
  });
});
