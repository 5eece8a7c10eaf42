// Reading Caffe's files, the conversion's structure and the importer's error messages.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { rawFloatBytes } from '../../formats/protobuf/wire';
import { attr, decodeModel, tensorToFloat32 } from '../../onnx/proto';
import { CaffeConvertError, CaffeFileError, CaffeNetError, importCaffe, PrototxtError, type CaffeSources } from './index';
import { weightsByLayer, blobData, blobShape } from './net';
import { decodeCaffe } from './read';
import type { NetParameter } from './schema';
import { writeCaffemodel } from './testing/synthetic';

const caffe = resolve(__dirname, '../../../../shared/data/caffe');
const lenetProto = readFileSync(resolve(caffe, 'lenet/mnist_deploy.prototxt'), 'utf8');
const lenetModel = new Uint8Array(readFileSync(resolve(caffe, 'lenet/lenet_iter_10000.caffemodel')));
const names = { prototxt: 'lenet.prototxt', caffemodel: 'lenet.caffemodel' };
const enc = (s: string) => new TextEncoder().encode(s);

/** importCaffe's rejection message (the test fails if it resolves). */
async function failure(src: CaffeSources): Promise<string> {
  try {
    await importCaffe(src);
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return (e as Error).message;
  }
  throw new Error('import succeeded but should have failed');
}

async function runOutput(onnx: Uint8Array, x: Float32Array, dims: number[], out: string): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(onnx);
  const r = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, dims) }, [out]);
  const data = Float32Array.from(r[out].data as Float32Array);
  await s.release();
  return data;
}

describe('importCaffe', () => {
  it('converts LeNet: layer names are tensors, in-place ReLU gets its own, Gemm weights [out, in], dynamic batch', async () => {
    const progress: number[] = [];
    const m = await importCaffe(
      { prototxt: resolve(caffe, 'lenet/mnist_deploy.prototxt'), caffemodel: resolve(caffe, 'lenet/lenet_iter_10000.caffemodel') },
      (f) => progress.push(f),
    );
    expect(m.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'ip1', 'relu1', 'ip2', 'loss']);
    expect(m.layers.every((l) => l.tensor === l.name)).toBe(true);
    expect(m.layers.find((l) => l.name === 'relu1')?.op).toBe('ReLU');
    const model = decodeModel(m.onnx);
    const relu = model.graph.node.find((n) => n.output[0] === 'relu1');
    expect(relu?.opType).toBe('Relu');
    expect(relu?.input).toEqual(['ip1']);
    const gemm = model.graph.node.find((n) => n.output[0] === 'ip2');
    expect(gemm?.opType).toBe('Gemm');
    expect(attr(gemm!, 'transB')?.i).toBe(1);
    const w = model.graph.initializer.find((t) => t.name === gemm!.input[1])!;
    expect(w.dims).toEqual([10, 500]);
    // The same numbers as the caffemodel's ip2 blob.
    const blob = weightsByLayer(decodeCaffe<NetParameter>('NetParameter', lenetModel, { file: 'x' })).get('ip2')![0];
    expect(Array.from(tensorToFloat32(w).subarray(0, 20))).toEqual(Array.from(blobData(blob).subarray(0, 20)));
    expect(model.graph.input[0].type?.tensorType?.shape?.dim[0].dimParam).toBe('batch');
    expect(m.manifest.input).toEqual({ name: 'data', shape: [1, 1, 28, 28], layout: 'NCHW', dtype: 'float32' });
    expect(m.manifest.output).toEqual({ name: 'loss', softmax: false });
    // Default panels are the app's graph-based choice, the same for every format.
    expect(m.manifest.panels).toBeUndefined();
    expect(progress[progress.length - 1]).toBe(1);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
  });

  it('keeps caffemodel weights as views on the file bytes, never as number arrays', () => {
    const blob = weightsByLayer(decodeCaffe<NetParameter>('NetParameter', lenetModel, { file: 'lenet.caffemodel' })).get('ip1')![0];
    const raw = rawFloatBytes(blob, 'data')!;
    expect(raw.buffer).toBe(lenetModel.buffer);
    expect(raw.length).toBe(500 * 800 * 4);
    expect(blob.data).toBeInstanceOf(Float32Array);
    expect(blobShape(blob)).toEqual([500, 800]);
  });

  it('matches weights by layer name across V1 and V2: LeNet V2 prototxt with a V1 caffemodel gives the same output', async () => {
    const weights = weightsByLayer(decodeCaffe<NetParameter>('NetParameter', lenetModel, { file: 'lenet.caffemodel' }));
    const v1 = writeCaffemodel(
      [...weights].map(([name, blobs]) => ({ name, blobs: blobs.map((b) => ({ shape: blobShape(b), data: blobData(b) })) })),
      true,
    );
    const a = await importCaffe({ prototxt: enc(lenetProto), caffemodel: lenetModel, names });
    const b = await importCaffe({ prototxt: enc(lenetProto), caffemodel: v1, names });
    const x = new Float32Array(2 * 784).map((_, i) => ((i * 37) % 256) / 256);
    const ya = await runOutput(a.onnx, x, [2, 1, 28, 28], 'loss');
    const yb = await runOutput(b.onnx, x, [2, 1, 28, 28], 'loss');
    expect(Array.from(yb)).toEqual(Array.from(ya));
  });

  it('and the other way round: cifar10_quick V1 prototxt with its weights rewritten as a V2 caffemodel', async () => {
    const proto = resolve(caffe, 'cifar10_quick/prediction_example.prototxt');
    const v1Bytes = new Uint8Array(readFileSync(resolve(caffe, 'cifar10_quick/cifar10_quick_iter_5000.caffemodel')));
    const weights = weightsByLayer(decodeCaffe<NetParameter>('NetParameter', v1Bytes, { file: 'cifar.caffemodel' }));
    const v2 = writeCaffemodel(
      [...weights].map(([name, blobs]) => ({ name, blobs: blobs.map((b) => ({ shape: blobShape(b), data: blobData(b) })) })),
      false,
    );
    const a = await importCaffe({ prototxt: proto, caffemodel: v1Bytes });
    const b = await importCaffe({ prototxt: proto, caffemodel: v2 });
    const x = new Float32Array(3 * 1024).map((_, i) => ((i * 53) % 255) - 120);
    expect(Array.from(await runOutput(b.onnx, x, [1, 3, 32, 32], 'prob'))).toEqual(Array.from(await runOutput(a.onnx, x, [1, 3, 32, 32], 'prob')));
  });

  it('proposes BGR and the mean of a .binaryproto for 3-channel nets', async () => {
    const meanPath = resolve(caffe, 'gender_net/mean.binaryproto');
    // Weights are not needed to read the net's shape, but importCaffe converts: give conv-only net.
    const proto = enc('name: "tiny"\ninput: "data"\ninput_dim: 1 input_dim: 3 input_dim: 4 input_dim: 4\n' +
      'layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 1 kernel_size: 1 bias_term: false } }');
    const model = writeCaffemodel([{ name: 'c', blobs: [{ shape: [1, 3, 1, 1], data: new Float32Array(3) }] }], false);
    const byPath = await importCaffe({ prototxt: proto, caffemodel: model, mean: meanPath });
    expect(byPath.manifest.preprocess).toEqual({ colour: 'bgr', meanFile: meanPath });
    const byBytes = await importCaffe({ prototxt: proto, caffemodel: model, mean: new Uint8Array(readFileSync(meanPath)) });
    const mean = byBytes.manifest.preprocess!.mean!;
    expect(mean.map((v) => Math.round(v * 100) / 100)).toEqual([78.43, 87.77, 114.9]);
  });
});

describe('importCaffe errors name the file, line or layer', () => {
  it('prototxt syntax error', async () => {
    expect(await failure({ prototxt: enc(lenetProto.replace('kernel_size: 5', 'kernel_size: 5 }')), caffemodel: lenetModel, names }))
      .toMatch(/^lenet\.prototxt:\d+:\d+: /);
  });

  it('unknown layer type', async () => {
    const proto = lenetProto.replace('type: "ReLU"', 'type: "Swishy"');
    const msg = await failure({ prototxt: enc(proto), caffemodel: lenetModel, names });
    expect(msg).toMatch(/^lenet\.prototxt: layer 'relu1' \(line \d+\) \(Swishy\): ConvScope cannot convert layers of type 'Swishy'/);
  });

  it('mis-shaped blob', async () => {
    const proto = lenetProto.replace('num_output: 20', 'num_output: 30');
    const msg = await failure({ prototxt: enc(proto), caffemodel: lenetModel, names });
    expect(msg).toBe(
      "lenet.prototxt: layer 'conv1' (line 8) (Convolution): weights blob in lenet.caffemodel is 20×1×5×5 (500 values), but the prototxt needs 30×1×5×5",
    );
  });

  it('missing blobs', async () => {
    const proto = lenetProto.replace('name: "ip2"', 'name: "ip2_renamed"');
    const msg = await failure({ prototxt: enc(proto), caffemodel: lenetModel, names });
    expect(msg).toMatch(/layer 'ip2_renamed' \(line \d+\) \(InnerProduct\): no weights for this layer in lenet\.caffemodel \(expected weights of shape 10×500\)/);
  });

  it('truncated caffemodel', async () => {
    const msg = await failure({ prototxt: enc(lenetProto), caffemodel: lenetModel.subarray(0, 1_000_000), names });
    expect(msg).toMatch(/^lenet\.caffemodel: .* at byte \d+ of 1000000 .*truncated/);
  });

  it('corrupt caffemodel', async () => {
    const junk = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) & 0xff);
    const msg = await failure({ prototxt: enc(lenetProto), caffemodel: junk, names });
    expect(msg).toMatch(/^lenet\.caffemodel: /);
  });

  it('a bottom nobody produces', async () => {
    const proto = lenetProto.replace('bottom: "pool1"', 'bottom: "pool_one"');
    const msg = await failure({ prototxt: enc(proto), caffemodel: lenetModel, names });
    expect(msg).toMatch(/layer 'conv2' \(line \d+\) \(Convolution\): its input 'pool_one' is not produced by any earlier layer/);
  });

  it('a net without input', async () => {
    const proto = lenetProto.replace(/layer \{\s*name: "data"[\s\S]*?\n\}\n/, '');
    expect(await failure({ prototxt: enc(proto), caffemodel: lenetModel, names })).toMatch(/^lenet\.prototxt: the net has no input/);
  });

  it('a missing file', async () => {
    expect(await failure({ prototxt: '/nonexistent/net.prototxt', caffemodel: lenetModel })).toMatch(/\/nonexistent\/net\.prototxt: cannot open \(ENOENT\)/);
  });
  it('any truncation or corruption ends in one named error, never a crash', async () => {
    const known = (e: unknown) => e instanceof CaffeFileError || e instanceof CaffeConvertError || e instanceof CaffeNetError || e instanceof PrototxtError;
    for (let k = 1; k < 40; k++) {
      const cut = Math.floor((lenetModel.length * k) / 40) + (k % 7);
      const err = await importCaffe({ prototxt: enc(lenetProto), caffemodel: lenetModel.subarray(0, cut), names }).then(() => null, (e) => e);
      expect(known(err), `cut at ${cut}: ${err}`).toBe(true);
      expect((err as Error).message).toMatch(/^lenet\.(caffemodel|prototxt)/);
    }
    for (let k = 1; k < 30; k++) {
      const cut = Math.floor((lenetProto.length * k) / 30);
      const err = await importCaffe({ prototxt: enc(lenetProto.slice(0, cut)), caffemodel: lenetModel, names }).then(() => null, (e) => e);
      // A cut between layers is a valid shorter net; anything else must be a named error.
      if (err !== null) expect(known(err), `prototxt cut at ${cut}: ${err}`).toBe(true);
    }
    for (let k = 0; k < 30; k++) {
      const bad = lenetModel.slice();
      for (let j = 0; j < 8; j++) bad[(k * 7919 + j * 104729) % 4000] ^= 0x5a;
      const err = await importCaffe({ prototxt: enc(lenetProto), caffemodel: bad, names }).then(() => null, (e) => e);
      if (err !== null) expect(known(err), `flip ${k}: ${err}`).toBe(true);
    }
  });
});
