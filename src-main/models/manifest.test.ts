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

  it('refuses an input shape too large to allocate, and values nested too deep to print', () => {
    const m = good();
    m.input.shape = [1, 1, 500_000, 500_000];
    expect(errorOf(m)).toBe('manifest.json: input.shape [1,1,500000,500000] holds 250000000000 values (at most 134217728, 512 MiB of float32, per tensor)');
    const deep = JSON.parse('['.repeat(5000) + ']'.repeat(5000)) as unknown;
    expect(errorOf(deep)).toMatch(/^manifest\.json: .*\[…\]/);
    expect(errorOf({ ...good(), labels: deep })).toMatch(/^manifest\.json: labels must be .*\[…\]$/);
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

  it('accepts an age output and a face crop, and checks them field by field', () => {
    const labels = ['0-2', '4-6', '60+'];
    const age = { ...good(), labels, output: { kind: 'age', ages: [[0, 2], [4, 6], [60, null]] }, crop: { mode: 'face', margin: 1.6 } };
    expect(validateManifest(age, 'manifest.json')).toEqual(age);
    expect(validateManifest({ ...good(), output: { kind: 'classes' }, crop: { mode: 'manual' } }, 'manifest.json')).toMatchObject({ output: { kind: 'classes' }, crop: { mode: 'manual' } });
    const out = (output: unknown) => errorOf({ ...good(), labels, output });
    expect(out({ kind: 'ages' })).toBe("manifest.json: output.kind must be one of 'classes', 'age', got \"ages\"");
    expect(out({ ages: [1, 2, 3] })).toBe("manifest.json: output.ages is given, so output.kind must be 'age', got undefined");
    expect(out({ kind: 'age', ages: [[0, 2], [60, null]] })).toBe('manifest.json: output.ages has 2 ages, labels has 3 classes; give one age per class');
    expect(out({ kind: 'age', ages: [[4, 6], [0, 2], [60, null]] })).toBe(
      'manifest.json: output.ages[1] (0–2) does not come after output.ages[0] (4–6); list the ages from youngest to oldest without overlap',
    );
    expect(out({ kind: 'age', ages: [[0, 2], [60, null], [70, 80]] })).toBe('manifest.json: output.ages[1]: the open-ended bucket 60+ must be the last');
    expect(out({ kind: 'age', ages: 'ages.txt' })).toMatch(/^manifest\.json: output\.ages must be a list of ages/);
    expect(out({ kind: 'age', ages: [[0, 2], [4, 'six'], 60] })).toBe('manifest.json: output.ages[1]: bucket [4,"six"]: to "six" is not an age in years (0–150) or null (open-ended)');
    expect(out({ kind: 'age', age: [] })).toMatch(/^manifest\.json: unknown field output\.age \(allowed: name, softmax, kind, ages\)/);
    const crop = (c: unknown) => errorOf({ ...good(), crop: c });
    expect(crop({ mode: 'faces' })).toBe("manifest.json: crop.mode must be one of 'manual', 'face', got \"faces\"");
    expect(crop({ margin: 1.6 })).toBe("manifest.json: crop.mode must be one of 'manual', 'face', got undefined");
    expect(crop({ mode: 'face', margin: 0.5 })).toBe("manifest.json: crop.margin must be a number from 1 to 4 (the crop square's side per face box side), got 0.5");
    expect(crop({ mode: 'face', margin: '1.6' })).toMatch(/crop\.margin must be a number from 1 to 4 .*got "1\.6"/);
    expect(crop({ mode: 'face', padding: 2 })).toMatch(/^manifest\.json: unknown field crop\.padding \(allowed: mode, margin\)/);
    expect(crop('face')).toBe('manifest.json: crop must be an object like {"mode": "face", "margin": 1.6}, got "face"');
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
    const gender = readManifest(join(root, 'gender/manifest.json'));
    expect(gender).toMatchObject({ format: 'keras', labels: ['woman', 'man'], crop: { mode: 'face' } });
  });
});
