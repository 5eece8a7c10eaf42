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
