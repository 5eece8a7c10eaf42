import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, NpyError } from './npy';

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
    expect(g.data.every((v) => v < 1)).toBe(true);
  });

  it('rejects what it cannot read', () => {
    expect(() => decodeNpy(new Uint8Array(20), 'x.npy')).toThrow(NpyError);
    const truncated = encodeNpy(new Float32Array(16), [16]).subarray(0, 140);
    expect(() => decodeNpy(truncated, 't.npy')).toThrow(/t\.npy: holds \d+ values, shape \(16\) needs 16/);
  });
});
