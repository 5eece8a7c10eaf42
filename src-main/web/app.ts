// Browser mode: the engine host behind HTTP + WebSocket on the loopback interface, serving the same
// renderer build the desktop app uses. Access needs the random token printed in the URL; the Host
// header must name this server (no DNS rebinding) and the Origin of WebSocket and API calls must be
// the server's own, so a web page the user happens to visit cannot drive the engine.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { EngineEvent, ModelInfo, UserSettings } from '../../src-shared/contract';
import { spawnNodeChild } from '../supervisor/node-child';
import { SettingsStore } from '../supervisor/settings-store';
import { Supervisor, type EngineProcess } from '../supervisor/supervisor';

export interface WebServerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Built renderer (out/renderer). */
  rendererDir: string;
  /** Engine host entry (out/main/engine-host.js). */
  engineFile: string;
  engineArgs?: string[];
  /** Folder of settings.json. */
  configDir: string;
  /** Fixed token (tests); random otherwise. */
  token?: string;
  /** Enables GET /api/debug/engine (the engine host's pid), for the end-to-end crash test. */
  debug?: boolean;
  /** Largest upload accepted, bytes. */
  maxUploadBytes?: number;
  log?(line: string): void;
  /** Replaces the Node child (tests of the server's own logic use a stand-in host file instead). */
  spawnEngine?(): EngineProcess;
}

export interface WebServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  supervisor: Supervisor;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Results waiting in a socket beyond this are dropped: a slow browser gets the newest, not a queue. */
const MAX_BUFFERED_RESULT_BYTES = 8 * 1024 * 1024;
const MAX_SETTINGS_BYTES = 16 * 1024 * 1024;

interface Client {
  ws: WebSocket;
  droppedResults: number;
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const token = opts.token ?? randomBytes(16).toString('hex');
  const tokenBytes = Buffer.from(token);
  const store = new SettingsStore(join(opts.configDir, 'settings.json'));
  const uploadDir = await mkdtemp(join(tmpdir(), 'convscope-uploads-'));
  const rendererDir = resolve(opts.rendererDir);
  const maxUpload = opts.maxUploadBytes ?? 4 * 1024 ** 3;
  const clients = new Set<Client>();
  /** Server-wide request ids → the client and the id it used. */
  const pending = new Map<number, { client: Client; rid: number }>();
  let nextRid = 1;
  let port = 0;
  /** The client whose frame went to the engine last. */
  let frameOwner: Client | null = null;

  const broadcastEvent = (event: EngineEvent) => {
    const text = JSON.stringify({ type: 'event', event });
    for (const c of clients) c.ws.send(text);
  };

  const supervisor = new Supervisor({
    spawn:
      opts.spawnEngine ??
      (() => spawnNodeChild({ file: opts.engineFile, args: opts.engineArgs ?? [] })),
    log,
    onExit: (reason) => {
      for (const [, p] of pending) {
        p.client.ws.send(JSON.stringify({ rid: p.rid, ok: false, error: `${reason}; it is being restarted` }));
      }
      pending.clear();
      broadcastEvent({ type: 'error', message: `${reason}; restarting it with the last model that worked…` });
    },
    onMessage: (msg) => {
      if (msg instanceof ArrayBuffer || ArrayBuffer.isView(msg)) {
        const bytes = msg instanceof ArrayBuffer ? new Uint8Array(msg) : new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
        // The engine answers the newest frame, so the result belongs to whoever sent it.
        const c = frameOwner;
        if (!c || !clients.has(c)) return;
        if (c.ws.bufferedAmount > MAX_BUFFERED_RESULT_BYTES) c.droppedResults++;
        else c.ws.send(bytes, { binary: true });
        return;
      }
      const m = msg as { rid?: unknown; type?: unknown };
      if (typeof m.rid === 'number') {
        const p = pending.get(m.rid);
        if (!p) return;
        pending.delete(m.rid);
        p.client.ws.send(JSON.stringify({ ...m, rid: p.rid }));
        return;
      }
      if (m.type === 'event') for (const c of clients) c.ws.send(JSON.stringify(msg));
    },
  });

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const ownOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const tokenOk = (req: IncomingMessage, url: URL) => {
    const given = (req.headers['x-convscope-token'] as string | undefined) ?? url.searchParams.get('token') ?? '';
    const b = Buffer.from(given);
    return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes);
  };
  const hostOk = (req: IncomingMessage) => allowedHosts().has(req.headers.host ?? '');
  /** Same-origin GETs carry no Origin header; anything that does carry one must be ours. */
  const originOk = (req: IncomingMessage, required: boolean) => {
    const origin = req.headers.origin;
    if (origin === undefined) return !required;
    return ownOrigins().has(origin) && origin === `http://${req.headers.host}`;
  };

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((e: unknown) => {
      log(`request ${req.method} ${req.url} failed: ${(e as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, { error: (e as Error).message });
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostOk(req)) return sendText(res, 421, 'This server only answers to 127.0.0.1 and localhost.');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname.startsWith('/api/')) {
      if (!originOk(req, false)) return sendJson(res, 403, { error: 'cross-origin request refused' });
      if (!tokenOk(req, url)) return sendJson(res, 401, { error: 'missing or wrong access token' });
      return handleApi(req, res, url);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    return serveStatic(res, url.pathname);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/api/settings' && req.method === 'GET') {
      return sendJson(res, 200, await store.load(log));
    }
    if (url.pathname === '/api/settings' && req.method === 'PUT') {
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req, MAX_SETTINGS_BYTES)).toString('utf8'));
      } catch (e) {
        return sendJson(res, 400, { error: `settings: ${(e as Error).message}` });
      }
      let saving: Promise<unknown>;
      try {
        saving = store.save(body);
      } catch (e) {
        return sendJson(res, 400, { error: (e as Error).message });
      }
      let saved: UserSettings;
      try {
        saved = (await saving) as UserSettings;
      } catch (e) {
        return sendJson(res, 500, { error: `settings could not be written: ${(e as Error).message}` });
      }
      const engine = saved.engine;
      if (JSON.stringify(engine) !== JSON.stringify(supervisor.lastGoodState.settings)) {
        // Changed engine settings (force CPU) apply now; a model reloaded on another provider is
        // announced so every tab shows the provider in use.
        void supervisor.applyEngineSettings(engine).then(
          (r) => {
            if (r?.ok && r.result) broadcastEvent({ type: 'modelLoaded', info: r.result as ModelInfo });
            else if (r && !r.ok) broadcastEvent({ type: 'error', message: `Engine settings not applied: ${r.error}` });
          },
          (e: unknown) => log(`engine settings not applied: ${(e as Error).message}`),
        );
      }
      return sendJson(res, 200, { ok: true });
    }
    if (url.pathname === '/api/upload' && req.method === 'POST') {
      const name = safeFileName(url.searchParams.get('name') ?? '');
      if (!name) return sendJson(res, 400, { error: 'upload needs ?name=<file name>' });
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > maxUpload) return sendJson(res, 413, { error: `${name} is larger than ${maxUpload} bytes` });
      const path = join(uploadDir, name);
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > maxUpload) req.destroy(new Error(`${name} is larger than ${maxUpload} bytes`));
      });
      await pipeline(req, createWriteStream(path));
      return sendJson(res, 200, { path });
    }
    if (url.pathname === '/api/debug/engine' && req.method === 'GET' && opts.debug) {
      return sendJson(res, 200, { pid: supervisor.pid ?? null, restarts: supervisor.restartCount });
    }
    return sendJson(res, 404, { error: `no API ${req.method} ${url.pathname}` });
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return sendText(res, 400, 'bad path');
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = resolve(rendererDir, '.' + rel);
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return sendText(res, 404, 'not found');
    let size: number;
    try {
      const st = await stat(file);
      if (!st.isFile()) return sendText(res, 404, 'not found');
      size = st.size;
    } catch {
      if (rel === '/index.html') {
        return sendText(res, 503, `The renderer is not built (${rendererDir} is missing). Run "npm run build" first.`);
      }
      return sendText(res, 404, 'not found');
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      // The token is in the page's URL: never send it to anyone else.
      'Referrer-Policy': 'no-referrer',
    });
    await pipeline(createReadStream(file), res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024, perMessageDeflate: false });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (code: number, why: string) => {
      socket.end(`HTTP/1.1 ${code} ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostOk(req)) return refuse(421, 'Misdirected Request');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname !== '/engine') return refuse(404, 'Not Found');
    if (!originOk(req, true)) return refuse(403, 'Forbidden');
    if (!tokenOk(req, url)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const client: Client = { ws, droppedResults: 0 };
    clients.add(client);
    ws.on('close', () => {
      clients.delete(client);
      for (const [rid, p] of pending) if (p.client === client) pending.delete(rid);
    });
    ws.on('error', (e) => log(`websocket: ${e.message}`));
    void supervisor.whenReady().then(() => {
      if (clients.has(client)) ws.send(JSON.stringify({ type: 'event', event: { type: 'ready' } }));
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        // Frames that arrive while the engine restarts are dropped: the camera sends new ones.
        if (supervisor.send(ownBytes(data))) frameOwner = client;
        return;
      }
      let req: { rid?: unknown; type?: unknown };
      try {
        req = JSON.parse(Buffer.from(ownBytes(data)).toString('utf8'));
      } catch {
        ws.send(JSON.stringify({ type: 'event', event: { type: 'error', message: 'malformed request (not JSON)' } }));
        return;
      }
      if (typeof req !== 'object' || req === null || typeof req.rid !== 'number' || typeof req.type !== 'string') {
        ws.send(JSON.stringify({ type: 'event', event: { type: 'error', message: 'malformed request (needs rid and type)' } }));
        return;
      }
      const rid = nextRid++;
      pending.set(rid, { client, rid: req.rid });
      const forwarded = { ...req, rid };
      supervisor.noteRequest(forwarded);
      if (!supervisor.send(forwarded)) {
        // The engine is starting or restarting: hold the request until it is ready.
        void supervisor.whenReady().then(() => {
          if (pending.has(rid)) {
            supervisor.noteRequest(forwarded);
            supervisor.send(forwarded);
          }
        });
      }
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : opts.port;
  // Engine settings from the settings file (force CPU) apply from the first model on.
  supervisor.remember({ settings: (await store.load(log)).engine });
  // The host starts in the background; clients hear 'ready' when it is up.
  void supervisor.start();

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    supervisor,
    async close() {
      for (const c of clients) c.ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await supervisor.stop();
      await rm(uploadDir, { recursive: true, force: true });
    },
  };
}

/** Keeps only a plain file name (no folders), so an upload cannot write outside its folder. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^A-Za-z0-9._ +-]/g, '_').replace(/^\.+/, '');
  return clean.slice(0, 200);
}

/**
 * A standalone Uint8Array with its own ArrayBuffer: ws may hand out views into shared buffers, and
 * the IPC serialiser would otherwise copy the whole backing store, not just the view.
 */
function ownBytes(data: RawData): Uint8Array {
  const parts = Array.isArray(data) ? data : [data instanceof ArrayBuffer ? new Uint8Array(data) : data];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error(`body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
