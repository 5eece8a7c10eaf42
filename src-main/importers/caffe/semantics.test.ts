// Small nets for conversions the golden models do not reach (OpenCV-free: the expected values are
// computed here from Caffe's definitions): InnerProduct transpose/axis, Split and multi-top names,
// Scale with a second bottom, legacy input_shape, train-style heads, Reshape with dynamic batch.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { importCaffe } from './index';
import { synthetic, writeCaffemodel, type TestBlob } from './testing/synthetic';

const enc = (s: string) => new TextEncoder().encode(s);

async function run(proto: string, blobs: { name: string; blobs: TestBlob[] }[], x: Float32Array, dims: number[]) {
  const m = await importCaffe({ prototxt: enc(proto), caffemodel: writeCaffemodel(blobs, false), names: { prototxt: 't.prototxt', caffemodel: 't.caffemodel' } });
  const s = await ort.InferenceSession.create(m.onnx);
  const outs = m.layers.map((l) => l.tensor);
  const { exposeTensors } = await import('../../onnx/testing/run-graph');
  const s2 = await ort.InferenceSession.create(exposeTensors(m.onnx, outs));
  const r = await s2.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, dims) }, outs);
  const res = new Map(outs.map((o) => [o, { dims: [...r[o].dims], data: Float32Array.from(r[o].data as Float32Array) }]));
  await s.release();
  await s2.release();
  return { model: m, res };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let big = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    big = Math.max(big, Math.abs(b[i]));
  }
  expect(worst / Math.max(big, 1e-12)).toBeLessThanOrEqual(1e-5);
};

describe('Caffe semantics beyond the golden models', () => {
  it('InnerProduct with transpose: true and axis: 2', async () => {
    // x: [2, 3, 4]; ipT over axis 1 (K = 12) with weights stored [K, N]; ipA over axis 2 (K = 4).
    const proto = `input: "x" input_shape { dim: 2 dim: 3 dim: 4 }
layer { name: "ipT" type: "InnerProduct" bottom: "x" top: "ipT" inner_product_param { num_output: 5 transpose: true } }
layer { name: "ipA" type: "InnerProduct" bottom: "x" top: "ipA" inner_product_param { num_output: 2 axis: 2 bias_term: false } }`;
    const wT = synthetic(1, 12 * 5, 1);
    const bT = synthetic(2, 5, 1);
    const wA = synthetic(3, 2 * 4, 1);
    const x = synthetic(4, 24, 1);
    const { res, model } = await run(proto, [
      { name: 'ipT', blobs: [{ shape: [12, 5], data: wT }, { shape: [5], data: bT }] },
      { name: 'ipA', blobs: [{ shape: [2, 4], data: wA }] },
    ], x, [2, 3, 4]);
    const expT = new Float32Array(10);
    for (let n = 0; n < 2; n++) for (let o = 0; o < 5; o++) {
      let s = bT[o];
      for (let k = 0; k < 12; k++) s += x[n * 12 + k] * wT[k * 5 + o];
      expT[n * 5 + o] = s;
    }
    close(res.get('ipT')!.data, expT);
    const expA = new Float32Array(12);
    for (let r = 0; r < 6; r++) for (let o = 0; o < 2; o++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += x[r * 4 + k] * wA[o * 4 + k];
      expA[r * 2 + o] = s;
    }
    expect(res.get('ipA')!.dims).toEqual([2, 3, 2]);
    close(res.get('ipA')!.data, expA);
    expect(model.shapes.find((l) => l.name === 'ipA')!.shape).toEqual([2, 3, 2]);
  });

  it('Split, Slice without points, Scale from a second bottom, Softmax over axis 2, Reshape with an explicit first dim at another batch size', async () => {
    const proto = `layer { name: "in" type: "Input" top: "x" top: "s" input_param { shape { dim: 1 dim: 2 dim: 3 dim: 2 } shape { dim: 1 dim: 2 } } }
layer { name: "split" type: "Split" bottom: "x" top: "a" top: "b" }
layer { name: "halves" type: "Slice" bottom: "a" top: "h1" top: "h2" slice_param { axis: 2 slice_point: 1 } }
layer { name: "halves2" type: "Slice" bottom: "b" top: "c1" top: "c2" }
layer { name: "scaled" type: "Scale" bottom: "x" bottom: "s" top: "scaled" scale_param { axis: 0 } }
layer { name: "sm" type: "Softmax" bottom: "x" top: "sm" softmax_param { axis: 2 } }
layer { name: "flat" type: "Reshape" bottom: "sm" top: "flat" reshape_param { shape { dim: 1 dim: -1 } } }`;
    // A net without learned blobs: an empty caffemodel is enough.
    const m = await importCaffe({ prototxt: enc(proto), caffemodel: new Uint8Array(0), names: { prototxt: 't.prototxt', caffemodel: 't.caffemodel' } });
    expect(m.layers.map((l) => l.name)).toEqual(['split/a', 'split/b', 'halves/h1', 'halves/h2', 'halves2/c1', 'halves2/c2', 'scaled', 'sm', 'flat']);
    const s = await ort.InferenceSession.create((await import('../../onnx/testing/run-graph')).exposeTensors(m.onnx, m.layers.map((l) => l.tensor)));
    const x = synthetic(9, 12, 2);
    const sc = Float32Array.from([2, -3]);
    const batch = 2; // the prototxt says 1: the batch stays dynamic
    const xx = new Float32Array(24);
    xx.set(x);
    xx.set(x, 12);
    const r = await s.run({ x: new ort.Tensor('float32', xx, [batch, 2, 3, 2]), s: new ort.Tensor('float32', Float32Array.from([2, -3, 2, -3]), [batch, 2]) });
    expect(Array.from(r['split/a'].data as Float32Array)).toEqual(Array.from(xx));
    expect(r['halves/h1'].dims).toEqual([2, 2, 1, 2]);
    expect(r['halves2/c1'].dims).toEqual([2, 1, 3, 2]);
    const scaled = r['scaled'].data as Float32Array;
    for (let i = 0; i < 12; i++) expect(scaled[i]).toBeCloseTo(x[i] * sc[Math.floor(i / 6)], 5);
    const sm = r['sm'].data as Float32Array;
    // Softmax over the 3 rows for each (channel, column).
    for (let c = 0; c < 2; c++) for (let w = 0; w < 2; w++) {
      const idx = [0, 1, 2].map((h) => c * 6 + h * 2 + w);
      const ex = idx.map((i) => Math.exp(x[i]));
      const sum = ex.reduce((a, b) => a + b, 0);
      idx.forEach((i, k) => expect(sm[i]).toBeCloseTo(ex[k] / sum, 5));
    }
    // Caffe's [1, -1] at batch 2 is [1, 24]: an explicit first dim is kept, the -1 absorbs the batch.
    expect(r['flat'].dims).toEqual([1, 24]);
    await s.release();
  });

  it('reads legacy input_shape and train-style heads (MemoryData, Data with crop_size and transform_param)', async () => {
    const conv = (bottom: string) => `layer { name: "c" type: "Convolution" bottom: "${bottom}" top: "c" convolution_param { num_output: 1 kernel_size: 1 bias_term: false } }`;
    const w1 = [{ name: 'c', blobs: [{ shape: [1, 1, 1, 1], data: Float32Array.from([1]) }] }];
    const w3 = [{ name: 'c', blobs: [{ shape: [1, 3, 1, 1], data: Float32Array.from([1, 1, 1]) }] }];
    const legacy = await importCaffe({ prototxt: enc(`input: "im" input_shape { dim: 1 dim: 1 dim: 5 dim: 7 }\n${conv('im')}`), caffemodel: writeCaffemodel(w1, false) });
    expect(legacy.manifest.input).toMatchObject({ name: 'im', shape: [1, 1, 5, 7] });
    const mem = await importCaffe({ prototxt: enc(`layer { name: "d" type: "MemoryData" top: "d" top: "label" memory_data_param { batch_size: 4 channels: 3 height: 9 width: 8 } }\n${conv('d')}`), caffemodel: writeCaffemodel(w3, true) });
    expect(mem.manifest.input).toMatchObject({ name: 'd', shape: [1, 3, 9, 8] });
    expect(mem.manifest.preprocess).toEqual({ colour: 'bgr' });
    const data = await importCaffe({
      prototxt: enc(`layers { name: "d" type: DATA top: "d" top: "label" data_param { batch_size: 64 } transform_param { scale: 0.00390625 crop_size: 24 mean_value: 104 mean_value: 117 mean_value: 123 } include { phase: TRAIN } }
layers { name: "d" type: DATA top: "d" top: "label" data_param { batch_size: 8 } transform_param { scale: 0.5 crop_size: 20 mean_value: 1 mean_value: 2 mean_value: 3 } include { phase: TEST } }
${conv('d').replace('layer {', 'layers {').replace('"Convolution"', 'CONVOLUTION')}
layers { name: "loss" type: SOFTMAX_LOSS bottom: "c" bottom: "label" top: "loss" }`),
      caffemodel: writeCaffemodel(w3, true),
    });
    expect(data.manifest.input).toMatchObject({ shape: [1, 3, 20, 20] });
    expect(data.manifest.preprocess).toEqual({ colour: 'bgr', scale: 0.5, mean: [1, 2, 3] });
    expect(data.dropped.map((d) => d.name)).toEqual(['d', 'loss']);
  });
  it('Eltwise over three inputs (PROD chain, MAX, SUM with coefficients); a layer named like the input', async () => {
    const proto = `input: "data" input_shape { dim: 1 dim: 2 dim: 2 dim: 2 }
layer { name: "data" type: "AbsVal" bottom: "data" top: "a" }
layer { name: "t" type: "TanH" bottom: "data" top: "t" }
layer { name: "p" type: "Eltwise" bottom: "data" bottom: "a" bottom: "t" top: "p" eltwise_param { operation: PROD } }
layer { name: "m" type: "Eltwise" bottom: "data" bottom: "a" bottom: "t" top: "m" eltwise_param { operation: MAX } }
layer { name: "s" type: "Eltwise" bottom: "data" bottom: "a" bottom: "t" top: "s" eltwise_param { coeff: 1 coeff: -2 coeff: 0.5 } }`;
    const x = synthetic(11, 8, 2);
    const { res, model } = await run(proto, [], x, [1, 2, 2, 2]);
    expect(model.layers.map((l) => [l.name, l.tensor])).toEqual([['data', 'data_2'], ['t', 't'], ['p', 'p'], ['m', 'm'], ['s', 's']]);
    const a = Array.from(x, Math.abs);
    const t = Array.from(x, Math.tanh);
    close(res.get('p')!.data, Array.from(x, (v, i) => v * a[i] * t[i]));
    close(res.get('m')!.data, Array.from(x, (v, i) => Math.max(v, a[i], t[i])));
    close(res.get('s')!.data, Array.from(x, (v, i) => v - 2 * a[i] + 0.5 * t[i]));
  });
});
