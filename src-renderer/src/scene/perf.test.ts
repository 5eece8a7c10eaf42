import { describe, expect, it } from 'vitest';
import { recordRenderCost, shownFps } from './perf';

describe('shown fps', () => {
  it('counts the results drawn in the last two seconds, and falls to zero when drawing stops', () => {
    const start = 1_000_000;
    // 3 s of results drawn at 25 per second.
    for (let i = 0; i < 75; i++) recordRenderCost(2, start + i * 40);
    expect(shownFps(start + 74 * 40)).toBeCloseTo(25, 0);
    // Then every other one is skipped for 2 s.
    for (let i = 1; i <= 25; i++) recordRenderCost(2, start + 74 * 40 + i * 80);
    expect(shownFps(start + 74 * 40 + 25 * 80)).toBeCloseTo(12.5, 0);
    expect(shownFps(start + 74 * 40 + 25 * 80 + 2001)).toBe(0);
  });
});
