// The command line run as a child process (as `npm run cli` runs it) on the bundled models.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadMnistTest, sharedData } from '../engine/testing/data';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../formats/image';
import { decodeNpy, encodeNpy } from '../formats/npy';
import { caffeType } from '../importers/caffe/schema';
import { modelFormats } from '../importers/registry';
import { decodeModel } from '../onnx/proto';
import type { Summary } from './activations';
import type { FacesOutput } from './faces';

const repo = resolve(__dirname, '../..');
const lenet = resolve(repo, 'assets/models/lenet');
const squeezenet = resolve(repo, 'assets/models/squeezenet');
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
    expect(summary.layout).toBe('NCHW');
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

    const photo = cli('activations', '--model', join(lenet, 'mnist_deploy.prototxt'), join(lenet, 'lenet_iter_10000.caffemodel'),
      '--input', join(dir, 'flat.gif'), '--out', join(dir, 'out'));
    expect(photo.code).toBe(1);
    expect(photo.stderr).toMatch(/flat\.gif: cannot read image \(ENOENT\)/);

    const usage = cli('frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown command 'frobnicate'/);
  }, SLOW);
});

describe('convscope CLI on hostile files', () => {
  it('refuses a mean with negative dims, 5,000-deep nesting and a PNG declaring 12000×12000, naming each file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convscope-hostile-'));
    const net = join(lenet, 'mnist_deploy.prototxt');
    const weights = join(lenet, 'lenet_iter_10000.caffemodel');
    const BlobProto = caffeType('BlobProto');
    // 1 × −28 × −28 holds 784 values: only the sign is wrong.
    writeFileSync(join(dir, 'neg.binaryproto'), BlobProto.encode(BlobProto.fromObject({ shape: { dim: [1, -28, -28] }, data: new Array(784).fill(0) })).finish());
    const mean = cli('convert', net, weights, '--mean', join(dir, 'neg.binaryproto'), '-o', join(dir, 'x.onnx'));
    expect(mean.code).toBe(1);
    expect(mean.stderr).toMatch(/neg\.binaryproto: mean: field 'shape\.dim' gives dimension -28/);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);

    writeFileSync(join(dir, 'deep.prototxt'), 'layer {\n'.repeat(5000) + '}\n'.repeat(5000));
    const deep = cli('convert', join(dir, 'deep.prototxt'), weights, '-o', join(dir, 'y.onnx'));
    expect(deep.code).toBe(1);
    expect(deep.stderr).toMatch(/deep\.prototxt:101:7: messages are nested more than 100 deep/);

    const png = encodePng({ width: 1, height: 1, rgba: new Uint8Array(4) });
    new DataView(png.buffer, png.byteOffset).setUint32(16, 12_000);
    new DataView(png.buffer, png.byteOffset).setUint32(20, 12_000);
    writeFileSync(join(dir, 'huge.png'), png);
    const image = cli('activations', '--model', net, weights, '--input', join(dir, 'huge.png'), '--out', join(dir, 'out'));
    expect(image.code).toBe(1);
    expect(image.stderr).toMatch(/huge\.png: 12000×12000 is too large to open \(144 megapixels; the limit is 50\)/);
  }, SLOW);
});

describe('convscope CLI and the importer registry', () => {
  it('formats lists every format of the registry with its extensions', () => {
    const r = cli('formats');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    for (const f of modelFormats()) {
      const line = lines.find((l) => l.startsWith(`${f.label} (${f.format}):`));
      expect(line).toBeDefined();
      for (const e of f.extensions) expect(line).toContain(e);
    }
    expect(lines.some((l) => l.startsWith('manifest: .json'))).toBe(true);
  }, SLOW);

  it('ignores a manifest.json in the net\'s folder that is not ConvScope\'s or names another net', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convscope-stray-'));
    copyFileSync(join(lenet, 'mnist_deploy.prototxt'), join(dir, 'net.pbtxt'));
    copyFileSync(join(lenet, 'lenet_iter_10000.caffemodel'), join(dir, 'w.caffemodel'));
    const run = () => cli('activations', '--model', join(dir, 'net.pbtxt'), join(dir, 'w.caffemodel'), '--input', join(golden, 'input.npy'), '--out', join(dir, 'out'));
    const labels = Array.from(loadMnistTest(10).labels, String);

    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'some web app', short_name: 'app', icons: [], display: 'standalone' }));
    const web = run();
    expect(web.code, web.stderr).toBe(0);
    const proposed = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as Summary;
    expect(proposed.model.manifest).toBe('net.pbtxt (proposed manifest)');
    expect(proposed.top5.map((t) => t[0].label)).toEqual(labels);

    const other = JSON.parse(readFileSync(join(lenet, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...other, files: { model: 'other.prototxt', weights: 'w.caffemodel' } }));
    expect(run().code).toBe(0);

    // One that names this net is its manifest, and a mistake in it is reported.
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...other, files: { model: 'net.pbtxt', weights: 'w.caffemodel' }, prepocess: {} }));
    const typo = run();
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/manifest\.json: unknown field prepocess/);
  }, SLOW);

  it('activations on a JPEG photo with an ONNX model and the manifest in its folder (SqueezeNet)', () => {
    const out = mkdtempSync(join(tmpdir(), 'convscope-jpeg-'));
    const r = cli('activations', '--model', join(squeezenet, 'squeezenet_fp16.onnx'), '--input', join(sharedData, 'images/space_shuttle.jpg'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.model.manifest).toBe(join(squeezenet, 'manifest.json'));
    expect(summary.input).toMatchObject({ name: 'data_0', shape: [1, 3, 224, 224] });
    expect(summary.top5[0][0].label).toBe('space shuttle');
    expect(summary.layers.length).toBeGreaterThan(60);
  }, SLOW);

  it('convert reads any format of the registry: an .onnx gives the same graph back', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'convscope-cli-')), 'copy.onnx');
    const r = cli('convert', join(repo, 'assets/models/mnist/mnist.onnx'), '-o', out);
    expect(r.code, r.stderr).toBe(0);
    const original = decodeModel(readFileSync(join(repo, 'assets/models/mnist/mnist.onnx')));
    expect(r.stdout).toMatch(new RegExp(`wrote .*copy\\.onnx: ${original.graph.node.length} nodes`));
    expect(decodeModel(readFileSync(out)).graph.node.map((n) => n.opType)).toEqual(original.graph.node.map((n) => n.opType));
    // An option the format does not read is refused rather than silently ignored.
    const shaped = cli('convert', join(repo, 'assets/models/mnist/mnist.onnx'), '--input-shape', '1,1,32,32', '-o', out);
    expect(shaped.code).toBe(1);
    expect(shaped.stderr).toMatch(/--input-shape: ONNX models take their input size from the model file \(mnist\.onnx\)/);
  }, SLOW);

  it('converts a Keras .hdf5 and exports its activations as NCHW from an NHWC .npy input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convscope-cli-keras-'));
    const model = join(sharedData, 'keras/gender_mini_XCEPTION.21-0.95.hdf5');
    const conv = cli('convert', model, '-o', join(dir, 'gender.onnx'));
    expect(conv.code, conv.stderr).toBe(0);
    expect(conv.stdout).toMatch(/wrote .*gender\.onnx: 45 layers/);

    // The crop the numpy reference ran on (scripts/golden/keras_golden.py), in Keras's NHWC layout.
    const golden = resolve(repo, 'src-main/importers/keras/golden/gender');
    const bytes = readFileSync(join(golden, 'obama_small/input.f32'));
    const input = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    writeFileSync(join(dir, 'face.npy'), encodeNpy(input, [1, 64, 64, 1]));
    const r = cli('activations', '--model', model, '--input', join(dir, 'face.npy'), '--out', join(dir, 'acts'));
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'acts/summary.json'), 'utf8')) as Summary;
    expect(summary.layout).toBe('NCHW');
    expect(summary.input.shape).toEqual([1, 64, 64, 1]);
    expect(summary.layers).toHaveLength(45);
    expect(summary.layers[0]).toMatchObject({ name: 'conv2d_1', type: 'Conv2D', shape: [1, 8, 62, 62] });
    expect(decodeNpy(readFileSync(join(dir, 'acts', summary.layers[0].file))).shape).toEqual([1, 8, 62, 62]);
    const meta = JSON.parse(readFileSync(join(golden, 'meta.json'), 'utf8')) as { crops: { obama_small: { probabilities: number[] } } };
    const ref = meta.crops.obama_small.probabilities;
    expect(summary.top5[0][0].class).toBe(ref.indexOf(Math.max(...ref)));
    expect(summary.top5[0][0].score).toBeCloseTo(Math.max(...ref), 4);
  }, SLOW);

  it('faces prints the faces of a photo in its own pixels, largest first, and none for a photo without people', () => {
    // two_people.jpg (1126×661) is searched in a 480-px-high copy; the boxes come back in the photo's
    // pixels. The faces by eye: x 225–390, y 55–230 and x 780–945, y 70–250.
    const r = cli('faces', '--input', join(sharedData, 'faces/two_people.jpg'));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as FacesOutput;
    expect(out.faces).toHaveLength(2);
    const [a, b] = out.faces;
    expect(a.box[2] * a.box[3]).toBeGreaterThanOrEqual(b.box[2] * b.box[3]);
    const centres = out.faces.map((f) => [f.box[0] + f.box[2] / 2, f.box[1] + f.box[3] / 2]).sort((p, q) => p[0] - q[0]);
    expect(centres[0][0]).toBeGreaterThan(225);
    expect(centres[0][0]).toBeLessThan(390);
    expect(centres[1][0]).toBeGreaterThan(780);
    expect(centres[1][0]).toBeLessThan(945);
    for (const f of out.faces) {
      expect(f.box[3]).toBeGreaterThan(150);
      expect(f.box.every((v) => Math.abs(v * 10 - Math.round(v * 10)) < 1e-6)).toBe(true); // 0.1 px
      expect(f.score).toBeGreaterThan(0.7);
    }

    const none = cli('faces', '--input', join(sharedData, 'images/dog_2.jpg'));
    expect(none.code, none.stderr).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual({ faces: [] });

    const bad = cli('faces', '--input', join(sharedData, 'images/dog_2.jpg'), '--thresholds', '0.6');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--thresholds must be two numbers between 0 and 1/);
  }, SLOW);
});
