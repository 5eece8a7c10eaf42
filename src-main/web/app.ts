// Browser mode: the engine host behind HTTP + WebSocket on the loopback interface, serving the same
// renderer build the desktop app uses. This file composes the parts — guard (who may ask), static
// files, API, engine relay — around one supervised engine host. Every handler is wrapped so that no
// request, valid or not, can end the server.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES } from '../../src-shared/payload';
import { REQUEST_LIMITS } from '../../src-shared/requests';
import { spawnNodeChild } from '../supervisor/node-child';
import { SettingsOwner } from '../supervisor/settings-owner';
import { SettingsStore } from '../supervisor/settings-store';
import { Supervisor, type EngineProcess } from '../supervisor/supervisor';
import { createApi } from './api';
import { checkHttpRequest, checkUpgrade, type GuardConfig } from './guard';
import { createRelay } from './relay';
import { sendJson, sendText } from './reply';
import { serveStatic } from './static';
import { DEFAULT_UPLOAD_LIMITS, UploadStore, type UploadLimits } from './uploads';

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
  /** Largest upload accepted and all uploads together, bytes (uploads.ts states the defaults). */
  uploadLimits?: Partial<UploadLimits>;
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

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const guard: GuardConfig = { port: 0, token: opts.token ?? randomBytes(16).toString('hex') };
  const uploadDir = await mkdtemp(join(tmpdir(), 'convscope-uploads-'));

  const supervisor: Supervisor = new Supervisor({
    spawn: opts.spawnEngine ?? (() => spawnNodeChild({ file: opts.engineFile, args: opts.engineArgs ?? [] })),
    log,
    onExit: (reason) => relay.engineLost(reason),
    onMessage: (msg) => {
      try {
        relay.fromEngine(msg);
      } catch (e) {
        log(`engine message not relayed: ${errorText(e)}`);
      }
    },
  });
  const relay = createRelay(supervisor, log);
  const settings = new SettingsOwner({
    store: new SettingsStore(join(opts.configDir, 'settings.json')),
    engine: supervisor,
    announce: (event) => relay.broadcast(event),
    log,
  });
  const api = createApi({
    settings,
    supervisor,
    uploads: new UploadStore(uploadDir, { ...DEFAULT_UPLOAD_LIMITS, ...opts.uploadLimits }),
    debug: opts.debug ?? false,
    dropSockets: () => relay.closeAll(),
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const v = checkHttpRequest(req.url, req.headers, guard);
    if (!v.ok) return req.url?.startsWith('/api/') ? sendJson(res, v.status, { error: v.message }) : sendText(res, v.status, v.message);
    if (v.url.pathname.startsWith('/api/')) return api(req, res, v.url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    return serveStatic(res, opts.rendererDir, v.url.pathname);
  }

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((e: unknown) => {
      log(`request ${req.method} ${req.url} failed: ${errorText(e)}`);
      if (!res.headersSent) sendJson(res, 500, { error: errorText(e) });
      else res.destroy();
    });
  });

  // The largest message a tab may send is the largest frame (requests are far smaller).
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(MAX_FRAME_BYTES, REQUEST_LIMITS.maxTextBytes), perMessageDeflate: false });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets the connection must not raise an unhandled 'error'.
    socket.on('error', (e) => log(`upgrade socket: ${e.message}`));
    const refuse = (status: number) => {
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      const v = checkUpgrade(req.url, req.headers, guard);
      if (!v.ok) return refuse(v.status);
      wss.handleUpgrade(req, socket, head, (ws) => relay.attach(ws));
    } catch (e) {
      log(`upgrade ${req.url} refused: ${errorText(e)}`);
      refuse(400);
    }
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  server.on('error', (e) => log(`server: ${e.message}`));
  const addr = server.address();
  guard.port = typeof addr === 'object' && addr ? addr.port : opts.port;
  // Engine settings from the settings file (force CPU) apply from the first model on.
  supervisor.remember({ settings: (await settings.load()).engine });
  // The host starts in the background; clients hear 'ready' when it is up.
  void supervisor.start();

  return {
    url: `http://127.0.0.1:${guard.port}/?token=${guard.token}`,
    port: guard.port,
    token: guard.token,
    supervisor,
    async close() {
      relay.closeAll();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await supervisor.stop();
      await rm(uploadDir, { recursive: true, force: true });
    },
  };
}
