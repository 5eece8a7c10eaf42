import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { safeFileName, startWebServer, type WebServer } from './app';

const fixtureHost = fileURLToPath(new URL('../supervisor/fixture-host.mjs', import.meta.url));

let server: WebServer;
let dir: string;
let origin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convscope-web-test-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>ConvScope</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer');
  server = await startWebServer({
    port: 0,
    rendererDir: join(dir, 'renderer'),
    engineFile: fixtureHost,
    configDir: join(dir, 'config'),
    debug: true,
    log: () => {},
  });
  origin = `http://127.0.0.1:${server.port}`;
  await server.supervisor.whenReady();
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

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

  it('refuses WebSocket connections without the token or from another origin', async () => {
    await expect(connect({ Origin: origin }, '')).rejects.toThrow(/401/);
    await expect(connect({ Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect({})).rejects.toThrow(/403/);
  });

  it('sends each result to the tab whose frame it answers', async () => {
    const got: Record<string, number[][]> = { a: [], b: [] };
    const a = await connect({ Origin: origin }, undefined, (d, bin) => bin && got.a.push(Array.from(d)));
    const b = await connect({ Origin: origin }, undefined, (d, bin) => bin && got.b.push(Array.from(d)));
    b.send(Buffer.from([1, 2]), { binary: true });
    for (let i = 0; i < 100 && got.b.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    a.send(Buffer.from([3, 4]), { binary: true });
    for (let i = 0; i < 100 && got.a.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(got.b).toEqual([[2, 1]]);
    expect(got.a).toEqual([[4, 3]]);
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
    expect(res).toEqual({ rid: 41, ok: true, result: { id: 'lenet' } });
    ws.send(Buffer.from([5, 6, 7]), { binary: true });
    const result = await waitFor((m) => m.binary);
    expect(Array.from(result.data)).toEqual([7, 6, 5]);

    // Kill the host: the client hears about it, then gets a restarted host with its model.
    const { pid } = JSON.parse((await http('GET', `/api/debug/engine?token=${server.token}`)).body) as { pid: number };
    process.kill(pid, 'SIGKILL');
    const restarted = await waitFor((m) => !m.binary && (json(m).event as { type?: string } | undefined)?.type === 'engineRestarted');
    expect(String((json(restarted).event as { reason: string }).reason)).toMatch(/SIGKILL/);
    ws.send(JSON.stringify({ rid: 42, type: 'state' }));
    const state = json(await waitFor((m) => !m.binary && json(m).rid === 42));
    expect((state.result as { model: unknown }).model).toEqual({ bundled: 'lenet' });
    // The settings test above saved "force CPU": the restarted host got it too.
    expect((state.result as { settings: unknown }).settings).toEqual({ forceCpu: true });
    expect((state.result as { pid: number }).pid).not.toBe(pid);
    ws.close();
  });
});
