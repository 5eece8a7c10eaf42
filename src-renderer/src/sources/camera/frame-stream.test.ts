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
});
