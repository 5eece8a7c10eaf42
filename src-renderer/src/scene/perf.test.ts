import { describe, expect, it } from 'vitest';
import { RateWindow, recordShown, shownFps } from './perf';

describe('shown fps', () => {
  it('counts the results drawn in the last two seconds, and falls to zero when drawing stops', () => {
    const start = 1_000_000;
    // 3 s of results drawn at 25 per second.
    for (let i = 0; i < 75; i++) recordShown(start + i * 40);
    expect(shownFps(start + 74 * 40)).toBeCloseTo(25, 0);
    // Then every other one is skipped for 2 s.
    for (let i = 1; i <= 25; i++) recordShown(start + 74 * 40 + i * 80);
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

  it('reads steady events drawn at the display’s frames at their rate wherever the window’s edges fall', () => {
    // A 10 fps camera (a frame every 99.6 or 100.4 ms by its own clock), each result drawn at the
    // next 60 Hz display frame: 100 ms apart, now and then 83 or 117. Two seconds then hold 20
    // results, or 21 or 19 when they fall just so; counting alone read 10.5 or 9.5 then, "shown"
    // above or below the camera's 10 with nothing wrong.
    const frame = 1000 / 60;
    for (const period of [99.6, 100.4]) {
      const w = new RateWindow();
      const reads: number[] = [];
      for (let i = 0; i < 200; i++) {
        const at = Math.ceil((i * period + 3) / frame) * frame;
        w.mark(at);
        // Read at every display frame up to the next result.
        if (at > 2500) for (let k = 0; k < 7; k++) reads.push(w.rate(at + k * frame));
      }
      expect(Math.max(...reads), `every ${period} ms`).toBeLessThan(10.1);
      expect(Math.min(...reads), `every ${period} ms`).toBeGreaterThan(9.9);
    }
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
    // Nothing for 1.8 s, then 10 events 50 ms apart: 10 in the last 2 s (read as at most one more).
    for (let i = 0; i < 10; i++) w.mark(4800 + i * 50);
    expect(w.rate(5250)).toBeCloseTo(5.5, 5);
    expect(w.rate(5250 + 2000)).toBe(0);
    w.clear();
    expect(w.rate(5250)).toBe(0);
  });
});
