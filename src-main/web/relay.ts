// The WebSocket engine relay of browser mode: every tab's socket ⇄ the one supervised engine host.
// Requests get server-wide ids so that each response goes back to the tab that asked; binary frames
// go to the engine and its results to the tab that sent the frame; events go to every tab. A
// request is checked against the contract before it is passed on, and nothing a tab sends can
// throw out of a handler: a bad message costs that tab an error answer, not the server.
import type { RawData, WebSocket } from 'ws';
import type { EngineEvent } from '../../src-shared/contract';
import { isFrame, messageFrameId, setMessageFrameId } from '../../src-shared/payload';
import { CLIENT_REQUEST_TYPES, parseRequest, REQUEST_LIMITS } from '../../src-shared/requests';

/** Results waiting in a socket beyond this are dropped: a slow browser gets the newest, not a queue. */
const MAX_BUFFERED_RESULT_BYTES = 8 * 1024 * 1024;
/** Frames on their way to the engine beyond this are dropped: it only ever runs the newest one anyway. */
const MAX_ENGINE_BACKLOG_BYTES = 8 * 1024 * 1024;
/**
 * A tab whose socket holds more than this unread (progress events and answers are small, so only
 * a tab that stopped reading gets here) is disconnected; it reconnects when it reads again.
 */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** Frames remembered for routing their results; older ones were replaced in the engine's mailbox. */
const MAX_FRAMES_IN_FLIGHT = 256;

/** What the relay needs of the supervisor. */
export interface RelayEngine {
  /** Returns false (dropping the message) while no host is ready. */
  send(msg: unknown): boolean;
  /** Bytes of frames sent and not yet taken by the engine. */
  backlog(): number;
  noteRequest(req: unknown): void;
  whenReady(): Promise<void>;
}

interface Client {
  ws: WebSocket;
}

export interface Relay {
  /** Serves one accepted socket until it closes. */
  attach(ws: WebSocket): void;
  /** Every message of the engine host (and the supervisor's own events). */
  fromEngine(msg: unknown): void;
  /** The host died: requests in flight will never be answered. */
  engineLost(reason: string): void;
  broadcast(event: EngineEvent): void;
  /** Drops every tab's socket (no closing handshake); returns how many there were. */
  closeAll(): number;
}

export function createRelay(engine: RelayEngine, log: (line: string) => void): Relay {
  const clients = new Set<Client>();
  /** Server-wide request ids → the client and the id it used. */
  const pending = new Map<number, { client: Client; rid: number }>();
  let nextRid = 1;
  /**
   * Frames sent to the engine, by the server-wide id they travel under → the tab and its own id.
   * Every tab numbers its frames from 1, so the relay renumbers them on the way in and back on the
   * way out; each result then reaches the tab whose frame it answers, however the tabs interleave.
   */
  const frames = new Map<number, { client: Client; id: number }>();
  let nextFrameId = 1;

  const sendJson = (c: Client, msg: unknown) => {
    try {
      if (c.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        log(`a tab left ${c.ws.bufferedAmount} bytes unread; disconnecting it`);
        c.ws.terminate();
        return;
      }
      // Progress is only worth the newest: a tab that reads slowly misses some.
      if (c.ws.bufferedAmount > MAX_BUFFERED_RESULT_BYTES && isProgress(msg)) return;
      c.ws.send(JSON.stringify(msg));
    } catch (e) {
      log(`websocket send failed: ${(e as Error).message}`);
    }
  };
  const sendError = (c: Client, rid: number | null, message: string) =>
    sendJson(c, rid === null ? { type: 'event', event: { type: 'error', message } } : { rid, ok: false, error: message });

  const broadcast = (event: EngineEvent) => {
    for (const c of clients) sendJson(c, { type: 'event', event });
  };

  function forward(client: Client, req: { rid: number }): void {
    const rid = nextRid++;
    pending.set(rid, { client, rid: req.rid });
    const forwarded = { ...req, rid };
    engine.noteRequest(forwarded);
    if (engine.send(forwarded)) return;
    // The engine is starting or restarting: hold the request until it is ready.
    void engine.whenReady().then(() => {
      if (!pending.has(rid)) return;
      engine.noteRequest(forwarded);
      engine.send(forwarded);
    });
  }

  function onText(client: Client, bytes: Uint8Array): void {
    if (bytes.byteLength > REQUEST_LIMITS.maxTextBytes) {
      return sendError(client, null, `request refused: longer than ${REQUEST_LIMITS.maxTextBytes} bytes`);
    }
    const check = parseRequest(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), CLIENT_REQUEST_TYPES);
    if (!check.ok) return sendError(client, check.rid, check.error);
    forward(client, check.request);
  }

  function attach(ws: WebSocket): void {
    const client: Client = { ws };
    clients.add(client);
    ws.on('close', () => {
      clients.delete(client);
      for (const [id, f] of frames) if (f.client === client) frames.delete(id);
      for (const [rid, p] of pending) if (p.client === client) pending.delete(rid);
    });
    ws.on('error', (e) => log(`websocket: ${e.message}`));
    void engine.whenReady().then(() => {
      if (clients.has(client)) sendJson(client, { type: 'event', event: { type: 'ready' } });
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      try {
        const bytes = ownBytes(data);
        if (!isBinary) return onText(client, bytes);
        if (!isFrame(bytes)) return sendError(client, null, 'binary message is not an encoded frame');
        const own = messageFrameId(bytes)!;
        const id = nextFrameId;
        nextFrameId = (nextFrameId + 1) >>> 0 || 1;
        setMessageFrameId(bytes, id);
        // Frames that arrive while the engine restarts or while it is still taking earlier ones
        // are dropped: the camera sends new ones.
        if (engine.backlog() > MAX_ENGINE_BACKLOG_BYTES || !engine.send(bytes)) return;
        frames.set(id, { client, id: own });
        if (frames.size > MAX_FRAMES_IN_FLIGHT) frames.delete(frames.keys().next().value!);
      } catch (e) {
        log(`websocket message not handled: ${(e as Error).message}`);
        sendError(client, null, `the server could not handle a message: ${(e as Error).message}`);
      }
    });
  }

  function fromEngine(msg: unknown): void {
    if (msg instanceof ArrayBuffer || ArrayBuffer.isView(msg)) {
      const bytes = msg instanceof ArrayBuffer ? new Uint8Array(msg) : new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      const id = messageFrameId(bytes);
      const frame = id === null ? undefined : frames.get(id);
      if (!frame) return;
      // Frames sent before this one will get no result: the engine took a newer frame instead.
      for (const k of frames.keys()) {
        frames.delete(k);
        if (k === id) break;
      }
      const c = frame.client;
      if (!clients.has(c)) return;
      setMessageFrameId(bytes, frame.id);
      if (c.ws.bufferedAmount <= MAX_BUFFERED_RESULT_BYTES) c.ws.send(bytes, { binary: true });
      return;
    }
    const m = msg as { rid?: unknown; type?: unknown };
    if (typeof m.rid === 'number') {
      const p = pending.get(m.rid);
      if (!p) return;
      pending.delete(m.rid);
      sendJson(p.client, { ...m, rid: p.rid });
      return;
    }
    if (m.type === 'event') for (const c of clients) sendJson(c, msg);
  }

  function engineLost(reason: string): void {
    // Only the requests in flight hear about it now; every tab gets one notice ('engineRestarted')
    // once the new host is up and it is known which model it runs.
    for (const [, p] of pending) sendError(p.client, p.rid, `${reason}; it is being restarted`);
    pending.clear();
    frames.clear();
  }

  return {
    attach,
    fromEngine,
    engineLost,
    broadcast,
    closeAll() {
      for (const c of clients) c.ws.terminate();
      return clients.size;
    },
  };
}

function isProgress(msg: unknown): boolean {
  const m = msg as { type?: unknown; event?: { type?: unknown } };
  return m.type === 'event' && m.event?.type === 'progress';
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
