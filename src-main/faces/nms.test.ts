import { describe, expect, it } from 'vitest';
import type { Box } from './boxes';
import { nms } from './nms';

const box = (x1: number, y1: number, side: number, score: number): Box => ({ x1, y1, x2: x1 + side, y2: y1 + side, score, reg: [0, 0, 0, 0] });

describe('non-maximum suppression', () => {
  it('keeps the best of overlapping boxes and every box that overlaps none, best first', () => {
    const a = box(0, 0, 10, 0.7);
    const b = box(1, 0, 10, 0.9); // IoU with a: 90 / 110
    const c = box(50, 50, 10, 0.8);
    const d = box(5, 0, 10, 0.95); // IoU with b: 60 / 140, with a: 50 / 150
    expect(nms([a, b, c, d], 0.5)).toEqual([d, b, c]);
    expect(nms([a, b, c, d], 0.4)).toEqual([d, c, a]);
    expect(nms([a, b, c, d], 0.3)).toEqual([d, c]);
  });

  it('threshold 1 keeps everything; no boxes gives none', () => {
    const all = [box(0, 0, 10, 0.1), box(0, 0, 10, 0.2)];
    expect(nms(all, 1)).toHaveLength(2);
    expect(nms([], 0.5)).toEqual([]);
  });
});
