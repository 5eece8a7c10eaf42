import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { halfToFloat } from '../onnx/proto';
import { fitMeanImage, preprocess, type InputSpec } from './preprocess';
import { resizePlane, resizeRows } from './resize';
import { ModelRuntime } from './runtime';
import { strokeWidth } from './digit';
import { assetsDir, blankPaper, loadMnistTest, mnistDigit, paperDigit, pearson, penDigit } from './testing/data';

const rgbaOf = (w: number, h: number, f: (x: number, y: number) => [number, number, number]) => {
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgba.set([...f(x, y), 255], (y * w + x) * 4);
  return { width: w, height: h, rgba };
};

const spec = (over: Partial<InputSpec> & Pick<InputSpec, 'preprocess'>): InputSpec => ({
  c: 3, h: 2, w: 2, layout: 'NCHW', dtype: 'float32', ...over,
});

describe('resize', () => {
  it('averages areas when shrinking and interpolates when enlarging', () => {
    const src = Float32Array.from([0, 4, 8, 12, 1, 5, 9, 13]); // 4×2
    expect(Array.from(resizePlane(src, 4, 2, 2, 1))).toEqual([2.5, 10.5]);
    // 3 → 2 columns: output 0 covers pixels 0 and half of 1.
    expect(Array.from(resizePlane(Float32Array.from([0, 3, 6]), 3, 1, 2, 1))).toEqual([1, 5]);
    const up = resizePlane(Float32Array.from([0, 10]), 2, 1, 4, 1);
    expect(Array.from(up)).toEqual([0, 2.5, 7.5, 10]);
  });

  it('copies a picture of the same size exactly, into a new array', () => {
    const src = Float32Array.from({ length: 12 }, (_, i) => Math.fround(i * 0.37 - 1));
    const out = resizePlane(src.slice(), 4, 3, 4, 3);
    expect(Array.from(out)).toEqual(Array.from(src));
    const rows = resizeRows((y, scratch) => scratch.map((_, x) => src[y * 4 + x]), 4, 3, 4, 3);
    expect(Array.from(rows)).toEqual(Array.from(src));
  });

  it('reads each source row once, in order, shrinking or enlarging', () => {
    for (const [sw, sh, dw, dh] of [[640, 480, 28, 28], [3, 5, 224, 224], [4096, 1, 28, 28], [1, 4096, 28, 28], [7, 300, 9, 2], [5, 5, 5, 5]]) {
      const read: number[] = [];
      const out = resizeRows((y, scratch) => {
        read.push(y);
        return scratch.fill(y);
      }, sw, sh, dw, dh);
      expect(read, `${sw}×${sh} → ${dw}×${dh}`).toEqual(Array.from({ length: sh }, (_, y) => y));
      // Every pixel of row y is y: the output rows are the rows' area means (or interpolations).
      const mean = out.reduce((a, b) => a + b, 0) / out.length;
      expect(mean).toBeCloseTo((sh - 1) / 2, 0);
    }
  });

  it('turns a 4096 × 4096 picture into a 224 × 224 tensor without a full-size copy of the picture', () => {
    const side = 4096;
    const rgba = new Uint8Array(side * side * 4);
    for (let y = 0; y < side; y++) rgba.fill(y < side / 2 ? 200 : 40, y * side * 4, (y + 1) * side * 4);
    const before = process.memoryUsage().arrayBuffers;
    const r = preprocess({ width: side, height: side, rgba }, spec({ h: 224, w: 224, preprocess: { colour: 'rgb' } }));
    // Whatever the resize allocated is still counted here (garbage, not yet collected).
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(r.data[0]).toBe(200);
    expect(r.data[224 * 224 - 1]).toBe(40);
    // Three float planes of the picture would be 192 MiB; the tensor and its rows are under 2 MiB.
    expect(grown).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('preprocess', () => {
  it('refuses pictures beyond the frame bounds before reading them', () => {
    const spec1 = spec({ c: 1, h: 28, w: 28, preprocess: { colour: 'gray' } });
    expect(() => preprocess({ width: 1, height: 1_000_000, rgba: new Uint8Array(4) }, spec1)).toThrow(/1×1000000 is larger than frames may be/);
    expect(() => preprocess({ width: 8000, height: 8000, rgba: new Uint8Array(4) }, spec1)).toThrow(/8000×8000/);
    expect(() => preprocess({ width: 0, height: 3, rgba: new Uint8Array(0) }, spec1)).toThrow(/not a picture size/);
  });

  const img = rgbaOf(4, 4, (x, y) => [x < 2 ? 200 : 100, y < 2 ? 50 : 150, 10]);

  it('orders channels, subtracts mean, divides std and scales', () => {
    const bgr = preprocess(img, spec({ preprocess: { colour: 'bgr', mean: [10, 100, 150], std: [1, 2, 5], scale: 0.5 } }));
    expect(bgr.dims).toEqual([1, 3, 2, 2]);
    // Channel 0 = B (10 − 10) → 0; channel 1 = G: ((50|150) − 100)/2·0.5; channel 2 = R: ((200|100) − 150)/5·0.5.
    expect(Array.from(bgr.data)).toEqual([0, 0, 0, 0, -12.5, -12.5, 12.5, 12.5, 5, -5, 5, -5]);
    expect(bgr.display.min).toBe(-12.5);
    expect(bgr.display.max).toBe(12.5);
    expect(Array.from(bgr.display.data.subarray(4, 8))).toEqual([0, 0, 255, 255]);
    const rgb = preprocess(img, spec({ preprocess: { colour: 'rgb' } }));
    expect(Array.from(rgb.data.subarray(0, 4))).toEqual([200, 100, 200, 100]);
  });

  it('writes NHWC, transposes H/W and converts to float16', () => {
    const nhwc = preprocess(img, spec({ layout: 'NHWC', preprocess: { colour: 'rgb' } }));
    expect(nhwc.dims).toEqual([1, 2, 2, 3]);
    expect(Array.from(nhwc.data.subarray(0, 6))).toEqual([200, 50, 10, 100, 50, 10]);
    const t = preprocess(img, spec({ preprocess: { colour: 'rgb', transposeHW: true } }));
    // R varies along x in the image, so along y in the transposed tensor.
    expect(Array.from(t.data.subarray(0, 4))).toEqual([200, 200, 100, 100]);
    const half = preprocess(img, spec({ dtype: 'float16', preprocess: { colour: 'gray', scale: 1 / 255 }, c: 1 }));
    expect(half.data).toBeInstanceOf(Uint16Array);
    const g = (0.299 * 200 + 0.587 * 50 + 0.114 * 10) / 255;
    expect(halfToFloat(half.data[0])).toBeCloseTo(g, 3);
    const inv = preprocess(img, spec({ c: 1, preprocess: { colour: 'gray', invert: true } }));
    expect(inv.data[0]).toBeCloseTo(255 - g * 255, 3);
  });

  it('centre-crops a larger mean image', () => {
    const data = new Float32Array(3 * 4 * 4);
    for (let c = 0; c < 3; c++) for (let i = 0; i < 16; i++) data[c * 16 + i] = c * 100 + i;
    const m = fitMeanImage({ c: 3, h: 4, w: 4, data }, 2, 2);
    expect(Array.from(m.data.subarray(0, 4))).toEqual([5, 6, 9, 10]);
    expect(Array.from(m.data.subarray(8, 12))).toEqual([205, 206, 209, 210]);
    const r = preprocess(img, spec({ meanImage: m, preprocess: { colour: 'rgb' } }));
    expect(r.data[0]).toBe(200 - 5);
  });
});

describe('digit pipeline', () => {
  const mnist = loadMnistTest(20);
  const digitSpec: InputSpec = { c: 1, h: 28, w: 28, layout: 'NCHW', dtype: 'float32', preprocess: { colour: 'gray', digit: true, scale: 1 } };

  it('turns a blank page into an empty tensor, not amplified noise', () => {
    const r = preprocess(blankPaper(), digitSpec);
    expect(r.noInk).toBe(true);
    expect(Math.max(...r.data)).toBe(0);
  });

  it('ignores dark things at the crop edge (a finger, the pen) when the digit lies inside', () => {
    const paper = paperDigit(mnistDigit(mnist, 0), { dx: 8, dy: 0, digitSize: 60 });
    const clean = preprocess(paper, digitSpec);
    const px = paper.rgba;
    for (let y = 30; y < 112; y++) {
      for (let x = 0; x < 14; x++) px.fill(40, (y * 112 + x) * 4, (y * 112 + x) * 4 + 3); // a dark finger from the left edge
    }
    const r = preprocess(paper, digitSpec);
    expect(pearson(r.data, clean.data)).toBeGreaterThan(0.95);
    expect(pearson(r.data, mnistDigit(mnist, 0))).toBeGreaterThan(0.8);
  });

  // The bundled MNIST model through the engine's own pipeline: its manifest asks for digitSpec.
  let mnistModel: ModelRuntime;
  beforeAll(async () => {
    mnistModel = await ModelRuntime.load({ bundled: 'mnist' }, assetsDir, { forceCpu: true });
  });
  afterAll(() => mnistModel?.release());
  const classify = async (img: Parameters<ModelRuntime['prepare']>[0]) => {
    const { probs } = await mnistModel.activationsForImage(img);
    return probs.data.indexOf(Math.max(...probs.data));
  };

  it('thickens fine pen strokes to MNIST stroke width', async () => {
    let correct = 0;
    for (let i = 0; i < 10; i++) {
      const src = penDigit(mnistDigit(mnist, i), i + 1);
      const r = mnistModel.prepare(src);
      expect(Array.from(r.data)).toEqual(Array.from(preprocess(src, digitSpec).data));
      // MNIST digits measure 1.2–2.9 px (5th–95th percentile) by this measure, median 1.8.
      const w = strokeWidth(Float32Array.from(r.data, (v) => v / 255), 28, 28);
      expect(w, `digit #${i}`).toBeGreaterThan(1.3);
      expect(w, `digit #${i}`).toBeLessThan(3);
      if ((await classify(src)) === mnist.labels[i]) correct++;
    }
    expect(correct).toBeGreaterThanOrEqual(8);
  });

  it('turns ink on unevenly lit, noisy paper into the MNIST digit, and the MNIST model reads it', async () => {
    const cases = [0, 1, 2, 3, 4, 7, 8, 11, 18, 19]; // digits 7 2 1 0 4 9 5 6 3 4
    for (const [k, i] of cases.entries()) {
      const paper = paperDigit(mnistDigit(mnist, i), { seed: i + 1, dx: k % 2 ? 14 : -10, dy: k % 3 ? -8 : 11, digitSize: 60 + (k % 4) * 8 });
      const r = mnistModel.prepare(paper);
      expect(r.noInk).toBe(false);
      const corr = pearson(r.data, mnistDigit(mnist, i));
      expect(corr, `digit #${i} (label ${mnist.labels[i]}): r=${corr.toFixed(3)}`).toBeGreaterThan(0.8);
      expect(await classify(paper), `digit #${i}`).toBe(mnist.labels[i]);
    }
  });
});
