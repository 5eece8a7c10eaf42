import { describe, expect, it } from 'vitest';
import { CaptureClock } from './frame-stream';

describe('capture clock', () => {
  it('learns the capture clock from frames the stream and the element both saw', () => {
    const clock = new CaptureClock();
    // Capture clock µs = (page ms + 5000) · 1000; frames every 33.3 ms, arriving 1 ms after capture.
    const ts = (pageMs: number) => (pageMs + 5000) * 1000;
    expect(clock.toPage(ts(100))).toBeUndefined();
    for (let k = 0; k < 20; k++) {
      const captured = 100 + k * 33.3;
      clock.arrived(ts(captured), captured + 1);
      // The element's callback for it comes with the next rendering step, up to a display frame later.
      clock.elementFrame(captured, captured + 1 + (k % 3) * 7);
    }
    expect(clock.toPage(ts(900))).toBeCloseTo(900, 6);
  });

  it('pairs nothing when more than one stream frame could be the element frame, or none', () => {
    const clock = new CaptureClock();
    clock.arrived(1_000_000, 10);
    clock.arrived(1_033_000, 12); // two arrived in the window
    clock.elementFrame(9, 20);
    expect(clock.toPage(1_000_000)).toBeUndefined();
    clock.elementFrame(50, 60); // none arrived after this capture
    expect(clock.toPage(1_000_000)).toBeUndefined();
    // A wrong pairing now and then does not move the median.
    const c2 = new CaptureClock();
    for (let k = 0; k < 9; k++) {
      c2.arrived((k * 33 + 7000) * 1000, k * 33 + 1);
      c2.elementFrame(k === 4 ? k * 33 - 0.4 : k * 33, k * 33 + 5);
    }
    expect(c2.toPage(7000 * 1000)).toBeCloseTo(0, 6);
  });

  it('dates frames by their own spacing before it has learned the capture clock', () => {
    const clock = new CaptureClock();
    const ts = (pageMs: number) => (pageMs + 5000) * 1000;
    expect(clock.takenAt(ts(0))).toBeUndefined();
    // The stream's first four frames, captured 100 ms apart, handed over within 3 ms.
    const captured = [0, 100, 200, 300];
    const taken = captured.map((c, k) => {
      clock.arrived(ts(c), 350 + k);
      return clock.takenAt(ts(c))!;
    });
    // None is dated after it arrived; once all four are in, the quickest (the last, 53 ms after its
    // capture) counts as captured on arrival and the others keep their 100 ms spacing before it.
    taken.forEach((t, k) => expect(t).toBeLessThanOrEqual(350 + k));
    expect(clock.takenAt(ts(300))! - clock.takenAt(ts(0))!).toBeCloseTo(300, 6);
    expect(clock.takenAt(ts(300))).toBeCloseTo(353, 6);
    expect(clock.toPage(ts(300))).toBeUndefined();
    // Once the element's callbacks have taught the clock, its estimate gives way to the learned one.
    for (let k = 4; k < 10; k++) {
      clock.arrived(ts(k * 100), k * 100 + 1);
      clock.elementFrame(k * 100, k * 100 + 5);
    }
    expect(clock.takenAt(ts(950))).toBeCloseTo(950, 6);
  });
});
