// Every layer of the converted Caffe models against the OpenCV DNN references committed in
// golden/ (scripts/golden/caffe_golden.py): max|ours − ref| / max|ref| ≤ 1e-4 per layer.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy } from '../../formats/npy';
import { runLayers } from '../../onnx/testing/run-graph';
import { importCaffe } from './index';
import { synthetic, writeCaffemodel } from './testing/synthetic';

const repo = resolve(__dirname, '../../..');
const caffe = resolve(repo, '../shared/data/caffe');
const golden = resolve(__dirname, 'golden');

interface GoldenLayer { name: string; file: string; shape: number[]; stride: number; maxAbs: number }
interface GoldenMeta {
  inputShape: number[];
  input?: string;
  layers: GoldenLayer[];
  syntheticInput?: { seed: number; scale: number };
  weights?: { layers: { name: string; blobs: { shape: number[]; seed: number; scale: number }[] }[] };
}

const readMeta = (dir: string): GoldenMeta => JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));

/** Worst relative error per layer; fails on a shape mismatch or any layer above 1e-4. */
async function compareAll(prototxt: string, caffemodel: string, dir: string): Promise<Record<string, number>> {
  const meta = readMeta(dir);
  const model = await importCaffe({ prototxt, caffemodel });
  const input = meta.input
    ? decodeNpy(readFileSync(join(dir, meta.input))).data
    : synthetic(meta.syntheticInput!.seed, meta.inputShape.reduce((a, b) => a * b, 1), meta.syntheticInput!.scale);
  const byName = new Map(model.layers.map((l) => [l.name, l.tensor]));
  // Every converted layer has a reference, and every reference a layer.
  expect([...byName.keys()].sort()).toEqual(meta.layers.map((l) => l.name).sort());
  const outs = await runLayers(model.onnx, { name: model.manifest.input!.name!, dims: meta.inputShape, data: input }, [...byName.values()]);
  const errors: Record<string, number> = {};
  for (const g of meta.layers) {
    const ours = outs.get(byName.get(g.name)!)!;
    expect(ours.dims, `shape of ${g.name}`).toEqual(g.shape);
    const ref = decodeNpy(readFileSync(join(dir, g.file))).data;
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours.data[i * g.stride] - ref[i]));
    errors[g.name] = g.maxAbs > 0 ? maxDiff / g.maxAbs : maxDiff;
  }
  const worst = Object.entries(errors).sort((a, b) => b[1] - a[1])[0];
  console.log(`${dir.slice(golden.length + 1)}: worst layer ${worst[0]} rel ${worst[1].toExponential(2)}`);
  for (const [name, e] of Object.entries(errors)) expect(e, `layer ${name}`).toBeLessThanOrEqual(1e-4);
  return errors;
}

describe('Caffe models match OpenCV DNN layer by layer', () => {
  it('LeNet (V2, Input layer), 10 MNIST test digits', async () => {
    await compareAll(join(caffe, 'lenet/mnist_deploy.prototxt'), join(caffe, 'lenet/lenet_iter_10000.caffemodel'), join(golden, 'lenet'));
  });

  it('cifar10_quick (V1, IMAGE_DATA head, ceil + AVE pooling)', async () => {
    await compareAll(
      join(caffe, 'cifar10_quick/prediction_example.prototxt'),
      join(caffe, 'cifar10_quick/cifar10_quick_iter_5000.caffemodel'),
      join(golden, 'cifar10_quick'),
    );
  });

  for (const size of ['12x12', '37x29']) {
    it(`MTCNN P-Net (legacy input_dim, PReLU, fully convolutional) at ${size}`, async () => {
      await compareAll(join(caffe, 'mtcnn/det1.prototxt'), join(caffe, 'mtcnn/det1.caffemodel'), join(golden, 'mtcnn_pnet', size));
    });
  }
  for (const size of ['24x24', '23x25']) {
    it(`MTCNN R-Net at ${size}`, async () => {
      await compareAll(join(caffe, 'mtcnn/det2.prototxt'), join(caffe, 'mtcnn/det2.caffemodel'), join(golden, 'mtcnn_rnet', size));
    });
  }

  it('gender_net deploy (V1 syntax, LRN) with random V1 weights', async () => {
    const dir = join(golden, 'gender_net');
    const meta = readMeta(dir);
    const layers = meta.weights!.layers.map((l) => ({
      name: l.name,
      blobs: l.blobs.map((b) => ({ shape: b.shape, data: synthetic(b.seed, b.shape.reduce((x, y) => x * y, 1), b.scale) })),
    }));
    const tmp = mkdtempSync(join(tmpdir(), 'convscope-gender-'));
    const weights = join(tmp, 'gender_random.caffemodel');
    writeFileSync(weights, writeCaffemodel(layers, true));
    await compareAll(join(caffe, 'gender_net/deploy_gender.prototxt'), weights, dir);
  });

  for (const size of ['17x14', '12x15']) {
    it(`own V2 net (BatchNorm+Scale, Eltwise, Concat, PReLU, Deconvolution, LRN within, Crop, Slice, …) at ${size}`, async () => {
      await compareAll(join(golden, 'v2net/v2net.prototxt'), join(golden, 'v2net/v2net.caffemodel'), join(golden, 'v2net', size));
    });
  }
});
