// The activation handlers alone, against Caffe's definitions computed here.
import { describe, expect, it } from 'vitest';
import { synthetic } from '../testing/synthetic';
import { relError, runOneLayer, type Tensor } from './testing/one-layer';

const x: Tensor = { shape: [2, 3, 2, 2], data: synthetic(21, 24, 3) };
/** Channel of element i of x. */
const channel = (i: number) => Math.floor(i / 4) % 3;

describe('activation layer handlers', () => {
  it('ReLU without relu_param clips at 0; negative_slope makes it leaky', async () => {
    const plain = await runOneLayer({ type: 'ReLU', inputs: [x] });
    expect(plain.ops).toEqual(['Relu']);
    expect(Array.from(plain.outputs[0].data)).toEqual(Array.from(x.data, (v) => Math.max(v, 0)));
    const leaky = await runOneLayer({ type: 'ReLU', params: { negative_slope: 0.1 }, inputs: [x] });
    expect(relError(leaky.outputs[0].data, Array.from(x.data, (v) => (v > 0 ? v : 0.1 * v)))).toBeLessThan(1e-6);
  });

  it('PReLU has one slope per channel unless channel_shared', async () => {
    const slopes: Tensor = { shape: [3], data: Float32Array.from([0.5, -1, 2]) };
    const r = await runOneLayer({ type: 'PReLU', inputs: [x], blobs: [slopes] });
    expect(relError(r.outputs[0].data, Array.from(x.data, (v, i) => (v > 0 ? v : slopes.data[channel(i)] * v)))).toBeLessThan(1e-6);
    const shared = await runOneLayer({ type: 'PReLU', params: { channel_shared: true }, inputs: [x], blobs: [{ shape: [1], data: Float32Array.from([0.25]) }] });
    expect(relError(shared.outputs[0].data, Array.from(x.data, (v) => (v > 0 ? v : 0.25 * v)))).toBeLessThan(1e-6);
  });

  it('ELU without elu_param has alpha 1', async () => {
    const r = await runOneLayer({ type: 'ELU', inputs: [x] });
    expect(relError(r.outputs[0].data, Array.from(x.data, (v) => (v > 0 ? v : Math.expm1(v))))).toBeLessThan(1e-6);
  });

  it('Sigmoid, TanH, AbsVal and BNLL', async () => {
    const expected: Record<string, (v: number) => number> = {
      Sigmoid: (v) => 1 / (1 + Math.exp(-v)),
      TanH: Math.tanh,
      AbsVal: Math.abs,
      BNLL: (v) => Math.log1p(Math.exp(v)),
    };
    for (const [type, f] of Object.entries(expected)) {
      const r = await runOneLayer({ type, inputs: [x] });
      expect(relError(r.outputs[0].data, Array.from(x.data, f)), type).toBeLessThan(1e-6);
    }
  });

  it('Softmax without softmax_param normalises over the channels (axis 1)', async () => {
    const r = await runOneLayer({ type: 'Softmax', inputs: [x] });
    const ref = new Float32Array(24);
    for (let n = 0; n < 2; n++) for (let p = 0; p < 4; p++) {
      const idx = [0, 1, 2].map((c) => n * 12 + c * 4 + p);
      const sum = idx.reduce((a, i) => a + Math.exp(x.data[i]), 0);
      idx.forEach((i) => (ref[i] = Math.exp(x.data[i]) / sum));
    }
    expect(relError(r.outputs[0].data, ref)).toBeLessThan(1e-6);
  });
});
