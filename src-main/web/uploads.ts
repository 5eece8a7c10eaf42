// Model files the user opened in the page, stored in the server's temporary folder so the engine
// can load them. Each open action gets a folder of its own (its "group"): files that belong
// together (a prototxt and its caffemodel, a model.json and its shards) sit side by side under
// their own names, and two uploads of the same name never overwrite each other. Every file has a
// size limit and all uploads together a quota; a refusal is answered with a status, never with a
// reset connection.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sendJson } from './reply';

export interface UploadLimits {
  /** Largest single file. */
  maxFileBytes: number;
  /** All files of this server's session together. */
  maxTotalBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxFileBytes: 4 * 1024 ** 3,
  maxTotalBytes: 8 * 1024 ** 3,
};

/** How much of a refused body is still read (and thrown away) so the client gets to read the answer. */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

const GROUP = /^[0-9a-f]{16}$/;

export const sizeText = (n: number) => (n >= 1024 ** 3 ? `${+(n / 1024 ** 3).toFixed(1)} GiB` : `${+(n / 1024 ** 2).toFixed(1)} MiB`);

/**
 * Answers a request whose body has not been read to the end, then reads the rest and throws it away
 * (up to MAX_DISCARDED_BYTES): closing a connection with unread data resets it, and the client would
 * see the reset instead of the answer.
 */
export function answerEarly(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  let discarded = 0;
  req.removeAllListeners('data');
  req.on('data', (c: Buffer) => {
    discarded += c.length;
    if (discarded > MAX_DISCARDED_BYTES) req.destroy();
  });
  req.on('error', () => {});
  req.resume();
  sendJson(res, status, body);
}

/** Keeps only a plain file name (no folders), so an upload cannot write outside its folder. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[^A-Za-z0-9._ +-]/g, '_').replace(/^\.+/, '');
  return clean.slice(0, 200);
}

export class UploadStore {
  /** Bytes stored, plus bytes reserved by uploads still arriving. */
  private used = 0;
  private readonly groups = new Map<string, Set<string>>();

  constructor(
    private readonly dir: string,
    readonly limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
  ) {}

  get usedBytes(): number {
    return this.used;
  }

  /**
   * POST /api/upload?name=<file name>[&group=<id>]: stores the body and answers { path, group }.
   * Without a group the file starts a new one; the page passes it on with the other files it opens
   * together with this one.
   */
  async receive(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = safeFileName(url.searchParams.get('name') ?? '');
    if (!name) return answerEarly(req, res, 400, { error: 'upload needs ?name=<file name>' });
    const asked = url.searchParams.get('group');
    if (asked !== null && !(GROUP.test(asked) && this.groups.has(asked))) {
      return answerEarly(req, res, 400, { error: `upload of ${name}: unknown upload group` });
    }
    const { maxFileBytes, maxTotalBytes } = this.limits;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxFileBytes) return answerEarly(req, res, 413, { error: `${name} is larger than the ${sizeText(maxFileBytes)} an upload may be` });
    const quotaError = { error: `${name}: uploads of this session would exceed their quota of ${sizeText(maxTotalBytes)}; restart the server to start again` };
    if (this.used + declared > maxTotalBytes) return answerEarly(req, res, 413, quotaError);
    const group = asked ?? (await this.newGroup());
    const names = this.groups.get(group)!;
    if (names.has(name)) return answerEarly(req, res, 409, { error: `${name} was already uploaded with these files` });
    names.add(name);
    const path = join(this.dir, group, name);

    const outcome = await this.store(req, path);
    if (outcome === 'stored') return sendJson(res, 200, { path, group });
    names.delete(name);
    await rm(path, { force: true });
    if (outcome === 'too large') return answerEarly(req, res, 413, { error: `${name} is larger than the ${sizeText(maxFileBytes)} an upload may be` });
    if (outcome === 'over quota') return answerEarly(req, res, 413, quotaError);
    if (!res.destroyed) sendJson(res, 500, { error: `${name} could not be stored: ${outcome}` });
  }

  private async newGroup(): Promise<string> {
    const id = randomBytes(8).toString('hex');
    await mkdir(join(this.dir, id));
    this.groups.set(id, new Set());
    return id;
  }

  /** Writes the body to `path`, counting it against both limits as it arrives. */
  private store(req: IncomingMessage, path: string): Promise<'stored' | 'too large' | 'over quota' | string> {
    return new Promise((resolve) => {
      const file = createWriteStream(path, { flags: 'wx' });
      let seen = 0;
      let settled = false;
      const finish = (outcome: string) => {
        if (settled) return;
        settled = true;
        req.off('data', onData);
        if (outcome !== 'stored') {
          this.used -= seen;
          // The file opens lazily: removing it before the stream closes could leave it behind.
          if (file.closed) return resolve(outcome);
          file.once('close', () => resolve(outcome));
          file.destroy();
          return;
        }
        resolve(outcome);
      };
      const onData = (chunk: Buffer) => {
        seen += chunk.length;
        this.used += chunk.length;
        if (seen > this.limits.maxFileBytes) return finish('too large');
        if (this.used > this.limits.maxTotalBytes) return finish('over quota');
        if (!file.write(chunk)) {
          req.pause();
          file.once('drain', () => req.resume());
        }
      };
      req.on('data', onData);
      req.on('end', () => {
        if (!settled) file.end(() => finish('stored'));
      });
      req.on('error', (e) => finish(`the upload broke off (${e.message})`));
      req.on('close', () => {
        if (!req.complete) finish('the upload broke off');
      });
      file.on('error', (e) => finish(e.message));
    });
  }
}
