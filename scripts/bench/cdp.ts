// The browser the renderer benchmark measures, started by the bench itself with a DevTools port, and
// a minimal DevTools client for the measuring windows.
//
// Why not Playwright throughout: a Playwright connection enables the DevTools Network domain in the
// page and in its workers, and Chromium then copies every WebSocket message, base64-encoded, to the
// client — 1.3 MiB per SqueezeNet result, 12+ MB/s through Chromium's browser process and the bench's
// own process. Measured on this 2-core machine, the same page with SqueezeNet showed 20.5–22.5
// results/s at 59–63 ms with no client attached and 7.5–11.5 results/s at 91–115 ms with Playwright
// attached (docs/speed.md). So Playwright drives the page between
// measurements (model switches, menus, uploads) and is disconnected while the bench measures; this
// client only evaluates expressions (Runtime.evaluate needs no domain enabled, so nothing streams).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { stopChild } from '../../e2e/support/server';

export interface DevToolsBrowser {
  /** ws://… of the browser target, for chromium.connectOverCDP. */
  wsEndpoint: string;
  /** http://127.0.0.1:port, for the target list. */
  httpEndpoint: string;
  process: ChildProcess;
  close(): Promise<void>;
}

/** Starts headless Chromium with a DevTools port of its own choosing and a fresh profile. */
export async function launchWithDevTools(executable: string, args: string[], window: { width: number; height: number }): Promise<DevToolsBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'convscope-bench-profile-'));
  const child = spawn(executable, ['--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, `--window-size=${window.width},${window.height}`, ...args, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const wsEndpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools endpoint within 30 s\n${stderr.slice(-2000)}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = stderr.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}) before listening\n${stderr.slice(-2000)}`));
    });
  });
  const httpEndpoint = `http://${new URL(wsEndpoint).host}`;
  return {
    wsEndpoint,
    httpEndpoint,
    process: child,
    async close() {
      await stopChild(child, 5000);
      // Chromium's helper processes may still be writing into the profile for a moment; a profile
      // left in the temp folder is no reason to lose a finished run.
      // rmSync retries ENOTEMPTY / EBUSY itself, waiting a little longer each time (≈ 5 s in all).
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      } catch (e) {
        console.warn(`bench: could not remove Chromium's profile ${profile}: ${(e as Error).message}`);
      }
    },
  };
}

/** Evaluates expressions in one page through its DevTools target, with no domain enabled. */
export class PageEvaluator {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: CdpReply) => void; reject: (e: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as CdpReply;
      const p = m.id === undefined ? undefined : this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id!);
      p.resolve(m);
    });
    ws.on('close', () => {
      for (const [, p] of this.pending) p.reject(new Error('the DevTools connection to the page closed'));
      this.pending.clear();
    });
  }

  /** Connects to the page target whose URL starts with `urlPrefix`. */
  static async connect(httpEndpoint: string, urlPrefix: string): Promise<PageEvaluator> {
    const targets = (await (await fetch(`${httpEndpoint}/json/list`)).json()) as { type: string; url: string; webSocketDebuggerUrl: string }[];
    const page = targets.find((t) => t.type === 'page' && t.url.startsWith(urlPrefix));
    if (!page) throw new Error(`no page at ${urlPrefix} among ${targets.map((t) => `${t.type} ${t.url}`).join(', ')}`);
    const ws = new WebSocket(page.webSocketDebuggerUrl, { perMessageDeflate: false, maxPayload: 512 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new PageEvaluator(ws);
  }

  /**
   * Runs `fn` (an arrow function without free variables, sent as its source text) in the page and
   * returns its value (JSON-serialisable); a promise is awaited.
   */
  async evaluate<T>(fn: () => T | Promise<T>): Promise<T> {
    const m = await this.send('Runtime.evaluate', { expression: `(${fn.toString()})()`, returnByValue: true, awaitPromise: true });
    if (m.error) throw new Error(`Runtime.evaluate: ${m.error.message}`);
    if (m.result?.exceptionDetails) throw new Error(`in the page: ${m.result.exceptionDetails.exception?.description ?? m.result.exceptionDetails.text}`);
    return m.result?.result?.value as T;
  }

  /**
   * Gives the file input at `selector` these files, as a user choosing them does (DOM.setFileInputFiles
   * with local paths; the page gets its input and change events). Playwright's setInputFiles over a
   * CDP connection sends large files through the protocol and timed out on the 50 MB age net.
   */
  async setInputFiles(selector: string, files: string[]): Promise<void> {
    const found = await this.send('Runtime.evaluate', { expression: `document.querySelector(${JSON.stringify(selector)})` });
    const objectId = found.result?.result && (found.result.result as { objectId?: string }).objectId;
    if (!objectId) throw new Error(`no element ${selector} in the page`);
    const set = await this.send('DOM.setFileInputFiles', { files, objectId });
    if (set.error) throw new Error(`DOM.setFileInputFiles: ${set.error.message}`);
  }

  close(): void {
    this.ws.close();
  }

  private send(method: string, params: object): Promise<CdpReply> {
    const id = this.nextId++;
    const reply = new Promise<CdpReply>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.ws.send(JSON.stringify({ id, method, params }));
    return reply;
  }
}

interface CdpReply {
  id?: number;
  error?: { message: string };
  result?: { result?: { value?: unknown }; exceptionDetails?: { text: string; exception?: { description?: string } } };
}
