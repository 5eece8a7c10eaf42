// Browser mode's engine socket on a thread of its own.
//
// Why: Chromium moves a WebSocket message through a data pipe in chunks of about 64 KiB, and the
// chunks of a socket opened on the page's main thread are pumped by tasks on that thread. The main
// thread also presents the WebGL canvas, and without a GPU (SwiftShader) each present waits for the
// GPU process to read the canvas back; a 200 KiB crop then waited behind those presents: bench,
// SqueezeNet, "send" (crop cut → frame at the engine) median 48 ms against 1.5 ms for LeNet's 3 KiB
// crops. A dedicated worker owns the socket instead: frames are handed to it by transfer (no copy),
// results come back by transfer, and the main thread only posts and receives one message each.
//
// `ThreadSocket` is the page's side and looks like the part of a WebSocket that web.ts uses;
// `serveSocket` is the worker's side (socket.worker.ts runs it).

import { wallNow } from '../../../src-shared/clock';

/** Page → socket thread. */
export type ToSocketThread =
  | { type: 'open'; url: string }
  | { type: 'text'; text: string }
  | { type: 'frame'; buf: ArrayBuffer; seq: number }
  | { type: 'close' };

/**
 * Socket thread → page. `buffered`: the socket's bufferedAmount once frames up to `seq` were handed
 * to it. `at`: when the thread had a binary message (wall clock), so the page can tell the way back
 * from the wait for its own main thread.
 */
export type FromSocketThread =
  | { type: 'open' }
  | { type: 'message'; data: string | ArrayBuffer; at?: number }
  | { type: 'close' }
  | { type: 'buffered'; bytes: number; seq: number };

/** The worker's global scope as far as serveSocket needs it. */
export interface SocketThreadScope {
  postMessage(msg: FromSocketThread, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToSocketThread>) => void) | null;
}

/** The part of a WebSocket the socket thread uses. */
export interface ThreadWebSocket {
  binaryType: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  onopen: ((e: Event) => void) | null;
  onmessage: ((e: MessageEvent) => void) | null;
  onclose: ((e: CloseEvent) => void) | null;
  send(data: string | ArrayBuffer): void;
  close(): void;
}

/** The page's handle on the worker (a Worker; tests use a MessagePort). */
export interface SocketThread {
  postMessage(msg: ToSocketThread, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((e: MessageEvent<FromSocketThread>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

/** While the socket still holds unsent bytes, the thread reports how many this often. */
const DRAIN_POLL_MS = 4;

/** The worker's side: one socket, opened when the page says, every message passed through. */
export function serveSocket(scope: SocketThreadScope, makeSocket: (url: string) => ThreadWebSocket = (url) => new WebSocket(url)): void {
  let ws: ThreadWebSocket | null = null;
  let seq = 0;
  let reported = 0;
  let polling = false;
  const report = () => {
    if (!ws) return;
    const bytes = ws.bufferedAmount;
    if (bytes !== reported) {
      reported = bytes;
      scope.postMessage({ type: 'buffered', bytes, seq }, []);
    }
    if (bytes > 0 && !polling) {
      polling = true;
      setTimeout(() => {
        polling = false;
        report();
      }, DRAIN_POLL_MS);
    }
  };
  scope.onmessage = (e) => {
    const m = e.data;
    switch (m.type) {
      case 'open': {
        const s = makeSocket(m.url);
        ws = s;
        s.binaryType = 'arraybuffer';
        s.onopen = () => scope.postMessage({ type: 'open' }, []);
        s.onmessage = (ev) => {
          const data = ev.data;
          if (data instanceof ArrayBuffer) scope.postMessage({ type: 'message', data, at: wallNow() }, [data]);
          else if (typeof data === 'string') scope.postMessage({ type: 'message', data }, []);
        };
        s.onclose = () => {
          ws = null;
          scope.postMessage({ type: 'close' }, []);
        };
        return;
      }
      case 'text':
        ws?.send(m.text);
        return;
      case 'frame':
        seq = m.seq;
        ws?.send(m.buf);
        // Always answer a frame, so the page's estimate drops the bytes it added for it.
        reported = -1;
        report();
        return;
      case 'close':
        ws?.close();
        return;
    }
  };
}

/** The page's side of a worker that owns the socket (see serveSocket), usable where web.ts used a WebSocket. */
export class ThreadSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  readyState = ThreadSocket.CONNECTING;
  /** Results always arrive as ArrayBuffers; kept for the WebSocket shape. */
  binaryType = 'arraybuffer';
  onopen: (() => void) | null = null;
  /** `at`: when the socket thread had the message (binary messages only). */
  onmessage: ((e: { data: unknown; at?: number }) => void) | null = null;
  onclose: (() => void) | null = null;
  private seq = 0;
  /** Frames handed to the thread that it has not yet answered for: seq → bytes. */
  private readonly unanswered = new Map<number, number>();
  private reportedBytes = 0;

  constructor(
    url: string,
    private readonly thread: SocketThread,
    /** Called when the thread fails before its socket opened (e.g. the worker script did not load). */
    private readonly onStartFailure?: () => void,
  ) {
    thread.onmessage = (e) => this.fromThread(e.data);
    thread.onerror = () => {
      const starting = this.readyState === ThreadSocket.CONNECTING;
      this.closed();
      if (starting) this.onStartFailure?.();
    };
    this.post({ type: 'open', url });
  }

  /** Bytes the socket had not sent at its last report, plus the frames handed over since. */
  get bufferedAmount(): number {
    let n = this.reportedBytes;
    for (const b of this.unanswered.values()) n += b;
    return n;
  }

  /** Strings go as they are; an ArrayBuffer is transferred (it is unusable here afterwards). */
  send(data: string | ArrayBuffer): void {
    if (this.readyState !== ThreadSocket.OPEN) return;
    if (typeof data === 'string') {
      this.post({ type: 'text', text: data });
      return;
    }
    const seq = ++this.seq;
    this.unanswered.set(seq, data.byteLength);
    this.post({ type: 'frame', buf: data, seq }, [data]);
  }

  close(): void {
    if (this.readyState === ThreadSocket.CLOSED) return;
    this.post({ type: 'close' });
  }

  private post(msg: ToSocketThread, transfer: Transferable[] = []): void {
    this.thread.postMessage(msg, transfer);
  }

  private fromThread(m: FromSocketThread): void {
    switch (m.type) {
      case 'open':
        this.readyState = ThreadSocket.OPEN;
        this.onopen?.();
        return;
      case 'message':
        this.onmessage?.(m.at === undefined ? { data: m.data } : { data: m.data, at: m.at });
        return;
      case 'buffered':
        this.reportedBytes = m.bytes;
        for (const seq of this.unanswered.keys()) if (seq <= m.seq) this.unanswered.delete(seq);
        return;
      case 'close':
        this.closed();
        return;
    }
  }

  private closed(): void {
    if (this.readyState === ThreadSocket.CLOSED) return;
    this.readyState = ThreadSocket.CLOSED;
    this.thread.terminate();
    this.onclose?.();
  }
}
