import { describe, expect, it } from 'vitest';
import { RateWindow, recordRenderCost, shownFps } from './perf';

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

describe('RateWindow', () => {
  it('gives the rate of uneven events, from the first ones on', () => {
    const w = new RateWindow();
    // 30 a second on average, alternately 20 and 46.7 ms apart.
    let t = 0;
    for (let i = 0; i < 30; i++) {
      w.mark(t);
      t += i % 2 ? 20 : 140 / 3;
    }
    // Under a second in, at the last event: the events so far over the time they span.
    expect(w.rate(t - 20)).toBeCloseTo(30, 0);
    for (let i = 0; i < 150; i++) {
      w.mark(t);
      t += i % 2 ? 20 : 140 / 3;
    }
    expect(Math.abs(w.rate(t) - 30)).toBeLessThanOrEqual(0.5);
  });

  it("reads a burst at the start as the events over the time since the first, not at the burst's rate", () => {
    const w = new RateWindow();
    // Four results 50 ms apart after a model loads (20 a second while they last), read 300 ms after the first.
    for (let i = 0; i < 4; i++) w.mark(i * 50);
    expect(w.rate(300)).toBeCloseTo(4 / 0.3, 5);
    // Steady events read at their rate just after the last one.
    const steady = new RateWindow();
    for (let i = 0; i < 4; i++) steady.mark(i * 100);
    expect(steady.rate(301)).toBeCloseTo(10, 5);
  });

  it('counts a burst after a stall at the rate of the whole window, not of the burst', () => {
    const w = new RateWindow();
    for (let at = 0; at <= 3000; at += 100) w.mark(at);
    // Nothing for 1.8 s, then 10 events 50 ms apart: 10 in the last 2 s.
    for (let i = 0; i < 10; i++) w.mark(4800 + i * 50);
    expect(w.rate(5250)).toBeCloseTo(5, 5);
    expect(w.rate(5250 + 2000)).toBe(0);
    w.clear();
    expect(w.rate(5250)).toBe(0);
  });
});
