import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnNodeChild } from './node-child';
import { Supervisor } from './supervisor';

const fixture = fileURLToPath(new URL('./fixture-host.mjs', import.meta.url));

interface Harness {
  sup: Supervisor;
  messages: unknown[];
  /** Sends a client request and resolves with its response. */
  ask(body: Record<string, unknown>): Promise<{ rid: number; ok: boolean; result?: unknown; error?: string }>;
  waitFor(pred: (m: unknown) => boolean, ms?: number): Promise<unknown>;
}

let current: Supervisor | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

function harness(): Harness {
  const messages: unknown[] = [];
  const listeners = new Set<() => void>();
  const failed = new Map<number, (e: string) => void>();
  const sup = new Supervisor({
    spawn: () => spawnNodeChild({ file: fixture }),
    onMessage: (m) => {
      messages.push(m);
      for (const l of listeners) l();
    },
    onExit: (reason) => {
      for (const [, f] of failed) f(reason);
      failed.clear();
    },
    readyTimeoutMs: 20_000,
    replayTimeoutMs: 20_000,
  });
  current = sup;
  let rid = 1;
  const waitFor = (pred: (m: unknown) => boolean, ms = 20_000) =>
    new Promise<unknown>((resolve, reject) => {
      const check = () => {
        const hit = messages.find(pred);
        if (hit !== undefined) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error('timed out waiting for a message'));
      }, ms);
      listeners.add(check);
      check();
    });
  const ask = (body: Record<string, unknown>) => {
    const req = { ...body, rid: rid++ };
    sup.noteRequest(req);
    const answered = waitFor((m) => (m as { rid?: number }).rid === req.rid) as Promise<{ rid: number; ok: boolean }>;
    const lost = new Promise<never>((_, reject) => failed.set(req.rid, (e) => reject(new Error(e))));
    sup.send(req);
    return Promise.race([answered, lost]);
  };
  return { sup, messages, ask, waitFor };
}

/** An event meant for the user: an error or a restart notice. */
const isNotice = (m: unknown) => ['error', 'engineRestarted'].includes((m as { event?: { type?: string } }).event?.type ?? '');

const isRestarted = (m: unknown) =>
  (m as { type?: string; event?: { type?: string } }).type === 'event' &&
  (m as { event: { type: string } }).event.type === 'engineRestarted';

describe('Supervisor', () => {
  it('forwards binary frames and results through the child process', async () => {
    const h = harness();
    await h.sup.start();
    expect(h.sup.send(new Uint8Array([1, 2, 3]))).toBe(true);
    const result = (await h.waitFor((m) => m instanceof Uint8Array)) as Uint8Array;
    expect(Array.from(result)).toEqual([3, 2, 1]);
  });

  it('restarts a killed host, reloads the last good model and replays the subscription', async () => {
    const h = harness();
    await h.sup.start();
    const firstPid = h.sup.pid;
    expect((await h.ask({ type: 'setEngineSettings', settings: { forceCpu: true } })).ok).toBe(true);
    expect((await h.ask({ type: 'loadModel', source: { bundled: 'lenet' } })).ok).toBe(true);
    const sub = { layers: [{ layer: 'conv1' }, { layer: 'ip1', norm: 'layer' }] };
    expect((await h.ask({ type: 'subscribe', subscription: sub })).ok).toBe(true);
    // A failed load must not replace the last good model.
    expect((await h.ask({ type: 'loadModel', source: { bundled: 'broken' } })).ok).toBe(false);

    process.kill(firstPid!, 'SIGKILL');
    const ev = (await h.waitFor(isRestarted)) as { event: { reason: string } };
    expect(ev.event.reason).toMatch(/SIGKILL/);
    expect(h.sup.pid).not.toBe(firstPid);
    expect(h.sup.restartCount).toBe(1);

    const state = (await h.ask({ type: 'state' })).result as {
      model: unknown;
      subscription: unknown;
      settings: unknown;
      pid: number;
    };
    expect(state.pid).toBe(h.sup.pid);
    expect(state.model).toEqual({ bundled: 'lenet' });
    expect(state.subscription).toEqual(sub);
    expect(state.settings).toEqual({ forceCpu: true });
  });

  it('fails the request whose model crashed the host and comes back with the previous model', async () => {
    const h = harness();
    await h.sup.start();
    expect((await h.ask({ type: 'loadModel', source: { bundled: 'mnist' } })).ok).toBe(true);
    await expect(h.ask({ type: 'loadModel', source: { bundled: 'crash' } })).rejects.toThrow(/exit code 3/);
    await h.waitFor(isRestarted);
    const state = (await h.ask({ type: 'state' })).result as { model: unknown; subscription: unknown };
    expect(state.model).toEqual({ bundled: 'mnist' });
    // The subscription belonged to no model after the switch attempt; nothing stale is replayed.
    expect(state.subscription).toBeNull();
    // Frames flow again after the restart.
    h.messages.length = 0;
    h.sup.send(new Uint8Array([9, 8]));
    expect(Array.from((await h.waitFor((m) => m instanceof Uint8Array)) as Uint8Array)).toEqual([8, 9]);
  });

  it('applies engine settings from the settings file from the first start on, and live', async () => {
    const h = harness();
    h.sup.remember({ settings: { forceCpu: true } });
    await h.sup.start();
    let state = (await h.ask({ type: 'state' })).result as { settings: unknown };
    expect(state.settings).toEqual({ forceCpu: true });
    expect((await h.sup.applyEngineSettings({ forceCpu: false }))?.ok).toBe(true);
    state = (await h.ask({ type: 'state' })).result as { settings: unknown };
    expect(state.settings).toEqual({ forceCpu: false });
    expect(h.sup.lastGoodState.settings).toEqual({ forceCpu: false });
  });

  it('reloads the model the host went back to by itself, not the one it gave up on', async () => {
    const h = harness();
    await h.sup.start();
    expect((await h.ask({ type: 'loadModel', source: { bundled: 'lenet' } })).ok).toBe(true);
    expect((await h.ask({ type: 'loadModel', source: { paths: ['/m/fails.onnx'] } })).ok).toBe(true);
    expect(h.sup.lastGoodState.model).toEqual({ paths: ['/m/fails.onnx'] });
    h.messages.length = 0;
    expect((await h.ask({ type: 'goBack', source: { bundled: 'lenet' } })).ok).toBe(true);
    // The host announces the model it went back to after answering; wait for that event (the
    // announcement of the failing model may still be on its way, so match the model's id).
    await h.waitFor((m) => {
      const event = (m as { event?: { type?: string; info?: { id?: string } } }).event;
      return event?.type === 'modelLoaded' && event.info?.id === 'lenet';
    });
    expect(h.sup.lastGoodState.model).toEqual({ bundled: 'lenet' });
    process.kill(h.sup.pid!, 'SIGKILL');
    await h.waitFor(isRestarted);
    expect(((await h.ask({ type: 'state' })).result as { model: unknown }).model).toEqual({ bundled: 'lenet' });
  });

  it('stops replaying a model that keeps crashing the host', async () => {
    const h = harness();
    await h.sup.start();
    // Tell the supervisor (as Electron does) that 'crash' is the last good model: every restart
    // then dies while reloading it, until the supervisor gives up on that model.
    h.sup.remember({ model: { bundled: 'crash' } });
    process.kill(h.sup.pid!, 'SIGKILL');
    const restarted = (await h.waitFor(isRestarted, 30_000)) as { event: { reason: string; withoutModel?: string } };
    // One notice for the clients, saying the model was left out and why; nothing that contradicts it.
    expect(restarted.event.withoutModel).toBe('it crashed 3 times within a minute. Choose a model to continue.');
    expect(restarted.event.reason).toMatch(/exit code 3/);
    expect(h.messages.filter((m) => (m as { type?: string }).type === 'event' && isNotice(m))).toEqual([restarted]);
    expect(h.sup.lastGoodState.model).toBeUndefined();
    expect((await h.ask({ type: 'state' })).ok).toBe(true);
  });

  it('says in its one restart notice when the last model could not be reloaded', async () => {
    const h = harness();
    await h.sup.start();
    h.sup.remember({ model: { bundled: 'broken' } });
    process.kill(h.sup.pid!, 'SIGKILL');
    const restarted = (await h.waitFor(isRestarted)) as { event: { withoutModel?: string } };
    expect(restarted.event.withoutModel).toBe('the last model could not be reloaded: broken.onnx: not a model');
    expect(h.messages.filter(isNotice)).toEqual([restarted]);
  });
});
