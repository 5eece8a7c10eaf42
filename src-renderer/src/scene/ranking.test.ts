import { describe, expect, it } from 'vitest';
import { defaultTopK, tensorToRgba, topClasses } from './ranking';

describe('probability ranking', () => {
  it('shows every class up to 20, the top 10 beyond', () => {
    expect(defaultTopK(10)).toBe(10);
    expect(defaultTopK(20)).toBe(20);
    expect(defaultTopK(1000)).toBe(10);
  });

  it('returns the K most probable classes in order, ties by class index', () => {
    const probs = Float32Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) / 1000);
    const expected = [...probs.keys()].sort((a, b) => probs[b] - probs[a] || a - b).slice(0, 10);
    expect(topClasses(probs, 10)).toEqual(expected);
    expect(topClasses([0.2, 0.5, 0.2, 0.1], 3)).toEqual([1, 0, 2]);
    expect(topClasses([0.2, 0.5], 5)).toEqual([1, 0]);
  });
});

describe('input tensor display', () => {
  it('composes RGB from a BGR tensor and gray from one channel', () => {
    // 1 × 2 image; planes B = [10, 11], G = [20, 21], R = [30, 31].
    const bgr = Uint8Array.from([10, 11, 20, 21, 30, 31]);
    const out = new Uint8Array(8);
    tensorToRgba(3, 1, 2, bgr, 'bgr', out);
    expect([...out]).toEqual([30, 20, 10, 255, 31, 21, 11, 255]);
    tensorToRgba(3, 1, 2, bgr, 'rgb', out);
    expect([...out]).toEqual([10, 20, 30, 255, 11, 21, 31, 255]);
    tensorToRgba(1, 1, 2, Uint8Array.from([5, 250]), 'gray', out);
    expect([...out]).toEqual([5, 5, 5, 255, 250, 250, 250, 255]);
  });
});
