// Every refusal of browser mode's HTTP API, each answered with its status (never a reset
// connection): token, Origin and Host; sizes of settings and uploads; the upload quota; paths that
// try to leave their folder. And uploads that must not overwrite each other.
import { readFile, readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SETTINGS_BYTES } from './api';
import type { WebServer } from './app';
import { startTestServer, type TestServer } from './testing/test-server';

const MAX_FILE = 64 * 1024;
const QUOTA = 160 * 1024;

let running: TestServer;
let server: WebServer;
let origin: string;

beforeAll(async () => {
  running = await startTestServer('refusals', { uploadLimits: { maxFileBytes: MAX_FILE, maxTotalBytes: QUOTA } });
  ({ server, origin } = running);
});

afterAll(() => running?.stop());

interface Reply {
  status: number;
  json: Record<string, unknown>;
}

/**
 * One HTTP request with our token and Origin unless `headers` says otherwise. `body` as an array is
 * sent in chunks without a Content-Length (how a client can hide a body's size).
 */
function http(method: string, path: string, body?: Buffer | Buffer[], headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, agent: false, headers: { 'x-convscope-token': server.token, Origin: origin, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } });
      });
    });
    req.on('error', reject);
    if (Array.isArray(body)) {
      for (const b of body) req.write(b);
      req.end();
    } else req.end(body);
  });
}

const upload = (name: string, body: Buffer | Buffer[], group?: string) =>
  http('POST', `/api/upload?name=${encodeURIComponent(name)}${group ? `&group=${group}` : ''}`, body);

describe('browser-mode API refusals', () => {
  it('refuses every API route without the token, from another Origin, or addressed to another Host', async () => {
    for (const [method, path] of [['GET', '/api/settings'], ['PUT', '/api/settings'], ['POST', '/api/upload?name=a.onnx'], ['GET', '/api/debug/engine'], ['POST', '/api/debug/drop-sockets']]) {
      expect((await http(method, path, Buffer.from('{}'), { 'x-convscope-token': '' })).status, `${method} ${path} without token`).toBe(401);
      expect((await http(method, path, Buffer.from('{}'), { 'x-convscope-token': 'a'.repeat(32) })).status, `${method} ${path} wrong token`).toBe(401);
      expect((await http(method, path, Buffer.from('{}'), { Origin: 'http://evil.example' })).status, `${method} ${path} Origin`).toBe(403);
      expect((await http(method, path, Buffer.from('{}'), { Host: `evil.example:${server.port}` })).status, `${method} ${path} Host`).toBe(421);
    }
    expect((await http('GET', '/api/nothing')).status).toBe(404);
  });

  it('answers a settings body over the limit with 413, declared or not', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024, 0x20);
    const declared = await http('PUT', '/api/settings', big, { 'Content-Type': 'application/json' });
    expect(declared.status).toBe(413);
    expect(declared.json.error).toMatch(/settings: larger than the 16 MiB/);
    const chunked = await http('PUT', '/api/settings', Array.from({ length: 20 }, () => Buffer.alloc(1024 * 1024, 0x20)));
    expect(chunked.status).toBe(413);
    expect(MAX_SETTINGS_BYTES).toBe(16 * 1024 * 1024);
    expect((await http('GET', '/api/settings')).status).toBe(200);
  });

  it('refuses an upload over the file limit, declared or found while it arrives, and keeps nothing of it', async () => {
    const declared = await upload('big.onnx', Buffer.alloc(MAX_FILE + 1));
    expect(declared.status).toBe(413);
    expect(declared.json.error).toMatch(/big\.onnx is larger than the 0\.1 MiB an upload may be/);
    const chunked = await upload('hidden.onnx', Array.from({ length: 8 }, () => Buffer.alloc(MAX_FILE / 4)));
    expect(chunked.status).toBe(413);
    expect(chunked.json.error).toMatch(/hidden\.onnx is larger/);
    const stored = (await readdir(dirname(dirname(String((await upload('small.onnx', Buffer.alloc(10))).json.path))), { recursive: true })).filter((f) => f.endsWith('.onnx'));
    expect(stored.some((f) => f.includes('hidden') || f.includes('big'))).toBe(false);
  });

  it('keeps files of one group together and never lets two uploads of one name overwrite each other', async () => {
    const a = await upload('deploy.prototxt', Buffer.from('first'));
    expect(a.status).toBe(200);
    const group = String(a.json.group);
    const weights = await upload('net.caffemodel', Buffer.from('weights'), group);
    expect(dirname(String(weights.json.path))).toBe(dirname(String(a.json.path)));
    // The same name again, opened separately: a folder of its own, both files intact.
    const b = await upload('deploy.prototxt', Buffer.from('second'));
    expect(b.json.path).not.toBe(a.json.path);
    expect(await readFile(String(a.json.path), 'utf8')).toBe('first');
    expect(await readFile(String(b.json.path), 'utf8')).toBe('second');
    // The same name twice in one group is refused rather than overwritten.
    const again = await upload('deploy.prototxt', Buffer.from('third'), group);
    expect(again.status).toBe(409);
    expect(await readFile(String(a.json.path), 'utf8')).toBe('first');
  });

  it('refuses upload names and groups that try to leave the upload folder', async () => {
    const traversal = await upload('../../escape.onnx', Buffer.from('x'));
    expect(traversal.status).toBe(200);
    expect(String(traversal.json.path)).toMatch(/\/[0-9a-f]{16}\/escape\.onnx$/);
    expect((await upload('..', Buffer.from('x'))).status).toBe(400);
    for (const group of ['../..', '0123456789abcdef', '../../tmp', '']) {
      const r = await upload('a.onnx', Buffer.from('x'), group || undefined);
      if (group) expect(r.status, group).toBe(400);
    }
    expect((await http('GET', '/../secret.txt')).status).toBe(404);
    expect((await http('GET', '/%2e%2e/secret.txt')).status).toBe(404);
  });

  it(`stops accepting uploads at the quota of the session, with 413`, async () => {
    // Earlier tests stored a few bytes; fill up to the quota with files under the file limit.
    const chunk = Buffer.alloc(MAX_FILE - 1024);
    const answers: number[] = [];
    for (let i = 0; i < 4; i++) answers.push((await upload(`part${i}.bin`, chunk)).status);
    expect(answers.slice(0, 2)).toEqual([200, 200]);
    expect(answers.slice(2)).toContain(413);
    const refused = await upload('one-more.bin', Buffer.alloc(40_000));
    expect(refused.status).toBe(413);
    expect(refused.json.error).toMatch(/one-more\.bin: uploads of this session would exceed their quota of 0\.2 MiB/);
    // Small requests still get through.
    expect((await http('GET', '/api/settings')).status).toBe(200);
  });
});
