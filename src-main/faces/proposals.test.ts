import { describe, expect, it } from 'vitest';
import { proposals } from './proposals';

describe('P-Net proposals', () => {
  it('turns windows over the threshold into 12-px cells at stride 2, mapped back through the scale', () => {
    // 3 × 2 windows, x-major: window (i=2, j=1) is a face.
    const sx = 3;
    const sy = 2;
    const prob = new Float32Array(sx * sy);
    prob[2 * sy + 1] = 0.9;
    prob[0] = 0.59;
    const reg = new Float32Array(4 * sx * sy);
    for (let c = 0; c < 4; c++) reg[c * sx * sy + 2 * sy + 1] = (c + 1) / 10;
    const boxes = proposals({ prob, reg, sx, sy }, 0.5, 0.25, 0.6);
    expect(boxes).toHaveLength(1);
    const [b] = boxes;
    expect([b.x1, b.y1, b.x2, b.y2]).toEqual([4 / 0.5, 2 / 0.25, 16 / 0.5, 14 / 0.25]);
    expect(b.score).toBeCloseTo(0.9, 6);
    expect(b.reg.map((v) => +v.toFixed(6))).toEqual([0.1, 0.2, 0.3, 0.4]);
  });
});
