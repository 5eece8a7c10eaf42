import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLabels, ManifestError, readManifest, validateManifest } from './manifest';

const good = () => ({
  id: 'mnist',
  name: 'MNIST',
  format: 'onnx',
  files: { model: 'mnist.onnx' },
  input: { name: 'Input3', shape: [1, 1, 28, 28], layout: 'NCHW' },
  output: { softmax: true },
  preprocess: { colour: 'gray', digit: true, scale: 1 },
  labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  panels: { conv: ['a'], fc: ['b'] },
});

const errorOf = (raw: unknown): string => {
  try {
    validateManifest(raw, 'manifest.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return (e as Error).message;
  }
  throw new Error('expected a ManifestError');
};

describe('manifest validation', () => {
  it('accepts a well-formed manifest unchanged', () => {
    expect(validateManifest(good(), 'manifest.json')).toEqual(good());
  });

  it('names the file and the field for a wrong input shape', () => {
    const m = good();
    m.input.shape = [1, 28, 28];
    expect(errorOf(m)).toBe('manifest.json: input.shape must be 4 positive integers, got [1,28,28]');
    m.input.shape = [1, 1, 28, -28];
    expect(errorOf(m)).toBe('manifest.json: input.shape must be 4 positive integers, got [1,1,28,-28]');
  });

  it('rejects unknown fields so typos are caught', () => {
    const m: Record<string, unknown> = good();
    m.prepocess = {};
    expect(errorOf(m)).toMatch(/^manifest\.json: unknown field prepocess/);
    const n = good() as unknown as { preprocess: Record<string, unknown> };
    n.preprocess.grey = true;
    expect(errorOf(n)).toMatch(/^manifest\.json: unknown field preprocess\.grey/);
  });

  it('checks enums, types and channel counts', () => {
    expect(errorOf({ ...good(), format: 'tflite' })).toBe("manifest.json: format must be one of 'onnx', 'caffe', 'keras', got \"tflite\"");
    expect(errorOf({ ...good(), input: { shape: [1, 1, 28, 28], layout: 'CHW' } })).toMatch(/input\.layout must be one of 'NCHW', 'NHWC'/);
    expect(errorOf({ ...good(), preprocess: { colour: 'rgb' } })).toBe(
      "manifest.json: preprocess.colour 'rgb' does not match the 1-channel input.shape",
    );
    expect(errorOf({ ...good(), preprocess: { colour: 'gray', mean: [1, 2, 3] } })).toBe(
      'manifest.json: preprocess.mean must be 1 numbers (one per input channel), got [1,2,3]',
    );
    expect(errorOf({ ...good(), preprocess: { colour: 'gray', std: [0] } })).toMatch(/preprocess\.std must be 1 non-zero numbers/);
    expect(errorOf({ ...good(), preprocess: { colour: 'gray', scale: '1/256' } })).toMatch(/preprocess\.scale must be a non-zero number, got "1\/256"/);
    expect(errorOf({ ...good(), preprocess: { colour: 'gray', digit: 'yes' } })).toMatch(/preprocess\.digit must be true or false/);
    expect(errorOf({ ...good(), input: { shape: [1, 2, 28, 28], layout: 'NCHW' } })).toMatch(/input\.shape has 2 channels/);
    expect(errorOf({ ...good(), labels: [] })).toBe('manifest.json: labels must not be empty');
    expect(errorOf({ ...good(), labels: 7 })).toMatch(/^manifest\.json: labels must be a list of class names or a path/);
    expect(errorOf({ ...good(), panels: { conv: 'conv1' } })).toMatch(/panels\.conv must be a list of non-empty strings, got "conv1"/);
    expect(errorOf({ ...good(), format: 'caffe' })).toMatch(/files\.weights must name the \.caffemodel/);
    expect(errorOf({ ...good(), id: 'my model' })).toMatch(/^manifest\.json: id must use only letters/);
    expect(errorOf([])).toBe('manifest.json: must be a JSON object, got []');
  });

  it('reports unreadable and malformed files by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    const bad = join(dir, 'manifest.json');
    writeFileSync(bad, '{ "id": "x", ');
    expect(() => readManifest(bad)).toThrow(new RegExp(`^${bad.replace(/[.\\/]/g, '\\$&')}: not valid JSON`));
    expect(() => readManifest(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read manifest \(ENOENT\)/);
    writeFileSync(bad, JSON.stringify({ ...good(), labels: 'labels.txt' }));
    const m = readManifest(bad);
    expect(() => loadLabels(m, dir, bad)).toThrow(/labels file .*labels\.txt cannot be read/);
    writeFileSync(join(dir, 'labels.txt'), 'cat\r\ndog\n\n');
    expect(loadLabels(m, dir, bad)).toEqual(['cat', 'dog']);
  });

  it('validates the bundled manifests', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../assets/models');
    const mnist = readManifest(join(root, 'mnist/manifest.json'));
    expect(mnist.input.shape).toEqual([1, 1, 28, 28]);
    expect(loadLabels(mnist, join(root, 'mnist'), 'mnist')).toHaveLength(10);
    const sq = readManifest(join(root, 'squeezenet/manifest.json'));
    const labels = loadLabels(sq, join(root, 'squeezenet'), 'squeezenet');
    expect(labels).toHaveLength(1000);
    expect(labels[281]).toBe('tabby');
    expect(labels[812]).toBe('space shuttle');
    expect(new Set(labels).size).toBe(1000);
  });
});
