import { describe, expect, it } from 'vitest';
import { cutMiddle } from './text';

describe('cutMiddle', () => {
  it('keeps the start of a name and its end, which tell layers apart', () => {
    expect(cutMiddle('fire2/expand1x1', 10)).toBe('fire2/e…1x1');
    expect(cutMiddle('fire2/expand3x3', 10)).toBe('fire2/e…3x3');
    expect(cutMiddle('batch_normalization_5', 9)).toBe('batch_…n_5');
    expect(cutMiddle('batch_normalization_11', 7)).toBe('batch…11');
  });

  it('leaves a name that fits as it is, and gives nothing for nothing kept', () => {
    expect(cutMiddle('conv1', 5)).toBe('conv1');
    expect(cutMiddle('conv1', 9)).toBe('conv1');
    expect(cutMiddle('conv1', 0)).toBe('');
    expect(cutMiddle('conv1', 1)).toBe('c…');
  });
});
