import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent, ModelSource, UserSettings } from '../../src-shared/contract';
import { IPC } from '../../src-shared/ipc';
import { SettingsOwner } from '../supervisor/settings-owner';
import { SettingsStore } from '../supervisor/settings-store';
import { EngineConnection } from './engine-connection';
import { registerIpc, type InvokeEvent } from './ipc';
import { isOwnPage } from './own-page';
import { createNodeChannel, listenOn, spawnStandInHost } from './testing/stand-in-host';

const pageUrl = 'file:///opt/ConvScope/resources/app.asar/out/renderer/index.html';
const ownFrame: InvokeEvent = { senderFrame: { url: pageUrl, parent: null } };

describe('isOwnPage', () => {
  it('matches our renderer file, or the dev server origin, and nothing else', () => {
    expect(isOwnPage(`${pageUrl}#/x`, pageUrl)).toBe(true);
    expect(isOwnPage('file:///opt/ConvScope/resources/app.asar/out/renderer/index%2Ehtml', pageUrl)).toBe(true);
    for (const u of ['file:///tmp/evil.html', 'https://evil.example/', 'about:blank', '', 'not a url', 'file://host/opt/ConvScope/resources/app.asar/out/renderer/index.html']) {
      expect(isOwnPage(u, pageUrl), u).toBe(false);
    }
    expect(isOwnPage('http://localhost:5173/src/x.ts', 'http://localhost:5173/')).toBe(true);
    expect(isOwnPage('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isOwnPage('file:///opt/index.html', 'http://localhost:5173/')).toBe(false);
  });
});

describe('IPC handlers', () => {
  let dir: string;
  let conn: EngineConnection<MessagePort>;
  let settings: SettingsOwner;
  let announced: EngineEvent[];
  let handlers: Map<string, (event: InvokeEvent, ...args: unknown[]) => unknown>;
  const port: MessagePort[] = [];
  const invoke = async (channel: string, event: InvokeEvent, ...args: unknown[]) => handlers.get(channel)!(event, ...args);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convscope-ipc-'));
    conn = new EngineConnection({ spawn: spawnStandInHost, createChannel: createNodeChannel, log: () => {} });
    announced = [];
    settings = new SettingsOwner({
      store: new SettingsStore(join(dir, 'settings.json')),
      engine: conn,
      announce: (e) => announced.push(e),
      log: () => {},
    });
    const initial = await settings.load();
    conn.remember({ settings: initial.engine });
    handlers = new Map();
    registerIpc(
      { handle: (channel, listener) => handlers.set(channel, listener) },
      { pageUrl, settings, rememberModel: (model: ModelSource | undefined) => conn.remember({ model }), chooseModelFiles: async () => ['/m/a.onnx'] },
    );
    await conn.start();
  });

  afterEach(async () => {
    for (const p of port.splice(0)) p.close();
    await conn.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers only the top frame of our own page, with the right arguments', async () => {
    expect(await invoke(IPC.openModelDialog, ownFrame)).toEqual(['/m/a.onnx']);
    expect(await invoke(IPC.loadSettings, ownFrame)).toEqual({ engine: { forceCpu: false }, layouts: {} });
    const foreign: InvokeEvent = { senderFrame: { url: 'https://evil.example/', parent: null } };
    const subframe: InvokeEvent = { senderFrame: { url: pageUrl, parent: {} } };
    const gone: InvokeEvent = { senderFrame: null };
    for (const ev of [foreign, subframe, gone]) {
      await expect(invoke(IPC.openModelDialog, ev)).rejects.toThrow(/refused/);
      await expect(invoke(IPC.saveSettings, ev, { engine: { forceCpu: true }, layouts: {} })).rejects.toThrow(/refused/);
    }
    await expect(invoke(IPC.openModelDialog, ownFrame, 'extra')).rejects.toThrow(/expected 0 argument/);
    await expect(invoke(IPC.saveSettings, ownFrame)).rejects.toThrow(/expected 1 argument/);
    await expect(invoke(IPC.saveSettings, ownFrame, { engine: { forceCpu: 'yes' } })).rejects.toThrow(/forceCpu/);
    // Nothing was written by the refused calls.
    await expect(readFile(join(dir, 'settings.json'))).rejects.toThrow(/ENOENT/);
  });

  it('applies one "Force CPU" toggle once and announces the model on the new provider', async () => {
    const win = await conn.connect();
    port.push(win);
    const l = listenOn(win);
    win.postMessage({ rid: 1, type: 'loadModel', source: { bundled: 'lenet' } });
    await l.next((m) => m.rid === 1);
    const applied = async () => {
      const r = await conn.request({ type: 'state' });
      return r.ok ? (r.result as { settingsApplied: number }).settingsApplied : -1;
    };
    const before = await applied();
    const toggled: UserSettings = { engine: { forceCpu: true }, layouts: {} };
    await invoke(IPC.saveSettings, ownFrame, toggled);
    // A layout saved right after keeps the engine settings: nothing to apply.
    await invoke(IPC.saveSettings, ownFrame, { ...toggled, layouts: { lenet: { panels: [] } } });
    for (let i = 0; i < 200 && announced.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(announced).toEqual([{ type: 'modelLoaded', info: expect.objectContaining({ id: 'lenet', provider: 'cpu' }) }]);
    expect((await applied()) - before).toBe(1);
    const state = await conn.request({ type: 'state' });
    expect(state.ok && state.result).toMatchObject({ settings: { forceCpu: true } });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({ ...toggled, layouts: { lenet: { panels: [] } } });
  });

  it('remembers the saved last model for an engine restart', async () => {
    const lastModel = { paths: ['/m/net.prototxt', '/m/net.caffemodel'] };
    await invoke(IPC.saveSettings, ownFrame, { engine: { forceCpu: false }, layouts: {}, lastModel });
    expect(conn.lastGoodModel).toEqual(lastModel);
    expect(await invoke(IPC.loadSettings, ownFrame)).toMatchObject({ lastModel });
  });
});
