import type { MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src-shared/contract';
import { EngineConnection } from './engine-connection';
import { createNodeChannel, listenOn, spawnStandInHost } from './testing/stand-in-host';

let current: EngineConnection<MessagePort> | null = null;
const ports: MessagePort[] = [];

afterEach(async () => {
  for (const p of ports.splice(0)) p.close();
  await current?.stop();
  current = null;
});

function connection(): EngineConnection<MessagePort> {
  current = new EngineConnection({
    spawn: spawnStandInHost,
    createChannel: createNodeChannel,
    log: () => {},
    readyTimeoutMs: 20_000,
    replayTimeoutMs: 20_000,
  });
  return current;
}

async function connect(conn: EngineConnection<MessagePort>) {
  const port = await conn.connect();
  ports.push(port);
  return { port, ...listenOn(port) };
}

const eventOf = (m: Record<string, unknown>) => (m.type === 'event' ? (m.event as EngineEvent) : undefined);
const isEvent = (type: EngineEvent['type']) => (m: Record<string, unknown>) => eventOf(m)?.type === type;

describe('EngineConnection', () => {
  it('hands the window a channel on which requests, events, frames and results go to and from the host', async () => {
    const conn = connection();
    await conn.start();
    const win = await connect(conn);
    await win.next(isEvent('ready'));
    win.port.postMessage({ rid: 1, type: 'loadModel', source: { bundled: 'lenet' } });
    expect(await win.next((m) => m.rid === 1)).toMatchObject({ ok: true, result: { id: 'lenet' } });
    await win.next(isEvent('modelLoaded'));
    win.port.postMessage(new Uint8Array([1, 2, 3]));
    for (let i = 0; i < 200 && !win.messages.some((m) => m instanceof Uint8Array); i++) await new Promise((r) => setTimeout(r, 10));
    expect(Array.from(win.messages.find((m) => m instanceof Uint8Array) as Uint8Array)).toEqual([3, 2, 1]);
    // The host mirrors its events to the main process, which remembers the model for a restart.
    expect(conn.lastGoodModel).toEqual({ bundled: 'lenet' });
  });

  it('gives a reloaded window a new channel to the same host, with the loaded model', async () => {
    const conn = connection();
    await conn.start();
    const first = await connect(conn);
    first.port.postMessage({ rid: 1, type: 'loadModel', source: { bundled: 'mnist' } });
    await first.next((m) => m.rid === 1);
    const pid = conn.pid;
    const second = await connect(conn);
    expect(eventOf(await second.next(isEvent('modelLoaded')))).toMatchObject({ info: { id: 'mnist' } });
    expect(conn.pid).toBe(pid);
  });

  it('replaces a crashed host, reloads the last good model and starts the new channel with the notice', async () => {
    const conn = connection();
    const restarts: (string | null)[] = [];
    conn.onRestarted((reason) => restarts.push(reason));
    await conn.start();
    const win = await connect(conn);
    win.port.postMessage({ rid: 1, type: 'loadModel', source: { bundled: 'lenet' } });
    await win.next(isEvent('modelLoaded'));
    const firstPid = conn.pid!;

    process.kill(firstPid, 'SIGKILL');
    for (let i = 0; i < 400 && restarts.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatch(/SIGKILL/);

    const again = await connect(conn);
    const reloaded = await again.next((m) => eventOf(m)?.type === 'modelLoaded');
    expect(eventOf(reloaded)).toMatchObject({ info: { id: 'lenet' } });
    // The notice was posted on the channel before the host was given it: it comes first.
    expect(again.messages[0]).toEqual({ type: 'event', event: { type: 'engineRestarted', reason: expect.stringMatching(/SIGKILL/) } });
    const state = await conn.request({ type: 'state' });
    expect(state.ok && state.result).toMatchObject({ model: { bundled: 'lenet' } });
    expect(conn.pid).not.toBe(firstPid);
  });

  it('tells the connected window when the last model cannot be reloaded after a crash', async () => {
    const conn = connection();
    const notices: EngineEvent[] = [];
    conn.onNotice((e) => notices.push(e));
    const windows: Awaited<ReturnType<typeof connect>>[] = [];
    conn.onRestarted(() => void connect(conn).then((w) => windows.push(w)));
    const channelMessages = () => windows.flatMap((w) => w.messages) as Record<string, unknown>[];
    await conn.start();
    conn.remember({ model: { bundled: 'broken' } });
    process.kill(conn.pid!, 'SIGKILL');
    const failed = (e: EngineEvent | undefined) => e?.type === 'error' && /could not be reloaded/.test(e.message);
    for (let i = 0; i < 400 && !notices.some(failed) && !channelMessages().some((m) => failed(eventOf(m))); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const onChannel = channelMessages().filter((m) => failed(eventOf(m)));
    expect(notices.filter(failed).length + onChannel.length).toBe(1);
    // The restart notice travels on the channel only, once.
    expect(notices.some((e) => e.type === 'engineRestarted')).toBe(false);
  });

  it('applies engine settings to the running host and remembers them for the next one', async () => {
    const conn = connection();
    await conn.start();
    const win = await connect(conn);
    win.port.postMessage({ rid: 1, type: 'loadModel', source: { bundled: 'lenet' } });
    await win.next((m) => m.rid === 1);
    const r = await conn.applyEngineSettings({ forceCpu: true });
    expect(r).toMatchObject({ ok: true, result: { id: 'lenet', provider: 'cpu' } });
    process.kill(conn.pid!, 'SIGKILL');
    await new Promise<void>((resolve) => conn.onRestarted(() => resolve()));
    await conn.whenReady();
    await connect(conn);
    for (let i = 0; i < 200; i++) {
      const s = await conn.request({ type: 'state' });
      if (s.ok && (s.result as { model: unknown }).model) break;
      await new Promise((res) => setTimeout(res, 25));
    }
    const state = await conn.request({ type: 'state' });
    expect(state.ok && state.result).toMatchObject({ settings: { forceCpu: true }, model: { bundled: 'lenet' }, settingsApplied: 1 });
  });
});
