// The random-weight generator: blob shapes as Caffe sizes them, the same bytes for the same seed,
// and a .caffemodel the importer reads back with the values it was given.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { weightsByLayer, blobData, blobShape } from '../net';
import { decodeCaffe } from '../read';
import type { NetParameter } from '../schema';
import { weightShapes, writeRandomCaffemodel } from './random-weights';

const nets = resolve(__dirname, 'nets');
const tmp = mkdtempSync(join(tmpdir(), 'random-weights-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const shapesOf = (file: string) => Object.fromEntries(weightShapes(readFileSync(file, 'utf8'), file).map((l) => [l.name, l.blobs.map((b) => b.shape)]));
const count = (file: string) => weightShapes(readFileSync(file, 'utf8'), file).reduce((s, l) => s + l.blobs.reduce((t, b) => t + b.shape.reduce((x, y) => x * y, 1), 0), 0);

describe('random weights for a deploy prototxt', () => {
  it('sizes the blobs of Levi & Hassner\'s gender_net (V1 syntax) as Caffe does, and the age_net the same but fc8', () => {
    const gender = shapesOf(resolve(__dirname, '../../../../../shared/data/caffe/gender_net/deploy_gender.prototxt'));
    expect(gender).toEqual({
      conv1: [[96, 3, 7, 7], [96]], conv2: [[256, 96, 5, 5], [256]], conv3: [[384, 256, 3, 3], [384]],
      // conv1 227 → 56, pool1 (ceil) 28, pool2 14, pool5 7: 384 · 7 · 7 inputs to fc6.
      fc6: [[512, 18816], [512]], fc7: [[512, 512], [512]], fc8: [[2, 512], [2]],
    });
    expect(shapesOf(join(nets, 'deploy_age.prototxt'))).toEqual({ ...gender, fc8: [[8, 512], [8]] });
  });

  it('sizes the DEX-shaped VGG-16: 13 convolutions, fc6 from 512 · 7 · 7, 101 outputs', () => {
    const dex = shapesOf(join(nets, 'dex_vgg16.prototxt'));
    expect(Object.keys(dex)).toHaveLength(16);
    expect(dex.conv5_3).toEqual([[512, 512, 3, 3], [512]]);
    expect(dex.fc6).toEqual([[4096, 25088], [4096]]);
    expect(dex['fc8-101']).toEqual([[101, 4096], [101]]);
    expect(count(join(nets, 'dex_vgg16.prototxt'))).toBe(134_674_341);
    expect(shapesOf(join(nets, 'dex_vgg16_small.prototxt')).fc6).toEqual([[256, 25088], [256]]);
  });

  it('writes a caffemodel the importer reads back, the same bytes for the same seed', () => {
    const net = join(nets, 'deploy_age.prototxt');
    const a = join(tmp, 'a.caffemodel');
    const { bytes } = writeRandomCaffemodel(net, a, { seed: 5 });
    writeRandomCaffemodel(net, join(tmp, 'b.caffemodel'), { seed: 5 });
    writeRandomCaffemodel(net, join(tmp, 'c.caffemodel'), { seed: 6 });
    const [ba, bb, bc] = ['a', 'b', 'c'].map((n) => readFileSync(join(tmp, `${n}.caffemodel`)));
    expect(ba.length).toBe(bytes);
    expect(ba.equals(bb)).toBe(true);
    expect(ba.equals(bc)).toBe(false);
    const weights = weightsByLayer(decodeCaffe<NetParameter>('NetParameter', new Uint8Array(ba), { file: 'a.caffemodel' }));
    expect([...weights.keys()]).toEqual(['conv1', 'conv2', 'conv3', 'fc6', 'fc7', 'fc8']);
    const fc6 = weights.get('fc6')!;
    expect(blobShape(fc6[0])).toEqual([512, 18816]);
    const w = blobData(fc6[0]);
    // He-uniform: within ±√(6 / fan-in), spread over the range.
    const limit = Math.sqrt(6 / 18816);
    expect(Math.max(...w.subarray(0, 100_000))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.subarray(0, 100_000))).toBeGreaterThan(0.9 * limit);
    expect(Math.min(...w.subarray(0, 100_000))).toBeLessThan(-0.9 * limit);
  });

  it('names the layer it cannot size', () => {
    const text = 'name: "x"\nlayer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 8 dim: 8 } } }\nlayer { name: "up" type: "Deconvolution" bottom: "data" top: "up" convolution_param { num_output: 2 kernel_size: 2 } }\n';
    expect(() => weightShapes(text, 'x.prototxt')).toThrow(/^x\.prototxt: layer 'up' \(line 3\) \(Deconvolution\): random weights cannot size layers of this type/);
  });
});
