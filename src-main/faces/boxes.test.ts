import { describe, expect, it } from 'vitest';
import { boxArea, iou, regressed, squared, type Box } from './boxes';

const box = (x1: number, y1: number, x2: number, y2: number, reg: Box['reg'] = [0, 0, 0, 0]): Box => ({ x1, y1, x2, y2, score: 1, reg });

describe('face boxes', () => {
  it('IoU: identical 1, disjoint or touching 0, half-shifted squares 1/3', () => {
    expect(iou(box(0, 0, 10, 10), box(0, 0, 10, 10))).toBe(1);
    expect(iou(box(0, 0, 10, 10), box(10, 0, 20, 10))).toBe(0);
    expect(iou(box(0, 0, 10, 10), box(30, 30, 40, 40))).toBe(0);
    expect(iou(box(0, 0, 10, 10), box(5, 0, 15, 10))).toBeCloseTo(50 / 150, 12);
    expect(boxArea(box(5, 5, 2, 9))).toBe(0);
  });

  it('regression moves each edge by its offset times the width or height', () => {
    const b = regressed(box(10, 20, 30, 60, [0.1, -0.25, 0.5, 0.05]));
    expect([b.x1, b.y1, b.x2, b.y2]).toEqual([12, 10, 40, 62]);
  });

  it('squaring keeps the centre and takes the longer side', () => {
    const tall = squared(box(10, 20, 30, 60));
    expect([tall.x1, tall.y1, tall.x2, tall.y2]).toEqual([0, 20, 40, 60]);
    const wide = squared(box(0, 0, 50, 10));
    expect([wide.x1, wide.y1, wide.x2, wide.y2]).toEqual([0, -20, 50, 30]);
  });
});
