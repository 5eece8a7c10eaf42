// The HTTP API of browser mode, behind the guard: the user's settings (saving them is what applies
// engine settings such as "force CPU"), uploads of model files the user opened in the page, and a
// debug view of the engine host and a socket drop for the end-to-end fault tests (only with debug on).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SettingsOwner } from '../supervisor/settings-owner';
import type { Supervisor } from '../supervisor/supervisor';
import { sendJson } from './reply';
import { answerEarly, sizeText, type UploadStore } from './uploads';

export { safeFileName } from './uploads';

/** Settings are layouts and a few switches; 16 MiB leaves room for many saved layouts. */
export const MAX_SETTINGS_BYTES = 16 * 1024 * 1024;

export interface ApiOptions {
  settings: SettingsOwner;
  supervisor: Supervisor;
  /** Where uploads are stored (a temporary folder removed when the server stops), with their limits. */
  uploads: UploadStore;
  /** Enables GET /api/debug/engine and POST /api/debug/drop-sockets (end-to-end fault tests). */
  debug: boolean;
  /** Drops every engine socket from the server's side, as a network drop would; returns how many. */
  dropSockets?: () => number;
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
        return opts.uploads.receive(req, res, url);
      case 'GET /api/debug/engine':
        if (opts.debug) return sendJson(res, 200, { pid: opts.supervisor.pid ?? null, restarts: opts.supervisor.restartCount });
        break;
      case 'POST /api/debug/drop-sockets':
        if (opts.debug && opts.dropSockets) return sendJson(res, 200, { dropped: opts.dropSockets() });
        break;
    }
    return sendJson(res, 404, { error: `no API ${route}` });
  };
}

async function putSettings(req: IncomingMessage, res: ServerResponse, settings: SettingsOwner): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = { error: `settings: larger than the ${sizeText(MAX_SETTINGS_BYTES)} they may be` };
  if (declared > MAX_SETTINGS_BYTES) return answerEarly(req, res, 413, tooLarge);
  let text: Buffer | null;
  try {
    text = await readBody(req, MAX_SETTINGS_BYTES);
  } catch (e) {
    return sendJson(res, 400, { error: `settings: ${(e as Error).message}` });
  }
  if (!text) return answerEarly(req, res, 413, tooLarge);
  let body: unknown;
  try {
    body = JSON.parse(text.toString('utf8'));
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

/** The body, or null as soon as it grows beyond `limit` (the rest is left for answerEarly). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        resolveBody(null);
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
