import { describe, expect, it } from 'vitest';
import { CAFFE_LAYERS } from '../layers';
import type { CaffeLayer } from '../net';
import { CaffeConvertError, LayerParams, layerParams } from './context';
import { buildOneLayer } from './testing/one-layer';

const layer = (type: string, raw: Record<string, unknown>): CaffeLayer => ({ name: 'l', type, bottoms: ['x'], tops: ['l'], raw });

describe('layer parameters', () => {
  it("fill in caffe.proto's defaults from layers.ts where the file gives none", () => {
    const p = layerParams(layer('LRN', {}));
    expect([p.num('local_size'), p.num('alpha'), p.num('beta'), p.num('k'), p.str('norm_region')]).toEqual([5, 1, 0.75, 1, 'ACROSS_CHANNELS']);
    const pool = layerParams(layer('Pooling', { pooling_param: { kernel_size: 2 } }));
    expect([pool.str('pool'), pool.str('round_mode'), pool.num('stride'), pool.num('pad'), pool.given('kernel_size')]).toEqual(['MAX', 'CEIL', 1, 0, 2]);
    const conv = layerParams(layer('Convolution', { convolution_param: { num_output: 8 } }));
    expect([conv.bool('bias_term'), conv.num('group'), conv.nums('stride'), conv.nums('pad'), conv.nums('dilation'), conv.nums('kernel_size')]).toEqual([true, 1, [1], [0], [1], []]);
  });

  it('take what the file gives, false and 0 included, and read the message layers.ts names for the type', () => {
    const p = layerParams(layer('Scale', { scale_param: { axis: 0, bias_term: true }, bias_param: { axis: 3 } }));
    expect([p.num('axis'), p.num('num_axes'), p.bool('bias_term')]).toEqual([0, 1, true]);
    const ip = layerParams(layer('InnerProduct', { inner_product_param: { bias_term: false, num_output: 0 } }));
    expect([ip.bool('bias_term'), ip.given('num_output'), ip.num('axis')]).toEqual([false, 0, 1]);
    expect(layerParams(layer('Exp', { power_param: { scale: 9 }, exp_param: { shift: 2 } })).num('scale')).toBe(1);
    expect(layerParams(layer('Convolution', { convolution_param: { stride: [2, 3] } })).nums('stride')).toEqual([2, 3]);
  });

  it('say so when a handler asks for a default layers.ts does not have', () => {
    const p = new LayerParams({}, { axis: 1 }, 'softmax_param');
    expect(p.given('axis')).toBeUndefined();
    expect(() => p.num('depth')).toThrow('Caffe layer metadata has no number default for softmax_param.depth');
    expect(() => p.str('axis')).toThrow('no string default for softmax_param.axis');
  });

  it('every default in layers.ts belongs to a parameter message', () => {
    for (const [type, info] of Object.entries(CAFFE_LAYERS)) {
      if ('defaults' in info) expect('params' in info && info.params, type).toMatch(/_param$/);
    }
  });
});

describe('layer context', () => {
  it('checks blob shapes and input counts with messages naming the layer and the caffemodel', () => {
    const x = { shape: [1, 2, 3, 3], data: new Float32Array(18) };
    const conv = (blobs: { shape: number[]; data: Float32Array }[]) => () =>
      buildOneLayer({ type: 'Convolution', params: { num_output: 4, kernel_size: [3], bias_term: false }, inputs: [x], blobs });
    expect(conv([{ shape: [4, 2, 2, 2], data: new Float32Array(32) }])).toThrow(
      "layer 'layer' (Convolution): weights blob in test.caffemodel is 4×2×2×2 (32 values), but the prototxt needs 4×2×3×3",
    );
    // Leading 1s do not matter (V1 blobs are always 4-D).
    expect(conv([{ shape: [1, 1, 4, 18], data: new Float32Array(72) }])).toThrow(/is 1×1×4×18 \(72 values\), but the prototxt needs 4×2×3×3/);
    expect(conv([])).toThrow(CaffeConvertError);
    expect(() => buildOneLayer({ type: 'Softmax', params: { axis: 4 }, inputs: [x] })).toThrow("layer 'layer' (Softmax): axis 4 is out of range for a 4-D input");
  });
});
