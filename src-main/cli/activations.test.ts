import { describe, expect, it } from 'vitest';
import { sanitiseLayerFile, topClasses } from './activations';

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

describe('top classes', () => {
  it('sorts a batch item best first and labels it, for any number of classes', () => {
    const scores = Float32Array.from([0.1, 0.5, 0.05, 0.3, 0.05]);
    expect(topClasses(scores, ['a', 'b', 'c', 'd', 'e'], 2)).toEqual([
      { class: 1, label: 'b', score: 0.5 },
      { class: 3, label: 'd', score: scores[3] },
    ]);
    // More classes than a spread argument list allows.
    const many = new Float32Array(300_000);
    many[123_456] = 1;
    expect(topClasses(many, [], 1)).toEqual([{ class: 123_456, label: '123456', score: 1 }]);
  });
});
