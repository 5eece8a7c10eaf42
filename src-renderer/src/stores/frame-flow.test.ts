import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FaceFinderSettings, ModelInfo } from '../../../src-shared/contract';
import { smallModel } from '../model/testing/small-model';
import { DEFAULT_CROP } from '../sources/crop';
import type { PictureSource } from '../sources/types';
import { shownFps } from '../scene/perf';
import { createFrameFlow } from './frame-flow';
import { resultFor, testEngine } from './testing/engine';
import { disposeRoots, inRoot } from './testing/roots';

/** A picture source whose pictures arrive when the test says so. */
function testPicture(): { source: PictureSource; picture: () => void; listeners: () => number } {
  const listeners = new Set<() => void>();
  return {
    source: {
      kind: 'test',
      name: 'test',
      element: {} as HTMLImageElement,
      size: () => ({ width: 640, height: 480 }),
      onPicture: (cb) => (listeners.add(cb), () => listeners.delete(cb)),
      close: () => listeners.clear(),
    },
    picture: () => listeners.forEach((cb) => cb()),
    listeners: () => listeners.size,
  };
}

function setup() {
  let clock = 0;
  const t = testEngine();
  const pic = testPicture();
  const [model, setModel] = createSignal<ModelInfo | null>(smallModel());
  const [detect, setDetect] = createSignal<FaceFinderSettings | null>(null);
  const { value: flow, dispose } = inRoot(() =>
    createFrameFlow({
      engine: t.engine,
      model,
      picture: () => pic.source,
      cropSquare: () => DEFAULT_CROP,
      droppedByLink: () => 3,
      detect,
      cutter: (_el, _rect, out) => new Uint8Array(out.width * out.height * 4),
      now: () => clock,
      afterPaint: (cb) => cb(),
      statsEveryMs: 100,
    }),
  );
  return { ...t, flow, dispose, picture: pic.picture, pictureListeners: pic.listeners, setModel, setDetect, tick: (ms: number) => (clock += ms) };
}

describe('frame flow', () => {
  afterEach(() => {
    disposeRoots();
    vi.useRealTimers();
  });

  it('sends one frame at a time at the size the model wants, and shows each result with its crop', () => {
    const s = setup();
    s.picture();
    s.picture();
    // LeNet-sized input: the crop travels at four times 28×28 for the digit pipeline.
    expect(s.frames.map((f) => [f.id, f.width, f.height])).toEqual([[1, 112, 112]]);
    s.result(resultFor(smallModel(), 1, 7));
    expect(s.flow.result()?.id).toBe(1);
    expect(s.flow.crop()?.rgba).toBe(s.frames[0].rgba);
    s.picture();
    expect(s.frames.map((f) => f.id)).toEqual([1, 2]);
    // A result that never comes back stops holding the link after a second.
    s.tick(1001);
    s.picture();
    expect(s.frames.map((f) => f.id)).toEqual([1, 2, 3]);
  });

  it('lets a second frame travel only while the engine needs less than half a camera interval', () => {
    const timed = (id: number, engineMs: number) => ({ ...resultFor(smallModel(), id), timing: { preprocessMs: engineMs / 2, inferenceMs: engineMs / 2, encodeMs: 0 } });
    const camera = (s: ReturnType<typeof setup>, n: number) => {
      for (let i = 0; i < n; i++) {
        s.tick(33);
        s.picture();
      }
    };
    // Camera at 30 fps, the engine takes 4 ms: the link sets the pace, two frames travel at once.
    const fast = setup();
    camera(fast, 1);
    fast.result(timed(1, 4));
    camera(fast, 3);
    expect(fast.frames.map((f) => f.id)).toEqual([1, 2, 3]);
    fast.result(timed(2, 4));
    camera(fast, 1);
    expect(fast.frames.map((f) => f.id)).toEqual([1, 2, 3, 4]);
    // The engine takes 25 ms of the 33 and the link 40 ms more: one frame at a time, so none waits in the mailbox.
    const slow = setup();
    camera(slow, 3);
    slow.result(timed(1, 25));
    camera(slow, 3);
    expect(slow.frames.map((f) => f.id)).toEqual([1, 2]);
  });

  it('sends the next frame one inference time after the last while the engine is the slowest stage', () => {
    const timed = (id: number, inferenceMs: number) => ({ ...resultFor(smallModel(), id), timing: { preprocessMs: 10, inferenceMs, encodeMs: 5 } });
    // A VGG-like engine (300 ms a frame) behind a link that takes 100 ms more: the engine is the limit.
    let t = 0;
    const advance = (s: ReturnType<typeof setup>, ms: number) => {
      t += ms;
      s.tick(ms);
    };
    /** Camera pictures every 33 ms until `end`. */
    const camera = (s: ReturnType<typeof setup>, end: number) => {
      while (t + 33 <= end) {
        advance(s, 33);
        s.picture();
      }
    };
    const slow = setup();
    camera(slow, 33);
    expect(slow.frames.map((f) => f.id)).toEqual([1]);
    advance(slow, 400);
    slow.result(timed(1, 285)); // sent at 33, back 400 ms later: 300 engine, 100 link
    camera(slow, 466);
    expect(slow.frames.map((f) => f.id)).toEqual([1, 2]);
    const secondAt = t;
    // Frame 2 is still travelling; frame 3 leaves once an inference time (285 ms) has passed since
    // frame 2 left, so it reaches the engine as frame 2 finishes — not at once, not after frame 2 is back.
    camera(slow, secondAt + 284);
    expect(slow.frames.map((f) => f.id)).toEqual([1, 2]);
    camera(slow, secondAt + 285 + 33);
    expect(slow.frames.map((f) => f.id)).toEqual([1, 2, 3]);
    // Two are travelling: nothing more leaves until a result comes back.
    camera(slow, secondAt + 700);
    expect(slow.frames.map((f) => f.id)).toEqual([1, 2, 3]);

    // Frames that waited in the engine (its stamps: in at 0, out at 420 for 300 ms of work) push the
    // next one back by that wait, so the wait drains instead of adding up.
    t = 0;
    const queued = setup();
    camera(queued, 33);
    advance(queued, 520);
    queued.result({ ...timed(1, 285), timing: { preprocessMs: 10, inferenceMs: 285, encodeMs: 5, inAt: 0, outAt: 420 } });
    camera(queued, t + 33);
    expect(queued.frames.map((f) => f.id)).toEqual([1, 2]);
    const queuedSecond = t;
    camera(queued, queuedSecond + 285 + 33);
    expect(queued.frames.map((f) => f.id)).toEqual([1, 2]); // 120 ms of waiting still to go
    camera(queued, queuedSecond + 285 + 120 + 33);
    expect(queued.frames.map((f) => f.id)).toEqual([1, 2, 3]);

    // The same engine behind a slower link (the link is the limit): one frame at a time.
    t = 0;
    const linkBound = setup();
    camera(linkBound, 33);
    advance(linkBound, 733);
    linkBound.result(timed(1, 285)); // 733 ms round trip: 300 engine, 433 link
    camera(linkBound, t + 1000);
    expect(linkBound.frames.map((f) => f.id)).toEqual([1, 2]);
  });

  it('holds the picture while frozen, re-runs it for new panels and shows the newest result on resume', () => {
    const s = setup();
    s.picture();
    s.result(resultFor(smallModel(), 1, 4));
    s.flow.toggleFreeze();
    expect(s.flow.frozen()).toBe(true);
    s.tick(2000);
    s.picture();
    expect(s.frames).toHaveLength(1);
    // The subscription changed: the frozen crop goes again and only its result is shown.
    s.flow.rerunFrozen();
    expect(s.frames[1].rgba).toBe(s.frames[0].rgba);
    s.result(resultFor(smallModel(), 2, 4));
    expect(s.flow.result()?.id).toBe(2);
    expect(s.flow.panelsFrozen()).toBe(true);
    // Other results keep arriving but are not shown until the picture is resumed.
    s.result(resultFor(smallModel(), 99, 1));
    expect(s.flow.result()?.id).toBe(2);
    s.flow.toggleFreeze();
    expect(s.flow.result()?.id).toBe(99);
  });

  it('counts each result once as shown when the panels have drawn it, and not one replaced before they did', () => {
    const paints: (() => void)[] = [];
    const s = testEngine();
    // The flow's clock starts past any result another test counted.
    const flow = inRoot(() =>
      createFrameFlow({
        engine: s.engine,
        model: () => smallModel(),
        picture: () => null,
        cropSquare: () => DEFAULT_CROP,
        droppedByLink: () => 0,
        now: () => 1e9 + clock,
        afterPaint: (cb) => paints.push(cb),
      }),
    ).value;
    let clock = 0;
    const paint = () => paints.splice(0).forEach((cb) => cb());
    // 25 results 100 ms apart, each drawn once: 10 a second.
    for (let i = 1; i <= 25; i++) {
      s.result(resultFor(smallModel(), i));
      clock += 16;
      paint();
      clock += 84;
    }
    expect(flow.result()?.id).toBe(25);
    expect(shownFps(1e9 + clock)).toBeCloseTo(10, 5);
    // Two results before the panels draw: only the newest is on screen, at the same rate. Then a stall.
    s.result(resultFor(smallModel(), 26));
    s.result(resultFor(smallModel(), 27));
    clock += 16;
    paint();
    expect(shownFps(1e9 + clock)).toBeCloseTo(10, 5);
    clock += 1000;
    expect(shownFps(1e9 + clock)).toBeLessThan(10);
    clock += 2000;
    expect(shownFps(1e9 + clock)).toBe(0);
  });

  it('drops results of the previous model and forgets its frames', () => {
    const s = setup();
    s.picture();
    s.flow.reset();
    s.setModel({ ...smallModel(), labels: ['cat', 'dog'] });
    s.result(resultFor(smallModel(), 1, 0));
    expect(s.flow.result()).toBeNull();
    // The unanswered frame of the old model does not hold the link.
    s.picture();
    expect(s.frames).toHaveLength(2);
  });

  it('reports the numbers of the status line', () => {
    vi.useFakeTimers();
    const s = setup();
    for (let i = 1; i <= 4; i++) {
      s.picture();
      s.result({ ...resultFor(smallModel(), i), dropped: 2 });
      s.tick(100);
    }
    vi.advanceTimersByTime(100);
    expect(s.flow.stats()).toEqual({ fps: 10, inferenceMs: 2, latencyMs: expect.any(Number), dropped: 2, droppedByLink: 3, facesMs: null });
  });

  it('sends the picture for the face finder while faces are followed and reports its time', () => {
    vi.useFakeTimers();
    const s = setup();
    s.setDetect({ minFace: 0.1, thresholds: [0.6, 0.7] });
    s.picture();
    expect(s.frames[0].detect).toMatchObject({ width: 320, height: 240, minFace: 0.1, thresholds: [0.6, 0.7] });
    const r = resultFor(smallModel(), 1);
    s.result({ ...r, timing: { ...r.timing, facesMs: 6 }, faces: [] });
    vi.advanceTimersByTime(100);
    expect(s.flow.stats().facesMs).toBe(6);
    // Back to the manual square: no detect picture, no face time.
    s.setDetect(null);
    s.picture();
    expect(s.frames[1].detect).toBeUndefined();
    s.result(resultFor(smallModel(), 2));
    vi.advanceTimersByTime(100);
    expect(s.flow.stats().facesMs).toBeNull();
  });

  it('lets go of the engine and the picture when its window goes', () => {
    vi.useFakeTimers();
    const s = setup();
    s.dispose();
    expect(s.listeners()).toBe(0);
    expect(s.pictureListeners()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
