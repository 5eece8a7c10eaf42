// Requests that used to end browser mode, sent to the server running as its own process, so that a
// crash shows as a dead process rather than as an error inside the test runner.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeFrame } from '../../src-shared/payload';

const serveScript = fileURLToPath(new URL('./testing/serve.ts', import.meta.url));
const fixtureHost = fileURLToPath(new URL('../supervisor/fixture-host.mjs', import.meta.url));

let dir: string;
let child: ChildProcess;
let exit: string | null = null;
let port: number;
let token: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convscope-hostile-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>ConvScope</title>');
  child = spawn(process.execPath, ['--import', 'tsx', serveScript, join(dir, 'renderer'), join(dir, 'config'), fixtureHost], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.on('exit', (code, signal) => (exit = signal ?? `exit code ${code}`));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', () => reject(new Error(`the server stopped before it printed its port (${exit})`)));
  });
  ({ port, token } = JSON.parse(first) as { port: number; token: string });
});

afterAll(async () => {
  if (exit === null) {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
  await rm(dir, { recursive: true, force: true });
});

/** Sends raw bytes and resolves with everything the server answers before it closes the connection. */
function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy());
  });
}

async function stillServing(): Promise<void> {
  const page = await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  expect(page).toMatch(/^HTTP\/1\.1 200 /);
  expect(exit).toBeNull();
}

describe('browser mode survives hostile requests', () => {
  it('answers an upgrade to an absolute URL with an invalid port with 400 and keeps running', async () => {
    const answer = await raw(
      `GET http://127.0.0.1:99999/engine HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    const plain = await raw(`GET http://127.0.0.1:99999/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(plain).toMatch(/^HTTP\/1\.1 400 /);
    await stillServing();
  });

  it('answers a request nested 5,000 arrays deep with an error for its rid and keeps serving the tab', async () => {
    const got: Record<string, unknown>[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/engine?token=${token}`, { headers: { Origin: `http://127.0.0.1:${port}` } });
    ws.on('message', (d, binary) => {
      if (!binary) got.push(JSON.parse(d.toString()) as Record<string, unknown>);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const answer = async (rid: number) => {
      for (let i = 0; i < 200 && exit === null; i++) {
        const hit = got.find((m) => m.rid === rid);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no answer to request ${rid} (server: ${exit ?? 'running'})`);
    };
    const deep = `{"rid":1,"type":"loadModel","source":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(deep.length).toBeGreaterThan(10_000);
    ws.send(deep);
    expect(await answer(1)).toMatchObject({ rid: 1, ok: false, error: expect.stringMatching(/nested deeper/) });
    ws.send(JSON.stringify({ rid: 2, type: 'loadModel', source: { bundled: 'lenet' } }));
    expect(await answer(2)).toMatchObject({ rid: 2, ok: true, result: { id: 'lenet' } });
    ws.close();
    await stillServing();
  });
});

/** Resident memory of the server process, bytes. */
function serverRss(): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

describe('browser mode bounds what one client can make it hold', () => {
  it('drops results for a tab that never reads instead of buffering them', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/engine?token=${token}`, { headers: { Origin: `http://127.0.0.1:${port}` } });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    // The tab stops reading: nothing it is sent leaves the server's socket buffers.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const before = serverRss();
    // 1 MiB frames; the stand-in engine answers each with a result as large.
    const side = 512;
    const frame = Buffer.from(encodeFrame({ id: 1, t: 0, width: side, height: side, rgba: new Uint8Array(side * side * 4).fill(7) }));
    for (let i = 0; i < 600; i++) {
      ws.send(frame, { binary: true });
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const grown = serverRss() - before;
    console.log(`server RSS grew ${(grown / 2 ** 20).toFixed(0)} MiB for 600 MiB of results a tab never read`);
    // Buffering them all would grow it by ~450 MiB; what remains is garbage of frames passed on.
    expect(grown).toBeLessThan(192 * 2 ** 20);
    ws.terminate();
    await stillServing();
  });
});
