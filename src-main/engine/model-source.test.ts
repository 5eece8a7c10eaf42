import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectModel } from './runtime';
import { listBundled } from './model-source';
import { assetsDir } from './testing/data';

describe('model sources', () => {
  it('lists the bundled models', () => {
    expect(listBundled(assetsDir).map((m) => m.id)).toEqual(expect.arrayContaining(['mnist', 'squeezenet']));
  });

  it('proposes a manifest for an .onnx that has none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-'));
    const file = join(dir, 'digits.onnx');
    copyFileSync(resolve(assetsDir, 'mnist/mnist.onnx'), file);
    const info = await inspectModel({ paths: [file] }, assetsDir);
    expect(info.id).toBe('digits');
    expect(info.manifest.input).toEqual({ name: 'Input3', shape: [1, 1, 28, 28], layout: 'NCHW' });
    expect(info.manifest.preprocess.colour).toBe('gray');
    expect(info.manifest.output).toEqual({ name: 'Plus214_Output_0', softmax: true });
    expect(info.labels).toEqual(Array.from({ length: 10 }, (_, i) => `class ${i}`));
    expect(info.source).toBe(file);
    // A manifest beside it (<name>.json) is used, and a manifest override in the request wins over it.
    writeFileSync(join(dir, 'digits.json'), JSON.stringify({
      id: 'digits', name: 'Digits', format: 'onnx', files: { model: 'digits.onnx' },
      input: { shape: [1, 1, 28, 28], layout: 'NCHW' }, preprocess: { colour: 'gray', digit: true }, labels: 'labels.txt',
    }));
    writeFileSync(join(dir, 'labels.txt'), 'zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n');
    const side = await inspectModel({ paths: [file] }, assetsDir);
    expect(side.name).toBe('Digits');
    expect(side.labels[3]).toBe('three');
    const over = await inspectModel({ paths: [file], manifest: { name: 'Mine' } }, assetsDir);
    expect(over.name).toBe('Mine');
    writeFileSync(join(dir, 'labels.txt'), 'zero\none\n');
    await expect(inspectModel({ paths: [file] }, assetsDir)).rejects.toThrow(/digits\.json: 2 labels, but output Plus214_Output_0 has 10 classes/);
  });
});

describe('model sources through the importer registry', () => {
  const lenet = resolve(assetsDir, 'lenet');

  it('opens a .pbtxt net dropped together with its .caffemodel as a Caffe model, panels left to the app', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caffe-'));
    copyFileSync(join(lenet, 'mnist_deploy.prototxt'), join(dir, 'net.pbtxt'));
    copyFileSync(join(lenet, 'lenet_iter_10000.caffemodel'), join(dir, 'w.caffemodel'));
    const info = await inspectModel({ paths: [join(dir, 'w.caffemodel'), join(dir, 'net.pbtxt')] }, assetsDir);
    expect(info.format).toBe('caffe');
    expect(info.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'ip1', 'relu1', 'ip2', 'loss']);
    expect(info.manifest.panels).toBeUndefined();
    expect(info.source).toBe(`${join(dir, 'net.pbtxt')}, ${join(dir, 'w.caffemodel')}`);
  });

  it('uses a manifest beside (or picked with) a model of any format, and checks its format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caffe-'));
    copyFileSync(join(lenet, 'mnist_deploy.prototxt'), join(dir, 'digits.prototxt'));
    copyFileSync(join(lenet, 'lenet_iter_10000.caffemodel'), join(dir, 'digits.caffemodel'));
    const bundled = JSON.parse(readFileSync(join(lenet, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'digits.json'), JSON.stringify({ ...bundled, id: 'digits', name: 'Digits beside', files: { model: 'x', weights: 'y' } }));
    const paths = [join(dir, 'digits.prototxt'), join(dir, 'digits.caffemodel')];
    const beside = await inspectModel({ paths }, assetsDir);
    expect(beside.name).toBe('Digits beside');
    expect(beside.manifest.preprocess.digit).toBe(true);
    expect(beside.manifest.files).toEqual({ model: paths[0], weights: paths[1] });
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'picked.json'), JSON.stringify({ ...bundled, id: 'picked', name: 'Picked', files: { model: 'x', weights: 'y' } }));
    expect((await inspectModel({ paths: [...paths, join(dir, 'other', 'picked.json')] }, assetsDir)).name).toBe('Picked');
    writeFileSync(join(dir, 'digits.json'), JSON.stringify({ ...bundled, format: 'onnx', files: { model: 'digits.onnx' } }));
    await expect(inspectModel({ paths }, assetsDir)).rejects.toThrow(/digits\.json: format is 'onnx', but the model files are Caffe \(digits\.prototxt\)/);
    // The manifest is checked before the model is converted: broken weights are not what is reported.
    writeFileSync(join(dir, 'digits.caffemodel'), 'not a caffemodel');
    writeFileSync(join(dir, 'digits.json'), JSON.stringify({ ...bundled, prepocess: {} }));
    await expect(inspectModel({ paths }, assetsDir)).rejects.toThrow(/digits\.json: unknown field prepocess/);
  });

  it("reads a bundled model's files through the registry and names its manifest when they do not fit", async () => {
    const assets = mkdtempSync(join(tmpdir(), 'assets-'));
    mkdirSync(join(assets, 'wrong'));
    copyFileSync(resolve(assetsDir, 'mnist/mnist.onnx'), join(assets, 'wrong', 'mnist.onnx'));
    const manifest = JSON.parse(readFileSync(resolve(assetsDir, 'mnist/manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(assets, 'wrong', 'manifest.json'), JSON.stringify({ ...manifest, format: 'caffe', files: { model: 'mnist.onnx', weights: 'w.caffemodel' } }));
    await expect(inspectModel({ bundled: 'wrong' }, assets)).rejects.toThrow(/wrong\/manifest\.json: files: files of more than one model format given \(ONNX: mnist\.onnx; Caffe: w\.caffemodel\)/);
    writeFileSync(join(assets, 'wrong', 'manifest.json'), JSON.stringify({ ...manifest, id: 'wrong', files: { model: 'mnist.pdf' } }));
    await expect(inspectModel({ bundled: 'wrong' }, assets)).rejects.toThrow(/wrong\/manifest\.json: files: mnist\.pdf: not a model file ConvScope can open/);
    writeFileSync(join(assets, 'wrong', 'manifest.json'), JSON.stringify({ ...manifest, id: 'wrong' }));
    expect((await inspectModel({ bundled: 'wrong' }, assets)).layers.length).toBeGreaterThan(5);
  });
});

describe('raw activations (for export)', () => {
  it('returns every layer with its full shape and the class probabilities', async () => {
    const { ModelRuntime } = await import('./runtime');
    const { loadMnistTest, mnistDigit, paperDigit } = await import('./testing/data');
    const rt = await ModelRuntime.load({ bundled: 'mnist' }, assetsDir, { forceCpu: true });
    try {
      const mnist = loadMnistTest(1);
      const acts = await rt.activationsForImage(paperDigit(mnistDigit(mnist, 0)));
      expect(acts.layers.get('ReLU32_Output_0')?.dims).toEqual([1, 8, 28, 28]);
      expect(acts.layers.get('Pooling160_Output_0_reshape0')?.dims).toEqual([1, 256]);
      expect(acts.layers.size).toBe(rt.info.layers.length);
      const p = acts.probs.data;
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(p.indexOf(Math.max(...p))).toBe(mnist.labels[0]);
    } finally {
      await rt.release();
    }
  });
});
