import { describe, expect, it } from 'vitest';
import type { FrameResult } from '../../../src-shared/contract';
import { ClockOffset, FrameTrace, stagesText } from './frame-trace';

const result = (id: number, timing: FrameResult['timing']): FrameResult => ({ id, t: 0, probs: new Float32Array(0), input: { c: 0, h: 0, w: 0, data: new Uint8Array(0), min: 0, max: 0 }, layers: [], timing, dropped: 0, processed: 1 });

/** A trace on a clock the test moves by hand (wall-clock ms). */
function setup() {
  let t = 1_000_000;
  const trace = new FrameTrace(() => t);
  return { trace, at: (ms: number) => (t = 1_000_000 + ms) };
}

describe('frame trace', () => {
  it('splits one frame into its stages with the engine stamps', () => {
    const { trace, at } = setup();
    at(2); // the crop was read back 2 ms after the picture callback
    trace.captured(7, 1_000_000, 12, 'video frame');
    // The engine had the frame at 3 ms and the result left its worker at 13 ms: 1 + 6 + 1 ms of work.
    const timing = { preprocessMs: 1, inferenceMs: 6, encodeMs: 1, inAt: 1_000_003, outAt: 1_000_013 };
    trace.received(result(7, timing), 1_000_014, 0.5);
    at(30);
    const s = trace.drawn(7, 1_000_028, 2)!;
    expect(s).toEqual({
      id: 7,
      captureMs: 12,
      heldMs: 0,
      readbackMs: 2,
      cutFrom: 'video frame',
      sendMs: 1,
      queueMs: 2,
      preprocessMs: 1,
      inferenceMs: 6,
      encodeMs: 1,
      facesMs: null,
      backMs: 1,
      mainWaitMs: null,
      decodeMs: 0.5,
      frameWaitMs: 13.5,
      drawMs: 2,
      totalMs: 30,
      clockBoundMs: 1,
    });
    expect(trace.done).toEqual([s]);
  });

  it('counts the time a frame was held for the link apart from its read-back, and in the total', () => {
    const { trace, at } = setup();
    at(5); // came at 0, held until a result freed the link at 4 ms, read back by 5 ms
    trace.captured(3, 1_000_000, 1, 'camera frame', 1_000_004);
    trace.received(result(3, { preprocessMs: 1, inferenceMs: 1, encodeMs: 0, inAt: 1_000_006, outAt: 1_000_008 }), 1_000_009, 0);
    at(12);
    const s = trace.drawn(3, 1_000_010, 2)!;
    expect(s).toMatchObject({ heldMs: 4, readbackMs: 1, cutFrom: 'camera frame', sendMs: 1, backMs: 1, frameWaitMs: 1, totalMs: 12 });
  });

  it('tells the way back from the wait for the page’s main thread when a socket thread relayed the result, whatever the thread’s clock', () => {
    const { trace, at } = setup();
    // The socket thread's wall clock runs 4.6 ms ahead of the page's (each thread fixes its own origin).
    const THREAD_AHEAD = 4.6;
    const timing = (t0: number) => ({ preprocessMs: 1, inferenceMs: 6, encodeMs: 1, inAt: t0 + 3, outAt: t0 + 13 });
    // Frame 6: the socket thread had the result 1 ms after it left the engine, the idle page took it at once.
    at(-100 + 2);
    trace.captured(6, 1_000_000 - 100, null);
    trace.received(result(6, timing(1_000_000 - 100)), 1_000_000 - 100 + 14, 0.5, 1_000_000 - 100 + 14 + THREAD_AHEAD);
    at(-100 + 20);
    const first = trace.drawn(6, 1_000_000 - 100 + 18, 2)!;
    // Frame 7: the same way back, then the main thread took it 19 ms later.
    at(2);
    trace.captured(7, 1_000_000, null);
    trace.received(result(7, timing(1_000_000)), 1_000_033, 0.5, 1_000_014 + THREAD_AHEAD);
    at(40);
    const s = trace.drawn(7, 1_000_038, 2)!;
    expect([first.backMs, first.mainWaitMs]).toEqual([1, 0]);
    expect([s.sendMs, s.backMs, s.mainWaitMs, s.frameWaitMs, s.totalMs].map((x) => +x!.toFixed(9))).toEqual([1, 1, 19, 4.5, 40]);
    // The stages add up to the whole.
    const parts = s.readbackMs + s.sendMs! + s.queueMs! + 8 + s.backMs! + s.mainWaitMs! + s.decodeMs + s.frameWaitMs + s.drawMs;
    expect(parts).toBeCloseTo(s.totalMs, 9);
    expect(trace.medians().mainWaitMs).toBe(9.5);
  });

  it('counts the first relayed result’s wait for the page in its way back: there is nothing yet to tell the two apart', () => {
    const { trace, at } = setup();
    at(2);
    trace.captured(7, 1_000_000, null);
    trace.received(result(7, { preprocessMs: 1, inferenceMs: 6, encodeMs: 1, inAt: 1_000_003, outAt: 1_000_013 }), 1_000_033, 0.5, 1_000_014);
    at(40);
    const s = trace.drawn(7, 1_000_038, 2)!;
    // 1 ms there, 1 ms back and 19 ms of wait: all 21 ms go to the two ways, none to the wait.
    expect([s.sendMs! + s.backMs!, s.mainWaitMs, s.totalMs]).toEqual([21, 0, 40]);
  });

  it('leaves the engine split out when the result has no stamps, and never counts a draw that began before decoding', () => {
    const { trace, at } = setup();
    trace.captured(1, 1_000_000, null);
    trace.received(result(1, { preprocessMs: 1, inferenceMs: 1, encodeMs: 0, facesMs: 4 }), 1_000_010, 1);
    at(20);
    // The last frame draw began at 5 ms, before this result was read at 11 ms: the draw that showed it is
    // the one just finished, which began drawMs ago.
    const s = trace.drawn(1, 1_000_005, 3)!;
    expect(s.sendMs).toBeNull();
    expect(s.queueMs).toBeNull();
    expect(s.backMs).toBeNull();
    expect(s.facesMs).toBe(4);
    expect(s.frameWaitMs).toBe(6);
    expect(s.totalMs).toBe(20);
  });

  it('finishes nothing for frames it never saw captured or that never came back', () => {
    const { trace } = setup();
    expect(trace.drawn(3, 0, 0)).toBeNull(); // a frozen picture's re-run: not captured
    trace.captured(4, 1_000_000, null);
    expect(trace.drawn(4, 0, 0)).toBeNull(); // replaced in the mailbox: no result
    expect(trace.done).toEqual([]);
  });

  it('forgets the oldest frames on their way when too many never come back', () => {
    const { trace } = setup();
    for (let id = 1; id <= 100; id++) trace.captured(id, 1_000_000, null);
    trace.received(result(1, { preprocessMs: 0, inferenceMs: 0, encodeMs: 0 }), 1_000_000, 0);
    trace.received(result(100, { preprocessMs: 0, inferenceMs: 0, encodeMs: 0 }), 1_000_000, 0);
    expect(trace.drawn(1, 1_000_000, 0)).toBeNull();
    expect(trace.drawn(100, 1_000_000, 0)).not.toBeNull();
  });

  it('gives the latency as the median of camera → screen over the last frames, the slow first ones soon forgotten', () => {
    const trace = new FrameTrace(() => 1_000_000);
    expect(trace.latency()).toBeNull();
    // A slow first frame, then frames whose camera → page is known (2 ms) or not (an image).
    const frames: [number | null, number][] = [[null, 400], [2, 20], [2, 22], [null, 21], [2, 19]];
    frames.forEach(([captureMs, total], i) => {
      const id = i + 1;
      trace.captured(id, 1_000_000, captureMs);
      trace.received(result(id, { preprocessMs: 0, inferenceMs: 1, encodeMs: 0 }), 1_000_000 + total - 2, 0);
      trace.drawn(id, 1_000_000 + total - 1, 1);
    });
    expect(trace.done.map((s) => (s.captureMs ?? 0) + s.totalMs)).toEqual([400, 22, 24, 21, 21]);
    expect(trace.latency()).toBe(22);
    expect(trace.latency(4)).toBe(21.5);
  });

  it('keeps only the newest finished frames, as many as it was asked to', () => {
    const trace = new FrameTrace(() => 1_000_020, 5);
    for (let id = 1; id <= 12; id++) {
      trace.captured(id, 1_000_000, null);
      trace.received(result(id, { preprocessMs: 0, inferenceMs: 0, encodeMs: 0 }), 1_000_010, 0);
      trace.drawn(id, 1_000_015, 1);
    }
    expect(trace.done.map((s) => s.id)).toEqual([8, 9, 10, 11, 12]);
  });

  it('gives stage medians and words for the latency tooltip', () => {
    const { trace, at } = setup();
    for (const [id, inference] of [[1, 4], [2, 8], [3, 6]]) {
      at(0);
      trace.captured(id, 1_000_000, null);
      trace.received(result(id, { preprocessMs: 1, inferenceMs: inference, encodeMs: 0 }), 1_000_010, 0);
      at(20);
      trace.drawn(id, 1_000_015, 1);
    }
    const m = trace.medians();
    expect(m.inferenceMs).toBe(6);
    expect(m.totalMs).toBe(16);
    expect(m.sendMs).toBeUndefined();
    const text = stagesText(m);
    expect(text).toContain('inference: 6.0 ms');
    expect(text).toContain('page → screen: 16.0 ms');
    expect(text).not.toContain('send');
    expect(stagesText({})).toBe('');
  });

  it('splits the ways there and back right when the engine’s clock is 7 ms ahead of the page’s', () => {
    const { trace, at } = setup();
    const AHEAD = 7;
    // True ways there / back per frame: the fastest round trip (frame 2) took 1 ms each way.
    const ways = [[4, 3], [1, 1], [2, 6], [5, 2]];
    const out = ways.map(([there, back], i) => {
      const id = i + 1;
      const t0 = 1_000_000 + i * 100;
      at(i * 100);
      trace.captured(id, t0, null);
      const work = { preprocessMs: 1, inferenceMs: 2, encodeMs: 0 };
      const inAt = t0 + there + AHEAD;
      const outAt = inAt + 3;
      trace.received(result(id, { ...work, inAt, outAt }), outAt - AHEAD + back, 0);
      at(i * 100 + 50);
      return trace.drawn(id, 1_000_000 + i * 100 + 49, 1)!;
    });
    // Frame 1 came before the fastest one: its split is off by its own asymmetry ((4 − 3) / 2).
    expect([out[0].sendMs, out[0].backMs]).toEqual([3.5, 3.5]);
    // From the fastest frame on, the offset is known to within half its round trip (here exactly).
    expect(out.slice(1).map((s) => [s.sendMs, s.backMs])).toEqual([[1, 1], [2, 6], [5, 2]]);
    expect(trace.offset.estimate).toEqual({ offset: AHEAD, bound: 1 });
    // Each frame carries the bound that held when it was split: frame 1's error (0.5 ms) is within its 3.5.
    expect(out.map((s) => s.clockBoundMs)).toEqual([3.5, 1, 1, 1]);
    // The stages still add up to the whole: nothing is lost or counted twice by the correction.
    for (const s of out) expect(s.readbackMs + s.sendMs! + s.queueMs! + 3 + s.backMs!).toBeCloseTo(s.totalMs - s.frameWaitMs - s.drawMs - s.decodeMs, 9);
  });

  it('estimates the clock offset from the newest frames only', () => {
    const c = new ClockOffset(3);
    expect(c.estimate).toEqual({ offset: 0, bound: 0 });
    c.add(1 + 10, 1 - 10); // offset 10, round trip 2
    c.add(3 + 10, 3 - 10); // offset 10, round trip 6
    expect(c.estimate).toEqual({ offset: 10, bound: 1 });
    c.add(2 - 4, 2 + 4); // a new engine process whose clock is 4 ms behind, round trip 4
    expect(c.estimate.offset).toBe(10); // the old fastest frame is still in the window
    c.add(2 - 4, 2 + 4); // it has left the window now
    expect(c.estimate).toEqual({ offset: -4, bound: 2 });
  });
});
