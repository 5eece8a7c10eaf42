// The HTTP API of browser mode, behind the guard: the user's settings (saving them is what applies
// engine settings such as "force CPU"), uploads of model files the user opened in the page, and a
// debug view of the engine host for the end-to-end crash test.
import { createWriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { SettingsOwner } from '../supervisor/settings-owner';
import type { Supervisor } from '../supervisor/supervisor';
import { sendJson } from './reply';

const MAX_SETTINGS_BYTES = 16 * 1024 * 1024;

export interface ApiOptions {
  settings: SettingsOwner;
  supervisor: Supervisor;
  /** Where uploads are stored (a temporary folder removed when the server stops). */
  uploadDir: string;
  maxUploadBytes: number;
  /** Enables GET /api/debug/engine. */
  debug: boolean;
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export function createApi(opts: ApiOptions): ApiHandler {
  return async (req, res, url) => {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /api/settings':
        return sendJson(res, 200, await opts.settings.load());
      case 'PUT /api/settings':
        return putSettings(req, res, opts.settings);
      case 'POST /api/upload':
        return upload(req, res, url, opts);
      case 'GET /api/debug/engine':
        if (opts.debug) return sendJson(res, 200, { pid: opts.supervisor.pid ?? null, restarts: opts.supervisor.restartCount });
        break;
    }
    return sendJson(res, 404, { error: `no API ${route}` });
  };
}

async function putSettings(req: IncomingMessage, res: ServerResponse, settings: SettingsOwner): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, MAX_SETTINGS_BYTES)).toString('utf8'));
  } catch (e) {
    return sendJson(res, 400, { error: `settings: ${(e as Error).message}` });
  }
  let saving: Promise<unknown>;
  try {
    // Validation throws at once, naming the field; writing fails later, if at all.
    saving = settings.save(body);
  } catch (e) {
    return sendJson(res, 400, { error: (e as Error).message });
  }
  try {
    await saving;
  } catch (e) {
    return sendJson(res, 500, { error: `settings could not be written: ${(e as Error).message}` });
  }
  return sendJson(res, 200, { ok: true });
}

async function upload(req: IncomingMessage, res: ServerResponse, url: URL, opts: ApiOptions): Promise<void> {
  const name = safeFileName(url.searchParams.get('name') ?? '');
  if (!name) return sendJson(res, 400, { error: 'upload needs ?name=<file name>' });
  const max = opts.maxUploadBytes;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return sendJson(res, 413, { error: `${name} is larger than ${max} bytes` });
  const path = join(opts.uploadDir, name);
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > max) req.destroy(new Error(`${name} is larger than ${max} bytes`));
  });
  await pipeline(req, createWriteStream(path));
  return sendJson(res, 200, { path });
}

/** Keeps only a plain file name (no folders), so an upload cannot write outside its folder. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^A-Za-z0-9._ +-]/g, '_').replace(/^\.+/, '');
  return clean.slice(0, 200);
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
