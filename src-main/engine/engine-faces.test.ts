// The face finder inside the real Engine: a frame that brings a detect image gets its faces and their
// cost beside the classifier's result; a frame without one gets neither; a finder that cannot run
// leaves the classifier result intact and tells the user once.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_FINDER, type EngineEvent, type FrameResult } from '../../src-shared/contract';
import { readImage } from '../formats/image';
import { Engine } from './engine';
import { assetsDir, sharedData } from './testing/data';

describe('Engine: faces in frames that ask for them', () => {
  let engine: Engine;
  const results = new Map<number, FrameResult>();
  const events: EngineEvent[] = [];
  const photo = readImage(resolve(sharedData, 'faces/obama_small.jpg'));
  // The classifier input (the crop square): plain paper, which is all the digit model needs here.
  const crop = { width: 64, height: 64, rgba: new Uint8Array(64 * 64 * 4).fill(200) };

  async function result(id: number): Promise<FrameResult> {
    const deadline = Date.now() + 30_000;
    while (!results.has(id)) {
      if (Date.now() > deadline) throw new Error(`no result for frame ${id}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return results.get(id)!;
  }

  beforeAll(async () => {
    engine = await Engine.create({ assetsDir, settings: { forceCpu: true } });
    engine.onResult((r) => results.set(r.id, r));
    engine.onEvent((e) => events.push(e));
    await engine.loadModel({ bundled: 'mnist' });
  }, 60_000);
  afterAll(() => engine?.close());

  it('a frame with a detect image gets faces (fractions of that image) and facesMs', async () => {
    engine.pushFrame({ id: 1, t: 0, ...crop, detect: { ...photo, ...DEFAULT_FACE_FINDER } });
    const r = await result(1);
    expect(r.probs).toHaveLength(10);
    expect(r.faces).toHaveLength(1);
    const f = r.faces![0];
    // The face is in the middle of the picture, about 45 % of its height (by eye: x 108–215, y 55–185 of 320×240).
    expect(f.x * 320).toBeGreaterThan(70);
    expect((f.x + f.w) * 320).toBeLessThan(250);
    expect(f.h * 240).toBeGreaterThan(100);
    expect(f.score).toBeGreaterThan(0.9);
    expect(r.timing.facesMs).toBeGreaterThan(0);
  });

  it('a frame without one gets no faces and no facesMs', async () => {
    engine.pushFrame({ id: 2, t: 0, ...crop });
    const r = await result(2);
    expect(r.probs).toHaveLength(10);
    expect(r.faces).toBeUndefined();
    expect(r.timing.facesMs).toBeUndefined();
  });

  it('a picture without a face gives an empty list', async () => {
    const grey = { width: 160, height: 120, rgba: new Uint8Array(160 * 120 * 4).fill(128) };
    engine.pushFrame({ id: 3, t: 0, ...crop, detect: { ...grey, ...DEFAULT_FACE_FINDER } });
    expect((await result(3)).faces).toEqual([]);
  });

  it('when the finder cannot run, frames keep their classifier result and the user hears it once', async () => {
    const before = events.length;
    for (const id of [10, 11, 12]) {
      engine.pushFrame({ id, t: 0, ...crop, detect: { ...photo, minFace: -1, thresholds: [0.6, 0.7] } });
      const r = await result(id);
      expect(r.probs).toHaveLength(10);
      expect(r.faces).toBeUndefined();
    }
    const errors = events.slice(before).filter((e) => e.type === 'error');
    expect(errors).toEqual([{ type: 'error', message: 'face finder: minFace must be a positive fraction of the shorter side, got -1' }]);
  });
});
