import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../formats/npy';
import { sharedData } from '../engine/testing/data';
import { caffeType } from '../importers/caffe/schema';
import { readMeanImage } from './mean';

describe('mean images', () => {
  it('reads the Adience mean .binaryproto as 3×256×256 with its known channel means (BGR)', () => {
    const m = readMeanImage(resolve(sharedData, 'caffe/gender_net/mean.binaryproto'));
    expect([m.c, m.h, m.w]).toEqual([3, 256, 256]);
    const plane = 256 * 256;
    const means = [0, 1, 2].map((c) => m.data.subarray(c * plane, (c + 1) * plane).reduce((a, b) => a + b, 0) / plane);
    // SOURCES.md: B = 78.4263, G = 87.7689, R = 114.8958.
    expect(means[0]).toBeCloseTo(78.4263, 3);
    expect(means[1]).toBeCloseTo(87.7689, 3);
    expect(means[2]).toBeCloseTo(114.8958, 3);
  });

  it('reads a float32 .npy mean, dropping a leading batch dimension', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convscope-mean-'));
    const file = join(dir, 'mean.npy');
    writeFileSync(file, encodeNpy(Float32Array.from({ length: 12 }, (_, i) => i), [1, 3, 2, 2]));
    const m = readMeanImage(file);
    expect([m.c, m.h, m.w]).toEqual([3, 2, 2]);
    expect(m.data[11]).toBe(11);
  });

  it('names the file when the mean is not C×H×W or not a mean file at all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convscope-mean-'));
    const flat = join(dir, 'flat.npy');
    writeFileSync(flat, encodeNpy(new Float32Array(6), [6]));
    expect(() => readMeanImage(flat)).toThrow(/flat\.npy: mean has shape \[6\], expected C×H×W/);
    const junk = join(dir, 'junk.binaryproto');
    writeFileSync(junk, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2]));
    expect(() => readMeanImage(junk)).toThrow(/junk\.binaryproto/);
    expect(() => readMeanImage(join(dir, 'missing.npy'))).toThrow(/missing\.npy: cannot read mean file \(ENOENT\)/);
  });

  it('names the file and field when a .binaryproto declares negative dimensions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convscope-mean-'));
    const file = join(dir, 'neg.binaryproto');
    const BlobProto = caffeType('BlobProto');
    // 3 × −2 × −2 = 12 values: the count alone would not catch it.
    writeFileSync(file, BlobProto.encode(BlobProto.fromObject({ shape: { dim: [3, -2, -2] }, data: new Array(12).fill(1) })).finish());
    expect(() => readMeanImage(file)).toThrow(`${file}: mean: field 'shape.dim' gives dimension -2 (3×-2×-2); dimensions are positive whole numbers`);
  });
});

