// The math handlers alone, against Caffe's definitions computed here.
import { describe, expect, it } from 'vitest';
import { synthetic } from '../testing/synthetic';
import { buildOneLayer, relError, runOneLayer, type Tensor } from './testing/one-layer';

const x: Tensor = { shape: [1, 2, 3, 2], data: synthetic(31, 12, 1) };
/** x shifted into (0, 2] for logarithms. */
const positive: Tensor = { shape: x.shape, data: x.data.map((v) => Math.abs(v) + 0.5) };

describe('math layer handlers', () => {
  it('Power without power_param is the identity (power 1, scale 1, shift 0); with them (shift + scale·x)^power', async () => {
    const plain = await runOneLayer({ type: 'Power', inputs: [x] });
    expect(plain.ops).toEqual(['Identity']);
    expect(Array.from(plain.outputs[0].data)).toEqual(Array.from(x.data));
    const r = await runOneLayer({ type: 'Power', params: { power: 2, scale: 3, shift: 1 }, inputs: [x] });
    expect(relError(r.outputs[0].data, Array.from(x.data, (v) => (1 + 3 * v) ** 2))).toBeLessThan(1e-6);
  });

  it('Exp without exp_param is e^x; base 2, scale 0.5, shift 1 is 2^(1 + x/2)', async () => {
    const plain = await runOneLayer({ type: 'Exp', inputs: [x] });
    expect(plain.ops).toEqual(['Exp']);
    expect(relError(plain.outputs[0].data, Array.from(x.data, Math.exp))).toBeLessThan(1e-6);
    const r = await runOneLayer({ type: 'Exp', params: { base: 2, scale: 0.5, shift: 1 }, inputs: [x] });
    expect(relError(r.outputs[0].data, Array.from(x.data, (v) => 2 ** (1 + 0.5 * v)))).toBeLessThan(1e-6);
  });

  it('Log without log_param is ln x; base 10 is log10', async () => {
    const plain = await runOneLayer({ type: 'Log', inputs: [positive] });
    expect(relError(plain.outputs[0].data, Array.from(positive.data, Math.log))).toBeLessThan(1e-6);
    const r = await runOneLayer({ type: 'Log', params: { base: 10, scale: 2 }, inputs: [positive] });
    expect(relError(r.outputs[0].data, Array.from(positive.data, (v) => Math.log10(2 * v)))).toBeLessThan(1e-6);
  });

  it('Exp and Log reject a base that is neither positive nor -1', () => {
    expect(() => buildOneLayer({ type: 'Log', params: { base: -2 }, inputs: [positive] })).toThrow("layer 'layer' (Log): base must be positive or -1 (e), got -2");
  });

  it('Eltwise without eltwise_param sums; PROD and MAX; SUM with coefficients', async () => {
    const y: Tensor = { shape: x.shape, data: synthetic(32, 12, 1) };
    const sum = await runOneLayer({ type: 'Eltwise', inputs: [x, y] });
    expect(relError(sum.outputs[0].data, Array.from(x.data, (v, i) => v + y.data[i]))).toBeLessThan(1e-6);
    const prod = await runOneLayer({ type: 'Eltwise', params: { operation: 'PROD' }, inputs: [x, y, x] });
    expect(relError(prod.outputs[0].data, Array.from(x.data, (v, i) => v * y.data[i] * v))).toBeLessThan(1e-6);
    const max = await runOneLayer({ type: 'Eltwise', params: { operation: 'MAX' }, inputs: [x, y] });
    expect(Array.from(max.outputs[0].data)).toEqual(Array.from(x.data, (v, i) => Math.max(v, y.data[i])));
    const weighted = await runOneLayer({ type: 'Eltwise', params: { coeff: [2, -1] }, inputs: [x, y] });
    expect(relError(weighted.outputs[0].data, Array.from(x.data, (v, i) => 2 * v - y.data[i]))).toBeLessThan(1e-6);
  });
});
