// The engine under faults, with the real worker thread and onnxruntime: models that load and then
// fail or drag on every frame, a load that hangs, a cancelled load, a worker that keeps dying.
// Each fault costs the user one message and leaves the last good model running.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, FrameResult } from '../../src-shared/contract';
import { Engine } from './engine';
import { assetsDir, grayToRgba, loadMnistTest, mnistDigit } from './testing/data';
import { failsOnFrames, hangsOnLoad, slowOnFrames } from './testing/fault-models';

const mnist = loadMnistTest(20);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'convscope-faults-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An engine with its events and results recorded, and a frame source of MNIST digits. */
async function watched(limits?: Parameters<typeof Engine.create>[0]['limits']) {
  const engine = await Engine.create({ assetsDir, settings: { forceCpu: true }, ...(limits ? { limits } : {}) });
  const events: EngineEvent[] = [];
  const results: FrameResult[] = [];
  engine.onEvent((e) => e.type !== 'progress' && events.push(e));
  engine.onResult((r) => results.push(r));
  let id = 0;
  const errors = () => events.flatMap((e) => (e.type === 'error' ? [e.message] : []));
  return {
    engine,
    events,
    errors,
    /** Pushes digit frames until `until` holds (or fails after `ms`). */
    async stream(until: () => boolean, ms = 30_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!until()) {
        if (Date.now() > deadline) throw new Error(`condition not met; events: ${JSON.stringify(events.map((e) => (e.type === 'error' ? e.message : e.type)))}`);
        id++;
        engine.pushFrame({ id, t: performance.now(), width: 28, height: 28, rgba: grayToRgba(mnistDigit(mnist, id % mnist.count)) });
        await new Promise((r) => setTimeout(r, 30));
      }
    },
    /** A result for a frame pushed from now on. */
    async freshResult(): Promise<FrameResult> {
      const from = id;
      await this.stream(() => results.some((r) => r.id > from));
      return results.find((r) => r.id > from)!;
    },
  };
}

const mnistSource = { bundled: 'mnist' };

describe('Engine under faults', () => {
  it('goes back to the previous model, with its subscription, when a new one fails on every frame', async () => {
    const w = await watched();
    try {
      await w.engine.loadModel(mnistSource);
      await w.engine.subscribe({ layers: [{ layer: 'ReLU114_Output_0' }] });
      await w.freshResult();
      const failing = failsOnFrames(dir);
      const info = await w.engine.loadModel(failing);
      expect(info.id).toBe('fails-on-frames');
      await w.stream(() => w.engine.model?.id === 'mnist');
      const r = await w.freshResult();
      expect(r.layers.map((l) => l.layer)).toEqual(['ReLU114_Output_0']);
      expect(w.errors()).toHaveLength(1);
      expect(w.errors()[0]).toBe(
        "fails-on-frames.onnx loaded but fails on every frame (Reshape node 'bad_reshape': The input tensor cannot be reshaped to the requested shape. " +
          'Input shape:{1,1,28,28}, requested shape:{7,5}); going back to mnist.',
      );
    } finally {
      await w.engine.close();
    }
  });

  it('restarts a worker stuck on a frame with the last good model, with one message', async () => {
    const w = await watched({ frameMs: 300 });
    try {
      await w.engine.loadModel(mnistSource);
      await w.freshResult();
      await w.engine.loadModel(slowOnFrames(dir));
      await w.stream(() => w.errors().length > 0);
      expect(w.errors()).toEqual([expect.stringMatching(/^The inference worker stopped answering \(frame \d+ took longer than 300 ms\); it was restarted with MNIST/)]);
      expect(w.engine.model?.id).toBe('mnist');
      await w.freshResult();
      expect(w.errors()).toHaveLength(1);
    } finally {
      await w.engine.close();
    }
  });

  it('fails a load that stops making progress, naming the file, and keeps the previous model', async () => {
    // Long enough that starting the worker thread on a busy machine (it counts against the first
    // load) is not taken for a stall.
    const w = await watched({ loadStallMs: 6000 });
    const pipe = hangsOnLoad(dir);
    try {
      await w.engine.loadModel(mnistSource);
      const started = Date.now();
      await expect(w.engine.loadModel(pipe.source)).rejects.toThrow(/^loading hangs-on-load\.onnx stopped: no progress for 6 s$/);
      expect(Date.now() - started).toBeLessThan(20_000);
      await w.freshResult();
      expect(w.engine.model?.id).toBe('mnist');
      // The load's own error is the message; no second one.
      expect(w.errors()).toEqual([]);
    } finally {
      pipe.release();
      await w.engine.close();
    }
  });

  it('cancels a load in progress and carries on with the previous model', async () => {
    const w = await watched();
    const pipe = hangsOnLoad(join(mkdtempSync(join(dir, 'cancel-'))));
    try {
      await w.engine.loadModel(mnistSource);
      expect(w.engine.cancelLoad()).toBe(false);
      // Cancelling is not crashing: three cancels within a minute keep the model.
      for (let i = 0; i < 3; i++) {
        const loading = w.engine.loadModel(pipe.source);
        await new Promise((r) => setTimeout(r, 300));
        expect(w.engine.cancelLoad()).toBe(true);
        await expect(loading).rejects.toThrow(/loading was cancelled/);
        await w.freshResult();
        expect(w.engine.model?.id).toBe('mnist');
      }
      expect(w.errors()).toEqual([]);
    } finally {
      pipe.release();
      await w.engine.close();
    }
  });

  it('gives one message per worker death, drops the model after the third within a minute, and loads again on request', async () => {
    const w = await watched();
    const kill = () => (w.engine as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    try {
      await w.engine.loadModel(mnistSource);
      for (let death = 1; death <= 2; death++) {
        await kill();
        await w.stream(() => w.errors().length === death);
        await w.freshResult();
      }
      await kill();
      await w.stream(() => w.errors().length === 3);
      expect(w.errors()).toEqual([
        expect.stringMatching(/^The inference worker exited \(code 1\); it was restarted with MNIST/),
        expect.stringMatching(/^The inference worker exited \(code 1\); it was restarted with MNIST/),
        'The inference worker exited (code 1); it stopped 3 times within a minute, so it was restarted without a model. Choose a model to continue.',
      ]);
      expect(w.engine.model).toBeNull();
      await w.engine.loadModel(mnistSource);
      await w.freshResult();
      expect(w.errors()).toHaveLength(3);
    } finally {
      await w.engine.close();
    }
  });
});
