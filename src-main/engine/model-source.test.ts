import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
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
