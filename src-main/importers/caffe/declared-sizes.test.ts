// Crafted Caffe files: what a file declares is checked before anything is sized by it, names are
// made in linear time, and every refusal names the file.
import { describe, expect, it } from 'vitest';
import { CaffeNetError, importCaffe, PrototxtError, type CaffeSources } from './index';
import { buildNet } from './net';
import { caffeType } from './schema';
import { writeCaffemodel } from './testing/synthetic';

const enc = (s: string) => new TextEncoder().encode(s);

async function failure(src: CaffeSources): Promise<Error> {
  const err = await importCaffe(src).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

const tinyNet = (layers: string, dims = '1 dim: 3 dim: 4 dim: 4') => enc(`name: "t"\ninput: "data"\ninput_shape { dim: ${dims} }\n${layers}`);
const conv = 'layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 1 kernel_size: 1 bias_term: false } }';
const convWeights = () => writeCaffemodel([{ name: 'c', blobs: [{ shape: [1, 3, 1, 1], data: new Float32Array(3) }] }], false);

function meanBytes(dims: number[], values: number): Uint8Array {
  const BlobProto = caffeType('BlobProto');
  return BlobProto.encode(BlobProto.fromObject({ shape: { dim: dims }, data: new Array(values).fill(1) })).finish();
}

describe('declared sizes', () => {
  it('refuses a 141-byte prototxt declaring 500,000,000 channels at once, in little memory', async () => {
    const proto = enc('name: "x"\ninput: "data"\ninput_shape { dim: 1 dim: 500000000 dim: 1 dim: 1 }\nlayer { name: "p" type: "Softmax" bottom: "data" top: "p" }\n');
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const err = await failure({ prototxt: proto, caffemodel: new Uint8Array(0), names: { prototxt: 'big.prototxt' } });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 2 ** 20);
    expect(err).toBeInstanceOf(CaffeNetError);
    expect(err.message).toBe("big.prototxt: input 'data' (1×500000000×1×1) holds 500000000 values (at most 134217728, 512 MiB of float32, per tensor)");
  });

  it('refuses negative and zero input dimensions', async () => {
    const err = await failure({ prototxt: tinyNet(conv, '1 dim: 3 dim: -4 dim: 4'), caffemodel: convWeights(), names: { prototxt: 'neg.prototxt' } });
    expect(err.message).toMatch(/^neg\.prototxt: input 'data' \(1×3×-4×4\) has dimension -4 \(dimensions are positive whole numbers\)$/);
  });

  it('refuses a layer whose output a declared parameter makes too large, before sizing anything by it', async () => {
    // 500,000,000 outputs with no weights: the weights are missing, nothing is allocated first.
    const big = 'layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 500000000 kernel_size: 1 } }';
    expect((await failure({ prototxt: tinyNet(big), caffemodel: new Uint8Array(0), names: { prototxt: 'n.prototxt', caffemodel: 'w.caffemodel' } })).message)
      .toMatch(/^n\.prototxt: layer 'c' \(line 4\) \(Convolution\): no weights for this layer in w\.caffemodel/);
    // A deconvolution with a huge stride: its weights are right, its output is not.
    const deconv = 'layer { name: "c" type: "Deconvolution" bottom: "data" top: "c" convolution_param { num_output: 1 kernel_size: 1 stride: 100000 bias_term: false } }';
    const weights = writeCaffemodel([{ name: 'c', blobs: [{ shape: [3, 1, 1, 1], data: new Float32Array(3) }] }], false);
    const err = await failure({ prototxt: tinyNet(deconv), caffemodel: weights, names: { prototxt: 'n.prototxt' } });
    expect(err.message).toMatch(/^n\.prototxt: layer 'c' \(line 4\) \(Deconvolution\): its output c \(1×1×300001×300001\) holds \d+ values \(at most 134217728/);
  });

  it('proposes no labels past 100,000 classes instead of listing them', async () => {
    const proto = tinyNet('layer { name: "p" type: "Softmax" bottom: "data" top: "p" }', '1 dim: 200000');
    const m = await importCaffe({ prototxt: proto, caffemodel: new Uint8Array(0) });
    expect(m.manifest.labels).toBeUndefined();
    const small = await importCaffe({ prototxt: tinyNet('layer { name: "p" type: "Softmax" bottom: "data" top: "p" }', '1 dim: 7'), caffemodel: new Uint8Array(0) });
    expect(small.manifest.labels).toEqual(['0', '1', '2', '3', '4', '5', '6']);
  });

  it('names 10,000 layers sharing one name in linear time, and refuses more layers than that', async () => {
    const relu = 'layer { name: "r" type: "ReLU" bottom: "data" top: "data" }\n';
    const started = performance.now();
    const m = await importCaffe({ prototxt: tinyNet(relu.repeat(10_000)), caffemodel: new Uint8Array(0) });
    expect(performance.now() - started).toBeLessThan(5000);
    const names = m.layers.map((l) => l.name);
    expect(names.slice(0, 3)).toEqual(['r', 'r_2', 'r_3']);
    expect(names.at(-1)).toBe('r_10000');
    expect(new Set(m.layers.map((l) => l.tensor)).size).toBe(10_000);
    const err = await failure({ prototxt: tinyNet(relu.repeat(20_000)), caffemodel: new Uint8Array(0), names: { prototxt: 'many.prototxt' } });
    expect(err.message).toBe('many.prototxt: the net has 20000 layers; ConvScope opens nets of up to 10000');
  });

  it('gives 10,000 equal layer names their suffixes in linear time', () => {
    const layer = { name: 'r', type: 'ReLU', bottom: ['data'], top: ['data'] };
    const param = { input: ['data'], input_dim: [1, 1, 4, 4], layer: Array.from({ length: 10_000 }, () => ({ ...layer })) };
    const started = performance.now();
    const net = buildNet(param, 'n.prototxt');
    // Quadratic naming took seconds here; linear takes milliseconds.
    expect(performance.now() - started).toBeLessThan(300);
    expect(net.layers.map((l) => l.name).slice(-2)).toEqual(['r_9999', 'r_10000']);
  });

  it('refuses 5,000-deep nesting with file and line, without a stack overflow', async () => {
    const deep = enc('layer {\n'.repeat(5000) + '}\n'.repeat(5000));
    const err = await failure({ prototxt: deep, caffemodel: new Uint8Array(0), names: { prototxt: 'deep.prototxt' } });
    expect(err).toBeInstanceOf(PrototxtError);
    expect(err.message).toBe('deep.prototxt:101:7: messages are nested more than 100 deep');
  });

  it('checks a mean file: positive dims that match its values and the net\'s channels, naming file and field', async () => {
    const src = (mean: Uint8Array) => ({ prototxt: tinyNet(conv), caffemodel: convWeights(), mean, names: { mean: 'm.binaryproto' } });
    expect((await failure(src(meanBytes([3, -2, -2], 12)))).message)
      .toBe("m.binaryproto: mean: field 'shape.dim' gives dimension -2 (3×-2×-2); dimensions are positive whole numbers");
    expect((await failure(src(meanBytes([3, 4, 4], 12)))).message)
      .toBe("m.binaryproto: mean: field 'shape.dim' declares 3×4×4 (48 values) but the blob holds 12");
    expect((await failure(src(meanBytes([1, 2, 2], 4)))).message).toBe("m.binaryproto: mean has 1 channels, the net's input has 3");
    const ok = await importCaffe(src(meanBytes([1, 3, 2, 2], 12)));
    expect(ok.manifest.preprocess?.mean).toEqual([1, 1, 1]);
  });
});
