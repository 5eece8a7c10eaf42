import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeFrame, encodeResult, isResult, messageFrameId } from '../../src-shared/payload';
import { safeFileName } from './api';
import type { WebServer } from './app';
import { startTestServer, type TestServer } from './testing/test-server';

let running: TestServer;
let server: WebServer;
let dir: string;
let origin: string;

beforeAll(async () => {
  running = await startTestServer('web-test');
  ({ server, dir, origin } = running);
});

afterAll(() => running?.stop());

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function http(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A 1×1 frame whose pixel bytes are all `value`. */
function frame(id: number, value: number): Buffer {
  return Buffer.from(encodeFrame({ id, t: 0, width: 1, height: 1, rgba: new Uint8Array(4).fill(value) }));
}

function connect(
  headers: Record<string, string>,
  query = `?token=${server.token}`,
  onMessage?: (data: Buffer, binary: boolean) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/engine${query}`, { headers });
    if (onMessage) ws.on('message', onMessage);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('browser-mode server', () => {
  it('prints a loopback URL carrying a 128-bit hex token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
  });

  it('serves the renderer and nothing outside it', async () => {
    const index = await http('GET', '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.body).toContain('<title>ConvScope</title>');
    expect((await http('GET', '/assets/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await http('GET', '/../secret.txt')).status).toBe(404);
    expect((await http('GET', '/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    expect((await http('GET', '/', { Host: `evil.example:${server.port}` })).status).toBe(421);
  });

  it('needs the token and a matching Origin for the API', async () => {
    expect((await http('GET', '/api/settings')).status).toBe(401);
    expect((await http('GET', '/api/settings', { 'x-convscope-token': 'f'.repeat(32) })).status).toBe(401);
    const foreign = await http('GET', '/api/settings', { 'x-convscope-token': server.token, Origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const ok = await http('GET', '/api/settings', { 'x-convscope-token': server.token, Origin: origin });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ engine: { forceCpu: false }, layouts: {} });
  });

  it('stores settings in the config folder and rejects malformed ones with a message', async () => {
    const settings = { engine: { forceCpu: true }, layouts: { lenet: { panels: [] } }, lastModel: { bundled: 'lenet' } };
    const put = await http('PUT', `/api/settings?token=${server.token}`, { 'Content-Type': 'application/json', Origin: origin }, JSON.stringify(settings));
    expect(put.status).toBe(200);
    expect(JSON.parse(await readFile(join(dir, 'config', 'settings.json'), 'utf8'))).toEqual(settings);
    const back = await http('GET', `/api/settings?token=${server.token}`);
    expect(JSON.parse(back.body)).toEqual(settings);
    const bad = await http('PUT', `/api/settings?token=${server.token}`, { Origin: origin }, '{"engine":{"forceCpu":"yes"}}');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/forceCpu/);
    const notJson = await http('PUT', `/api/settings?token=${server.token}`, { Origin: origin }, '{engine');
    expect(notJson.status).toBe(400);
    // The last good settings are kept.
    expect(JSON.parse((await http('GET', `/api/settings?token=${server.token}`)).body)).toEqual(settings);
    // "Force CPU" reached the engine host.
    for (let i = 0; i < 100 && !server.supervisor.lastGoodState.settings?.forceCpu; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.supervisor.lastGoodState.settings).toEqual({ forceCpu: true });
  });

  it('stores uploads under a plain file name and returns their path', async () => {
    const body = Buffer.from([0, 1, 2, 3, 250]);
    const up = await http('POST', `/api/upload?token=${server.token}&name=${encodeURIComponent('../../my net.onnx')}`, { Origin: origin }, body);
    expect(up.status).toBe(200);
    const { path } = JSON.parse(up.body) as { path: string };
    expect(path.endsWith('my net.onnx')).toBe(true);
    expect(path).not.toContain('..');
    expect(Array.from(await readFile(path))).toEqual(Array.from(body));
    expect(safeFileName('C:\\x\\..\\lenet.caffemodel')).toBe('lenet.caffemodel');
    expect(safeFileName('..')).toBe('');
  });

  it('drops every engine socket on the debug request, so a fault test can cut the page off', async () => {
    const ws = await connect({ Origin: origin });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const res = await http('POST', '/api/debug/drop-sockets', { Origin: origin, 'x-convscope-token': server.token });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { dropped: number }).dropped).toBeGreaterThanOrEqual(1);
    // Terminated, not closed politely: the client sees an abnormal closure, as after a network drop.
    expect(await closed).toBe(1006);
  });

  it('refuses WebSocket connections without the token or from another origin', async () => {
    await expect(connect({ Origin: origin }, '')).rejects.toThrow(/401/);
    await expect(connect({ Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect({})).rejects.toThrow(/403/);
  });

  it('sends each result to the tab whose frame it answers, however the tabs interleave', async () => {
    const got: Record<string, Buffer[]> = { a: [], b: [] };
    const a = await connect({ Origin: origin }, undefined, (d, bin) => bin && got.a.push(d));
    const b = await connect({ Origin: origin }, undefined, (d, bin) => bin && got.b.push(d));
    // Both tabs number their frames from 1; the pixel value says which tab a frame came from.
    for (let id = 1; id <= 5; id++) {
      a.send(frame(id, 10 + id), { binary: true });
      b.send(frame(id, 20 + id), { binary: true });
    }
    for (let i = 0; i < 200 && got.a.length + got.b.length < 10; i++) await new Promise((r) => setTimeout(r, 25));
    const seen = (list: Buffer[]) => list.map((r) => ({ id: messageFrameId(r), pixel: r[8] }));
    expect(seen(got.a)).toEqual([1, 2, 3, 4, 5].map((id) => ({ id, pixel: 10 + id })));
    expect(seen(got.b)).toEqual([1, 2, 3, 4, 5].map((id) => ({ id, pixel: 20 + id })));
    a.close();
    b.close();
  });

  it('refuses binary messages that are not frames, answering only the tab that sent them', async () => {
    const state = async () => ((await server.supervisor.request({ type: 'state' })) as { result: { frames: number } }).result.frames;
    const heard: Record<string, string[]> = { a: [], b: [] };
    const a = await connect({ Origin: origin }, undefined, (d, bin) => !bin && heard.a.push(d.toString()));
    const b = await connect({ Origin: origin }, undefined, (d, bin) => !bin && heard.b.push(d.toString()));
    const before = await state();
    const resultShaped = Buffer.from(encodeResult({
      id: 1, t: 0, probs: new Float32Array([1]), input: { c: 1, h: 1, w: 1, data: new Uint8Array(1), min: 0, max: 1 },
      layers: [], timing: { preprocessMs: 0, inferenceMs: 0, encodeMs: 0 }, dropped: 0, processed: 1,
    }));
    for (const m of [resultShaped, Buffer.from([1, 2, 3])]) a.send(m, { binary: true });
    for (let i = 0; i < 100 && heard.a.filter((t) => t.includes('not an encoded frame')).length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(heard.a.filter((t) => t.includes('binary message is not an encoded frame'))).toHaveLength(2);
    expect(heard.b.filter((t) => t.includes('not an encoded frame'))).toEqual([]);
    expect(await state()).toBe(before);
    a.close();
    b.close();
  });

  it('routes requests, responses, frames and results between the socket and the engine host', async () => {
    const messages: { binary: boolean; data: Buffer }[] = [];
    const ws = await connect({ Origin: origin }, undefined, (data, binary) => messages.push({ binary, data }));
    const waitFor = async (pred: (m: { binary: boolean; data: Buffer }) => boolean) => {
      for (let i = 0; i < 200; i++) {
        const hit = messages.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no such message; got ${JSON.stringify(messages.map((m) => (m.binary ? [...m.data] : m.data.toString())))}`);
    };
    const json = (m: { data: Buffer }) => JSON.parse(m.data.toString()) as Record<string, unknown>;
    await waitFor((m) => !m.binary && json(m).type === 'event');
    ws.send(JSON.stringify({ rid: 41, type: 'loadModel', source: { bundled: 'lenet' } }));
    const res = json(await waitFor((m) => !m.binary && json(m).rid === 41));
    expect(res).toMatchObject({ rid: 41, ok: true, result: { id: 'lenet', source: 'bundled' } });
    const sent = frame(7, 99);
    ws.send(sent, { binary: true });
    const result = await waitFor((m) => m.binary);
    expect(isResult(result.data) && messageFrameId(result.data)).toBe(7);
    expect(Array.from(result.data.subarray(8))).toEqual(Array.from(sent.subarray(8)).reverse());

    // Kill the host: the client hears about it, then gets a restarted host with its model.
    const { pid } = JSON.parse((await http('GET', `/api/debug/engine?token=${server.token}`)).body) as { pid: number };
    process.kill(pid, 'SIGKILL');
    const restarted = await waitFor((m) => !m.binary && (json(m).event as { type?: string } | undefined)?.type === 'engineRestarted');
    expect(String((json(restarted).event as { reason: string }).reason)).toMatch(/SIGKILL/);
    // One notice for the crash: the restart, and no error beside it.
    const notices = messages.filter((m) => !m.binary && ['error', 'engineRestarted'].includes(String((json(m).event as { type?: string } | undefined)?.type)));
    expect(notices).toEqual([restarted]);
    await server.supervisor.whenReady();
    const state = await server.supervisor.request({ type: 'state' });
    expect(state.ok && (state.result as { model: unknown }).model).toEqual({ bundled: 'lenet' });
    // The settings test above saved "force CPU": the restarted host got it too.
    expect(state.ok && (state.result as { settings: unknown }).settings).toEqual({ forceCpu: true });
    expect(state.ok && (state.result as { pid: number }).pid).not.toBe(pid);
    ws.close();
  });

  it('checks each request before it reaches the engine and keeps serving the tab', async () => {
    const t = await tab();
    t.ws.send('{not json');
    expect(await t.next((m) => (m.event as { type?: string } | undefined)?.type === 'error')).toEqual({ type: 'event', event: { type: 'error', message: 'malformed request (not JSON)' } });
    t.ws.send(JSON.stringify({ rid: 7, type: 'loadModel', source: 0 }));
    expect(await t.next((m) => m.rid === 7)).toMatchObject({ rid: 7, ok: false, error: expect.stringMatching(/source must be/) });
    t.ws.send(`{"rid":8,"type":"loadModel","source":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(await t.next((m) => m.rid === 8)).toMatchObject({ rid: 8, ok: false, error: expect.stringMatching(/nested deeper/) });
    t.ws.send(JSON.stringify({ rid: 9, type: 'state' }));
    expect(await t.next((m) => m.rid === 9)).toMatchObject({ rid: 9, ok: false, error: expect.stringMatching(/unknown request type 'state'/) });
    t.ws.send(JSON.stringify({ rid: 10, type: 'subscribe', subscription: { layers: [{ layer: 'conv1', norm: 'all' }] } }));
    expect(await t.next((m) => m.rid === 10)).toMatchObject({ rid: 10, ok: false, error: expect.stringMatching(/layers\[0\]\.norm/) });
    // None of them reached the engine; a good request still does.
    t.ws.send(JSON.stringify({ rid: 11, type: 'loadModel', source: { bundled: 'lenet' } }));
    expect(await t.next((m) => m.rid === 11)).toMatchObject({ rid: 11, ok: true, result: { id: 'lenet' } });
    t.ws.close();
  });

  it('applies one "Force CPU" toggle once, through the settings, and tells every tab the new provider', async () => {
    const a = await tab();
    const b = await tab();
    a.ws.send(JSON.stringify({ rid: 1, type: 'loadModel', source: { bundled: 'lenet' } }));
    await a.next((m) => m.rid === 1);
    const applied = async () => {
      const r = await server.supervisor.request({ type: 'state' });
      return r.ok ? (r.result as { settingsApplied: number }).settingsApplied : -1;
    };
    const before = await applied();
    const saved = JSON.parse((await http('GET', `/api/settings?token=${server.token}`)).body) as { engine: { forceCpu: boolean } };
    const forceCpu = !saved.engine.forceCpu;
    const put = (body: unknown) =>
      http('PUT', `/api/settings?token=${server.token}`, { 'Content-Type': 'application/json', Origin: origin }, JSON.stringify(body));
    expect((await put({ ...saved, engine: { forceCpu } })).status).toBe(200);
    // What the renderer used to do as well: ask the engine itself. Pages may not; the settings own it.
    a.ws.send(JSON.stringify({ rid: 2, type: 'setEngineSettings', settings: { forceCpu } }));
    expect(await a.next((m) => m.rid === 2)).toMatchObject({ ok: false, error: expect.stringMatching(/not accepted/) });
    // A later save with the same engine settings (a layout change) applies nothing.
    expect((await put({ ...saved, engine: { forceCpu }, layouts: { lenet: { panels: [] } } })).status).toBe(200);
    const provider = forceCpu ? 'cpu' : 'fake-gpu';
    // The load above was announced on the old provider; the switch is announced on the new one.
    const announced = (m: Record<string, unknown>) => {
      const e = m.event as { type?: string; info?: { provider?: string } } | undefined;
      return e?.type === 'modelLoaded' && e.info?.provider === provider;
    };
    for (const t of [a, b]) expect(await t.next(announced)).toMatchObject({ event: { info: { id: 'lenet' } } });
    expect((await applied()) - before).toBe(1);
    expect(server.supervisor.lastGoodState.settings).toEqual({ forceCpu });
    a.ws.close();
    b.ws.close();
  });
});

/** A browser tab on the engine socket: every JSON message it receives, and a way to wait for one. */
async function tab(): Promise<{ ws: WebSocket; next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> }> {
  const got: Record<string, unknown>[] = [];
  const ws = await connect({ Origin: origin }, undefined, (d, bin) => {
    if (!bin) got.push(JSON.parse(d.toString()) as Record<string, unknown>);
  });
  const next = async (pred: (m: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 400; i++) {
      const hit = got.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no such message; got ${JSON.stringify(got)}`);
  };
  return { ws, next };
}
