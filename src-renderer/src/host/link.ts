// The renderer's side of the engine wire protocol, independent of the transport (Electron
// MessagePort or WebSocket): request ids with one promise each, binary results decoded with the
// shared codec, unsolicited events, and the connection state shown in the window.
import type { EngineChannel, EngineEvent, FrameMessage, FrameResult, Request, ResponseMap } from '../../../src-shared/contract';
import { wallNow } from '../../../src-shared/clock';
import { decodeResult, encodeFrame } from '../../../src-shared/payload';
import { frameTrace } from '../trace/frame-trace';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What a transport must do; the link does everything else. */
export interface Transport {
  /** Sends one request object. Only called while the link is open. */
  sendRequest(req: Request): void;
  /** Sends one encoded frame; false when the transport chose to drop it (backpressure). */
  sendFrame(buf: ArrayBuffer): boolean;
}

/** An unanswered request; `sent` once it went out on a transport (until then it waits in `queued`). */
type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; type: string; sent: boolean };

export class EngineLink implements EngineChannel {
  private transport: Transport | null = null;
  private nextRid = 1;
  private readonly pending = new Map<number, Pending>();
  /** Requests made before the transport opened, sent in order once it does. */
  private readonly queued: Request[] = [];
  private readonly resultCbs = new Set<(r: FrameResult) => void>();
  private readonly eventCbs = new Set<(e: EngineEvent) => void>();
  private readonly stateCbs = new Set<(s: ConnectionState) => void>();
  private stateNow: ConnectionState = 'connecting';
  /** Frames the renderer did not send because the link was closed or congested. */
  droppedByLink = 0;

  get state(): ConnectionState {
    return this.stateNow;
  }

  onState(cb: (s: ConnectionState) => void): () => void {
    this.stateCbs.add(cb);
    return () => this.stateCbs.delete(cb);
  }

  /** The transport is usable: flush the requests that waited for it. */
  open(transport: Transport): void {
    this.transport = transport;
    this.setState('open');
    for (const req of this.queued.splice(0)) {
      const p = this.pending.get(req.rid);
      if (p) p.sent = true;
      transport.sendRequest(req);
    }
  }

  /**
   * The transport went away: every request it carried and left unanswered fails with `reason`;
   * requests still waiting for a transport keep waiting for the next one.
   */
  lost(reason: string, next: ConnectionState): void {
    this.transport = null;
    for (const [rid, p] of this.pending) {
      if (!p.sent) continue;
      this.pending.delete(rid);
      p.reject(new Error(`${p.type}: ${reason}`));
    }
    this.setState(next);
  }

  sendFrame(frame: FrameMessage): void {
    if (!this.transport) {
      this.droppedByLink++;
      return;
    }
    if (!this.transport.sendFrame(encodeFrame(frame))) this.droppedByLink++;
  }

  request<K extends keyof ResponseMap>(
    msg: Extract<Request, { type: K }> extends infer R ? Omit<R & { type: K }, 'rid'> : never,
  ): Promise<ResponseMap[K]> {
    const rid = this.nextRid++;
    const req = { ...msg, rid } as Request;
    return new Promise<ResponseMap[K]>((resolve, reject) => {
      this.pending.set(rid, { resolve: resolve as (v: unknown) => void, reject, type: msg.type, sent: this.transport !== null });
      if (this.transport) this.transport.sendRequest(req);
      else this.queued.push(req);
    });
  }

  onResult(cb: (r: FrameResult) => void): () => void {
    this.resultCbs.add(cb);
    return () => this.resultCbs.delete(cb);
  }

  onEvent(cb: (e: EngineEvent) => void): () => void {
    this.eventCbs.add(cb);
    return () => this.eventCbs.delete(cb);
  }

  /** Emits an event that the host itself produced (e.g. a reconnect notice). */
  emitEvent(e: EngineEvent): void {
    for (const cb of this.eventCbs) cb(e);
  }

  /**
   * One inbound message: binary = a result, text = JSON, object = structured clone. `arrivedAt`: when
   * a thread that relays messages to this one had it (browser mode's socket thread), wall clock.
   */
  receive(data: unknown, arrivedAt?: number): void {
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      let r: FrameResult;
      const receivedAt = wallNow();
      try {
        r = decodeResult(data as ArrayBuffer | ArrayBufferView);
        frameTrace.received(r, receivedAt, wallNow() - receivedAt, arrivedAt);
      } catch (e) {
        this.emitEvent({ type: 'error', message: `Could not read a result from the engine: ${(e as Error).message}` });
        return;
      }
      for (const cb of this.resultCbs) cb(r);
      return;
    }
    let msg: unknown = data;
    if (typeof data === 'string') {
      try {
        msg = JSON.parse(data);
      } catch {
        this.emitEvent({ type: 'error', message: 'The engine sent a message that is not JSON.' });
        return;
      }
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as { rid?: unknown; ok?: unknown; result?: unknown; error?: unknown; type?: unknown; event?: unknown };
    if (typeof m.rid === 'number') {
      const p = this.pending.get(m.rid);
      if (!p) return;
      this.pending.delete(m.rid);
      if (m.ok) p.resolve(reviveTyped(m.result));
      else p.reject(new Error(typeof m.error === 'string' ? m.error : `${p.type} failed`));
      return;
    }
    if (m.type === 'event' && typeof m.event === 'object' && m.event !== null) {
      this.emitEvent(m.event as EngineEvent);
    }
  }

  private setState(s: ConnectionState): void {
    if (s === this.stateNow) return;
    this.stateNow = s;
    for (const cb of this.stateCbs) cb(s);
  }
}

/**
 * Over JSON, typed arrays become plain objects/arrays; ClassWeights.weights must be a Float32Array
 * on arrival whichever transport carried it.
 */
function reviveTyped(result: unknown): unknown {
  if (typeof result !== 'object' || result === null) return result;
  const r = result as { weights?: unknown; classes?: unknown; neurons?: unknown };
  if ('weights' in r && typeof r.classes === 'number' && typeof r.neurons === 'number' && !(r.weights instanceof Float32Array)) {
    const w = r.weights;
    const values = Array.isArray(w) ? w : typeof w === 'object' && w !== null ? Object.values(w as Record<string, number>) : [];
    return { ...r, weights: Float32Array.from(values as number[]) };
  }
  return result;
}
