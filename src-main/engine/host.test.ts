import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, ModelInfo, Response } from '../../src-shared/contract';
import { decodeResult, encodeFrame, isResult } from '../../src-shared/payload';
import { modelFormats } from '../importers/registry';
import { assetsDir, loadMnistTest, mnistDigit, paperDigit, repoRoot } from './testing/data';

// The host as the browser-mode server runs it: a Node child over an 'advanced' serialization link.
describe('engine host process (child_process link)', () => {
  let child: ChildProcess;
  const inbox: unknown[] = [];
  let waiters: (() => void)[] = [];
  const until = async <T>(pick: (m: unknown) => T | undefined, ms = 30_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      for (const m of inbox) {
        const v = pick(m);
        if (v !== undefined) return v;
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for the engine host');
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  let rid = 0;
  const request = async (msg: Record<string, unknown>): Promise<Response> => {
    const id = ++rid;
    child.send({ ...msg, rid: id });
    return until((m) => (typeof m === 'object' && m && (m as Response).rid === id ? (m as Response) : undefined));
  };

  beforeAll(async () => {
    child = fork(resolve(repoRoot, 'src-main/engine/host.ts'), ['--assets', assetsDir], {
      serialization: 'advanced',
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m) => {
      inbox.push(m);
      const w = waiters;
      waiters = [];
      w.forEach((f) => f());
    });
    await until((m) => ((m as { event?: EngineEvent }).event?.type === 'ready' ? true : undefined));
  });
  afterAll(() => {
    child?.kill();
  });

  it('answers requests, streams results for frames, and survives bad input', async () => {
    const list = await request({ type: 'listModels' });
    expect(list.ok && (list.result as { id: string }[]).map((m) => m.id)).toEqual(expect.arrayContaining(['mnist', 'squeezenet']));
    expect(await request({ type: 'listFormats' })).toMatchObject({ ok: true, result: modelFormats() });

    const loaded = await request({ type: 'loadModel', source: { bundled: 'mnist' } });
    expect(loaded.ok).toBe(true);
    const info = (loaded as { result: ModelInfo }).result;
    expect(info.provider).toBe('cpu');
    expect((await request({ type: 'subscribe', subscription: { layers: [{ layer: 'ReLU32_Output_0' }] } })).ok).toBe(true);

    const bad = await request({ type: 'subscribe', subscription: { layers: [{ layer: 'nope' }] } });
    expect(bad).toMatchObject({ ok: false, error: "subscribe: model mnist has no layer 'nope'" });
    const unknown = await request({ type: 'frobnicate' });
    expect(unknown).toMatchObject({ ok: false, error: "request 6: unknown request type 'frobnicate'" });
    const deep = await request({ type: 'subscribe', subscription: { layers: JSON.parse('['.repeat(100) + ']'.repeat(100)) } });
    expect(deep).toMatchObject({ ok: false, error: expect.stringMatching(/^request 7 \(subscribe\): .*deep/) });
    child.send('garbage');
    await until((m) => ((m as { event?: EngineEvent }).event?.type === 'error' ? true : undefined));

    const digits = loadMnistTest(1);
    const frame = paperDigit(mnistDigit(digits, 0));
    child.send(new Uint8Array(encodeFrame({ id: 42, t: 1, ...frame })));
    const result = await until((m) => (m instanceof ArrayBuffer && isResult(m) ? decodeResult(m) : undefined));
    expect(result.id).toBe(42);
    expect(Array.from(result.probs).indexOf(Math.max(...result.probs))).toBe(digits.labels[0]);
    expect(result.layers[0]).toMatchObject({ layer: 'ReLU32_Output_0', mapH: 28, mapW: 28 });
    expect(child.exitCode).toBeNull();
  });
});
