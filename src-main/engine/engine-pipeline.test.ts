import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallNow } from '../../src-shared/clock';
import type { FrameResult } from '../../src-shared/contract';
import { Engine } from './engine';
import { assetsDir, decodePng, sharedData } from './testing/data';

describe('Engine pipeline (frames prepared on the host thread while the worker runs the previous one)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.create({ assetsDir, settings: { forceCpu: true } });
    await engine.loadModel({ bundled: 'squeezenet' });
    await engine.subscribe({ layers: [{ layer: 'conv1_2', channels: { topK: 2 } }, { layer: 'fire9/concat_2', channels: { topK: 1 } }] });
  }, 60_000);
  afterAll(() => engine.close());

  it('never runs a frame twice, returns results in order and always runs the newest frame', async () => {
    const photo = decodePng(readFileSync(resolve(sharedData, 'images/kitten_224.png')));
    const results: { r: FrameResult; newestPushed: number; at: number }[] = [];
    const pushedAt = new Map<number, number>();
    let pushed = 0;
    engine.onResult((r) => results.push({ r, newestPushed: pushed, at: wallNow() }));
    // Frames far faster than SqueezeNet runs: most arrive while the worker is busy.
    const start = performance.now();
    while (performance.now() - start < 1500) {
      pushedAt.set(++pushed, wallNow());
      engine.pushFrame({ id: pushed, t: performance.now(), ...photo });
      await new Promise((r) => setTimeout(r, 1));
    }
    const last = pushed;
    await expect.poll(() => results.at(-1)?.r.id, { timeout: 10_000 }).toBe(last);
    const ids = results.map((x) => x.r.id);
    expect(ids.length).toBeGreaterThan(5);
    // Strictly increasing: nothing twice, nothing out of order.
    ids.forEach((id, i) => i > 0 && expect(id).toBeGreaterThan(ids[i - 1]));
    // Every pushed frame was run or dropped, exactly once.
    const end = results.at(-1)!.r;
    expect(end.processed).toBe(ids.length);
    expect(end.processed + end.dropped).toBe(last);
    // Each result says when its frame reached the engine and when it left the worker (wall clock), and
    // the engine's stages fit between the two: what splits the round trip into send, wait and back.
    for (const { r, at } of results) {
      const { inAt, outAt, preprocessMs, inferenceMs, encodeMs } = r.timing;
      expect(inAt).toBeGreaterThanOrEqual(pushedAt.get(r.id)!);
      expect(outAt! - inAt!).toBeGreaterThanOrEqual(preprocessMs + inferenceMs + encodeMs - 0.5);
      // (The worker's clock and this thread's are each their own start time + a monotonic clock: allow 1 ms.)
      expect(outAt).toBeLessThanOrEqual(at + 1);
    }
    // When a result came back, the next frame run is the newest one pushed by then.
    for (let k = 0; k + 1 < results.length; k++) {
      if (results[k].newestPushed > results[k].r.id) expect(results[k + 1].r.id).toBe(results[k].newestPushed);
    }
  }, 30_000);

  it('frames that arrive while another model loads are prepared for the model that runs them', async () => {
    const photo = decodePng(readFileSync(resolve(sharedData, 'images/kitten_224.png')));
    const results: FrameResult[] = [];
    const errors: string[] = [];
    const offResult = engine.onResult((r) => results.push(r));
    const offEvent = engine.onEvent((e) => e.type === 'error' && errors.push(e.message));
    // A new model is on trial: its failed frames are counted quietly, so listen to the worker itself.
    const worker = engine['worker'];
    const onWorker = (m: { type: string; message?: string }) => m.type === 'frameError' && errors.push(m.message ?? '');
    worker.on('message', onWorker);
    let id = 100_000;
    // Keep SqueezeNet busy so a frame is waiting, prepared for it, when the switch to LeNet starts.
    const streaming = setInterval(() => engine.pushFrame({ id: ++id, t: performance.now(), ...photo }), 2);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const info = await engine.loadModel({ bundled: 'lenet' });
      expect(info.id).toBe('lenet');
      await expect.poll(() => results.some((r) => r.input.h === 28), { timeout: 10_000 }).toBe(true);
    } finally {
      clearInterval(streaming);
      worker.off('message', onWorker);
      offResult();
      offEvent();
    }
    // Every result after the switch carries LeNet's input and ten classes; no frame failed.
    const firstLenet = results.findIndex((r) => r.input.h === 28);
    for (const r of results.slice(firstLenet)) {
      expect(r.input.h).toBe(28);
      expect(r.probs.length).toBe(10);
    }
    expect(errors).toEqual([]);
  }, 30_000);
});
