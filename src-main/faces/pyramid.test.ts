import { describe, expect, it } from 'vitest';
import { CELL, FACTOR, pyramidScales } from './pyramid';

describe('image pyramid', () => {
  it('starts where the smallest face becomes 12 px and shrinks by 0.709 while the shorter side keeps 12 px', () => {
    // 640×480, smallest face 60 px: 0.2, 0.1418, … down to the last scale with 480·s ≥ 12.
    const scales = pyramidScales(640, 480, 60);
    expect(scales[0]).toBeCloseTo(0.2, 12);
    for (let i = 1; i < scales.length; i++) expect(scales[i] / scales[i - 1]).toBeCloseTo(FACTOR, 12);
    expect(480 * scales[scales.length - 1]).toBeGreaterThanOrEqual(CELL);
    expect(480 * scales[scales.length - 1] * FACTOR).toBeLessThan(CELL);
    expect(scales).toHaveLength(7); // 96, 68.1, 48.3, 34.2, 24.3, 17.2, 12.2 px
  });

  it('never enlarges the picture, and a picture smaller than a cell has no levels', () => {
    expect(pyramidScales(100, 80, 5)[0]).toBe(1);
    expect(pyramidScales(11, 200, 12)).toEqual([]);
  });
});
