// The command line run as a child process (as `npm run cli` runs it) on the Caffe LeNet.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadMnistTest } from '../engine/testing/data';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../onnx/proto';
import { decodeNpy, encodeNpy } from './npy';
import { encodePng } from './png';
import type { Summary } from './commands';

const repo = resolve(__dirname, '../..');
const lenet = resolve(repo, 'assets/models/lenet');
const golden = resolve(repo, 'src-main/importers/caffe/golden/lenet');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [resolve(repo, 'scripts/cli.mjs'), ...args], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Each case starts Node processes (tsx compiles the source when out/ is not built): allow time.
const SLOW = 120_000;

describe('convscope CLI', () => {
  it('convert writes an ONNX model and reports progress on stderr', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'convscope-cli-')), 'lenet.onnx');
    const r = cli('convert', join(lenet, 'mnist_deploy.prototxt'), join(lenet, 'lenet_iter_10000.caffemodel'), '-o', out);
    expect(r.stderr).toMatch(/converting: 100%/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote .*lenet\.onnx: 8 layers/);
    const model = decodeModel(readFileSync(out));
    expect(model.graph.node.map((n) => n.output[0])).toEqual(expect.arrayContaining(['conv1', 'ip1', 'relu1', 'loss']));
  }, SLOW);

  it('activations on a .npy batch: summary.json lists every layer and the top-5 per item; .npy files match OpenCV', () => {
    const out = mkdtempSync(join(tmpdir(), 'convscope-act-'));
    const r = cli('activations', '--model', join(lenet, 'mnist_deploy.prototxt'), join(lenet, 'lenet_iter_10000.caffemodel'),
      '--input', join(golden, 'input.npy'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.layers.map((l) => [l.name, l.type, l.shape])).toEqual([
      ['conv1', 'Convolution', [10, 20, 24, 24]], ['pool1', 'Pooling', [10, 20, 12, 12]],
      ['conv2', 'Convolution', [10, 50, 8, 8]], ['pool2', 'Pooling', [10, 50, 4, 4]],
      ['ip1', 'InnerProduct', [10, 500]], ['relu1', 'ReLU', [10, 500]], ['ip2', 'InnerProduct', [10, 10]], ['loss', 'Softmax', [10, 10]],
    ]);
    // First ten MNIST test labels.
    const labels = loadMnistTest(10).labels;
    expect(summary.top5).toHaveLength(10);
    expect(summary.top5.map((t) => t[0].label)).toEqual(Array.from(labels, String));
    expect(summary.top5.every((t) => t.length === 5 && t[0].score >= t[4].score)).toBe(true);
    // relu1 is ip1 after the in-place ReLU, compared with the committed OpenCV reference.
    const meta = JSON.parse(readFileSync(join(golden, 'meta.json'), 'utf8')) as { layers: { name: string; file: string; stride: number; maxAbs: number }[] };
    for (const name of ['conv1', 'relu1']) {
      const g = meta.layers.find((l) => l.name === name)!;
      const ours = decodeNpy(readFileSync(join(out, `${name}.npy`)));
      const ref = decodeNpy(readFileSync(join(golden, g.file))).data;
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ours.data[i * g.stride] - ref[i]));
      expect(worst / g.maxAbs).toBeLessThanOrEqual(1e-4);
    }
    expect(decodeNpy(readFileSync(join(out, 'ip1.npy'))).data.some((v) => v < 0)).toBe(true);
    expect(decodeNpy(readFileSync(join(out, 'relu1.npy'))).data.every((v) => v >= 0)).toBe(true);
  }, SLOW);

  it('activations on a photo-like PNG of a digit applies the manifest preprocessing (digit pipeline)', () => {
    // MNIST test digit 0 (a 7) as dark ink on off-white paper, 4× larger with a margin.
    const { images } = loadMnistTest(1);
    const size = 160;
    const rgba = new Uint8Array(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const sy = Math.floor((y - 24) / 4);
        const sx = Math.floor((x - 24) / 4);
        const ink = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? images[sy * 28 + sx] : 0;
        const paper = 235 - (x + y) / 16;
        const v = Math.round(paper - (ink / 255) * (paper - 30));
        rgba.set([v, v, v - 5, 255], (y * size + x) * 4);
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'convscope-png-'));
    writeFileSync(join(dir, 'seven.png'), encodePng({ width: size, height: size, rgba }));
    const r = cli('activations', '--model', join(lenet, 'mnist_deploy.prototxt'), join(lenet, 'lenet_iter_10000.caffemodel'),
      '--input', join(dir, 'seven.png'), '--out', join(dir, 'out'));
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as Summary;
    expect(summary.input.shape).toEqual([1, 1, 28, 28]);
    expect(summary.top5[0][0].label).toBe('7');
  }, SLOW);

  it('fails with a clear message and a non-zero exit status', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convscope-err-'));
    const missing = cli('convert', join(dir, 'nope.prototxt'), join(lenet, 'lenet_iter_10000.caffemodel'), '-o', join(dir, 'x.onnx'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/convscope convert: error: .*nope\.prototxt: cannot open \(ENOENT\)/);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);

    writeFileSync(join(dir, 'flat.npy'), encodeNpy(new Float32Array(784), [784]));
    const badShape = cli('activations', '--model', join(lenet, 'mnist_deploy.prototxt'), join(lenet, 'lenet_iter_10000.caffemodel'),
      '--input', join(dir, 'flat.npy'), '--out', join(dir, 'out'));
    expect(badShape.code).toBe(1);
    expect(badShape.stderr).toMatch(/flat\.npy: shape \(784\) has 1 dimensions, input 'data' needs 4/);

    const usage = cli('frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown command 'frobnicate'/);
  }, SLOW);
});
