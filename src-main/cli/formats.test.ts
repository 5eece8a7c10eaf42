// .npy and PNG codecs and layer file naming used by the command line.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sanitiseLayerFile } from './commands';
import { decodeNpy, encodeNpy, NpyError } from './npy';
import { decodePng, encodePng } from './png';

const data = resolve(__dirname, '../../../shared/data');

describe('npy', () => {
  it('round-trips float32 arrays and reads NumPy-written files', () => {
    const a = Float32Array.from([1.5, -2, 3e-8, 7]);
    const back = decodeNpy(encodeNpy(a, [2, 2]));
    expect(back.shape).toEqual([2, 2]);
    expect(Array.from(back.data)).toEqual(Array.from(a));
    expect(decodeNpy(encodeNpy(a, [4])).shape).toEqual([4]);
    // Written by numpy (scripts/golden/caffe_golden.py).
    const g = decodeNpy(readFileSync(resolve(__dirname, '../importers/caffe/golden/lenet/input.npy')));
    expect(g.shape).toEqual([10, 1, 28, 28]);
    expect(Math.max(...g.data)).toBeLessThan(1);
  });

  it('rejects what it cannot read', () => {
    expect(() => decodeNpy(new Uint8Array(20), 'x.npy')).toThrow(NpyError);
    const truncated = encodeNpy(new Float32Array(16), [16]).subarray(0, 140);
    expect(() => decodeNpy(truncated, 't.npy')).toThrow(/t\.npy: holds \d+ values, shape \(16\) needs 16/);
  });
});

describe('png', () => {
  it('decodes gray MNIST samples and RGBA CIFAR images, and round-trips RGBA', () => {
    const digit = decodePng(readFileSync(resolve(data, 'mnist/samples_png/img_7_0.png')));
    expect([digit.width, digit.height]).toEqual([28, 28]);
    expect(Math.max(...digit.rgba.filter((_, i) => i % 4 === 0))).toBeGreaterThan(200);
    const cat = decodePng(readFileSync(resolve(data, 'caffe/cifar10_quick/cat10.png')));
    expect([cat.width, cat.height]).toEqual([32, 32]);
    const img = { width: 3, height: 2, rgba: Uint8Array.from({ length: 24 }, (_, i) => (i * 37) & 255) };
    expect(decodePng(encodePng(img))).toEqual(img);
  });
});

describe('layer file names', () => {
  it('replaces characters outside [A-Za-z0-9_.-] and keeps names unique', () => {
    const used = new Set<string>();
    expect(sanitiseLayerFile('conv4-1', used)).toBe('conv4-1.npy');
    expect(sanitiseLayerFile('split/a', used)).toBe('split_a.npy');
    expect(sanitiseLayerFile('split_a', used)).toBe('split_a_2.npy');
    expect(sanitiseLayerFile('résumé:x', used)).toBe('r_sum__x.npy');
    expect(sanitiseLayerFile('..', used)).toBe('__.npy');
    expect(sanitiseLayerFile('summary', used)).toBe('summary.npy');
  });
});
