import { describe, expect, it } from 'vitest';
import type { FaceFinderSettings, FrameMessage } from '../../../src-shared/contract';
import type { CropSquare } from './crop';
import { detectSize, FramePump, type Cutter, type PictureRect } from './frame-pump';
import type { PictureInfo, PictureSource } from './types';

/** A source whose pictures arrive when the test says so. */
function testSource(width: number, height: number) {
  const listeners = new Set<(info?: PictureInfo) => void>();
  const source: PictureSource = {
    kind: 'test',
    name: 'test picture',
    element: {} as HTMLImageElement,
    size: () => ({ width, height }),
    onPicture(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    close: () => listeners.clear(),
  };
  return { source, picture: (info?: PictureInfo) => listeners.forEach((cb) => cb(info)), listeners };
}

function setup() {
  let now = 1000;
  let crop: CropSquare = { cx: 0.5, cy: 0.5, size: 0.5 };
  let out: { width: number; height: number } | null = { width: 4, height: 4 };
  let paused = false;
  let detect: FaceFinderSettings | null = null;
  const sent: FrameMessage[] = [];
  const cuts: PictureRect[] = [];
  const cutter: Cutter = (_el, rect, size) => {
    cuts.push(rect);
    return new Uint8Array(size.width * size.height * 4).fill(cuts.length);
  };
  const pump = new FramePump({
    crop: () => crop,
    outSize: () => out,
    send: (f) => sent.push(f),
    paused: () => paused,
    detect: () => detect,
    cutter,
    now: () => now,
  });
  return {
    pump,
    sent,
    cuts,
    tick: (ms: number) => (now += ms),
    setCrop: (c: CropSquare) => (crop = c),
    setOut: (o: typeof out) => (out = o),
    setPaused: (p: boolean) => (paused = p),
    setDetect: (d: FaceFinderSettings | null) => (detect = d),
  };
}

describe('frame pump', () => {
  it('cuts the crop square out of every new picture, scales it and sends it', () => {
    const t = setup();
    const s = testSource(640, 480);
    t.pump.use(s.source);
    s.picture();
    // Half of the shorter side, centred: 240 px at (200, 120).
    expect(t.cuts).toEqual([{ x: 200, y: 120, width: 240, height: 240 }]);
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0]).toMatchObject({ id: 1, t: 1000, width: 4, height: 4 });
    // The crop view gets the same bytes and learns how large the square was in which picture.
    expect(t.pump.crops.get(1)).toMatchObject({ width: 4, height: 4, sourceSide: 240, from: 'test' });
    expect(t.pump.crops.get(1)!.rgba).toBe(t.sent[0].rgba);

    t.setCrop({ cx: 0, cy: 0, size: 0.25 });
    t.tick(100);
    s.picture();
    expect(t.cuts[1]).toEqual({ x: 0, y: 0, width: 120, height: 120 });
    expect(t.sent.map((f) => f.id)).toEqual([1, 2]);
  });

  it('sends nothing while paused or without a model, but keeps counting pictures', () => {
    const t = setup();
    const s = testSource(100, 100);
    t.pump.use(s.source);
    t.setPaused(true);
    for (let i = 0; i < 5; i++) {
      s.picture();
      t.tick(50);
    }
    t.setPaused(false);
    t.setOut(null);
    s.picture();
    expect(t.sent).toHaveLength(0);
    // One picture every 50 ms.
    expect(t.pump.fps).toBeCloseTo(20, 0);
    t.tick(2500);
    expect(t.pump.fps).toBe(0);
  });

  it('gives the true picture rate when pictures arrive unevenly', () => {
    const t = setup();
    const s = testSource(100, 100);
    t.pump.use(s.source);
    // 30 pictures per second on average, alternately 20 and 46.67 ms apart: an average of the
    // instantaneous rates (50 and 21.4 per second) would say 35.7.
    for (let i = 0; i < 200; i++) {
      s.picture();
      t.tick(i % 2 ? 20 : 140 / 3);
    }
    s.picture();
    expect(Math.abs(t.pump.fps - 30)).toBeLessThanOrEqual(0.5);
  });

  it('counts pictures by when the camera took them, not by when the browser handed them over', () => {
    const t = setup();
    const s = testSource(100, 100);
    t.pump.use(s.source);
    // A 10 fps camera whose frames reach the page two at a time (a busy page): counted on arrival,
    // 20 or 21 in two seconds at pairs 200 ms apart read as 10.5.
    for (let i = 0; i < 60; i += 2) {
      t.tick(200);
      const now = 1000 + (i / 2 + 1) * 200;
      for (const capturedAt of [now - 101, now - 1]) s.picture({ capturedAt });
    }
    expect(t.pump.fps).toBeCloseTo(10, 5);
  });

  it('counts the pictures by the time the source estimates they were taken before it knows their capture time', () => {
    const t = setup();
    const s = testSource(100, 100);
    t.pump.use(s.source);
    // A 10 fps camera's first eight frames come in a bunch 800 ms after the first was taken, then one
    // every 100 ms: counted on arrival, they read 33 fps.
    t.tick(800);
    for (let k = 0; k < 8; k++) s.picture({ takenAt: 1000 + k * 100 });
    for (let k = 8; k < 11; k++) {
      t.tick(100);
      s.picture({ takenAt: 1000 + k * 100 });
    }
    expect(t.pump.fps).toBeCloseTo(10, 5);
  });

  it('follows the source it is given and resends a kept crop under a new id', () => {
    const t = setup();
    const a = testSource(100, 100);
    const b = testSource(200, 100);
    t.pump.use(a.source);
    t.pump.use(b.source);
    expect(a.listeners.size).toBe(0);
    a.picture();
    expect(t.sent).toHaveLength(0);
    b.picture();
    expect(t.cuts).toEqual([{ x: 75, y: 25, width: 50, height: 50 }]);
    const id = t.pump.resend(t.pump.crops.get(1)!);
    expect(id).toBe(2);
    expect(t.sent[1].rgba).toBe(t.sent[0].rgba);
    t.pump.use(null);
    expect(b.listeners.size).toBe(0);
  });

  it('sends the whole picture scaled down for the face finder while faces are followed', () => {
    const t = setup();
    const s = testSource(640, 480);
    t.pump.use(s.source);
    s.picture();
    expect(t.sent[0].detect).toBeUndefined();

    t.setDetect({ minFace: 0.2, thresholds: [0.5, 0.8] });
    s.picture();
    // The classifier's crop still comes from the full-resolution picture; then the whole picture.
    expect(t.cuts.slice(1)).toEqual([
      { x: 200, y: 120, width: 240, height: 240 },
      { x: 0, y: 0, width: 640, height: 480 },
    ]);
    const d = t.sent[1].detect!;
    expect(d).toMatchObject({ width: 320, height: 240, minFace: 0.2, thresholds: [0.5, 0.8] });
    expect(d.rgba).toHaveLength(320 * 240 * 4);
    expect(t.sent[1]).toMatchObject({ width: 4, height: 4 });

    t.setDetect(null);
    s.picture();
    expect(t.sent[2].detect).toBeUndefined();
  });

  it('scales the detect picture to a longer side of at most 320 px and never enlarges it', () => {
    expect(detectSize(1280, 720)).toEqual({ width: 320, height: 180 });
    expect(detectSize(480, 640)).toEqual({ width: 240, height: 320 });
    expect(detectSize(200, 100)).toEqual({ width: 200, height: 100 });
  });

  it('cuts a frame the source hands over, holds the newest one while the link is busy and sends it when a result frees it', () => {
    let paused = false;
    const sent: FrameMessage[] = [];
    const cutFrom: unknown[] = [];
    let open = 0;
    /** A stand-in for a camera's VideoFrame: what the pump reads of one. */
    const frame = (name: string, w = 640, h = 480) => {
      const f = {
        name,
        displayWidth: w,
        displayHeight: h,
        closed: false,
        clone: () => {
          open++;
          return { ...f, name: `${name} (copy)`, close: () => open-- };
        },
        close: () => undefined,
      };
      return f as unknown as VideoFrame;
    };
    const cuts: PictureRect[] = [];
    const pump = new FramePump({
      crop: () => ({ cx: 0.5, cy: 0.5, size: 0.5 }),
      outSize: () => ({ width: 4, height: 4 }),
      send: (f) => sent.push(f),
      paused: () => paused,
      cutter: (el, rect, size) => {
        cutFrom.push((el as unknown as { name: string }).name);
        cuts.push(rect);
        return new Uint8Array(size.width * size.height * 4);
      },
      now: () => 1000,
    });
    const listeners = new Set<(info?: PictureInfo) => void>();
    const source: PictureSource = {
      kind: 'camera',
      name: 'test camera',
      element: {} as HTMLVideoElement,
      size: () => ({ width: 320, height: 240 }), // the element lags: the frame's own size counts
      onPicture(cb) {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
      close: () => listeners.clear(),
    };
    const picture = (f: VideoFrame) => listeners.forEach((cb) => cb({ frame: f, capturedAt: 990 }));
    pump.use(source);

    picture(frame('a'));
    expect(cutFrom).toEqual(['a']);
    expect(cuts[0]).toEqual({ x: 200, y: 120, width: 240, height: 240 });

    paused = true;
    picture(frame('b'));
    picture(frame('c')); // replaces b
    expect(sent).toHaveLength(1);
    expect(open).toBe(1);
    pump.resume(); // still busy: nothing
    expect(sent).toHaveLength(1);
    paused = false;
    pump.resume();
    expect(cutFrom).toEqual(['a', 'c (copy)']);
    expect(sent).toHaveLength(2);
    expect(open).toBe(0); // the copy was closed
    pump.resume(); // nothing held any more
    expect(sent).toHaveLength(2);

    // A held frame is let go when the source changes.
    paused = true;
    picture(frame('d'));
    expect(open).toBe(1);
    pump.use(null);
    expect(open).toBe(0);

    // Paused by a freeze rather than a busy link: nothing is held.
    const frozenPump = new FramePump({
      crop: () => ({ cx: 0.5, cy: 0.5, size: 0.5 }),
      outSize: () => ({ width: 4, height: 4 }),
      send: (f) => sent.push(f),
      paused: () => true,
      holdWhilePaused: () => false,
      cutter: () => new Uint8Array(64),
      now: () => 1000,
    });
    frozenPump.use(source);
    picture(frame('e'));
    expect(open).toBe(0);
    frozenPump.use(null);
  });
});
