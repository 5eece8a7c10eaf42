// Where a frame's time goes, stage by stage: from the camera's picture to its result on screen.
// The frame pump, the engine link and the frame flow stamp each frame as it passes; the engine adds
// its own wall-clock stamps (FrameResult.timing.inAt / outAt) so the round trip splits into the way
// there, the wait in the engine, the engine's own stages and the way back. The engine's clock and the
// page's agree only to a few ms (each process fixes its wall-clock origin when it starts), so the
// split of the two ways is corrected by an estimate of the offset between them (see ClockOffset).
// The finished records feed the latency tooltip of the status line and `npm run bench`
// (window.__convscopeFrameStages).
import { wallNow } from '../../../src-shared/clock';
import type { FrameResult } from '../../../src-shared/contract';
import { median } from '../scene/perf';

/** One frame's way through the app, ms per stage. */
export interface FrameStages {
  id: number;
  /** Camera capture → the page's callback for that picture (the browser's video pipeline); null where the browser does not say. */
  captureMs: number | null;
  /** The picture came while the link was busy and waited for a result to free it (0 when it did not). */
  heldMs: number;
  /** Cutting the crop out of the picture, scaling it and reading its bytes back. */
  readbackMs: number;
  /**
   * How the crop was cut: from the camera's frame as it was captured ('camera frame'), from the video
   * element's current frame ('video frame'), both narrowed to the crop before drawing, or from the
   * whole picture ('canvas').
   */
  cutFrom?: CutFrom;
  /** Read back → the engine has the frame (encoding, socket or IPC, the server's relay); null without the engine's stamps. */
  sendMs: number | null;
  /** In the engine but not being worked on: the mailbox and the hand-off to its worker thread. */
  queueMs: number | null;
  preprocessMs: number;
  inferenceMs: number;
  encodeMs: number;
  /** The face finder, on frames that asked for it. */
  facesMs: number | null;
  /** The result leaves the engine's worker → the page has it (in browser mode: its socket thread has it). */
  backMs: number | null;
  /**
   * Browser mode: the socket thread has the result → the page's main thread takes it, beyond the
   * shortest such wait seen (which stands for the two threads' clock offset; see received); null elsewhere.
   */
  mainWaitMs: number | null;
  /** Reading the result message. */
  decodeMs: number;
  /** Decoded → the draw of the animation frame that shows it begins. */
  frameWaitMs: number;
  /** Panel updates + render of that animation frame. */
  drawMs: number;
  /** The page's picture callback → drawn; with captureMs, camera → screen (the status line's latency, see latency()). */
  totalMs: number;
  /**
   * How far sendMs and backMs may be off, ms: the error bound of the clock offset as it was estimated
   * when this frame was drawn (it shrinks as more frames are seen); null without the engine's stamps.
   */
  clockBoundMs: number | null;
}

/** See FrameStages.cutFrom. */
export type CutFrom = 'camera frame' | 'video frame' | 'canvas';

/** The fields of FrameStages that are times. */
export type StageKey = Exclude<keyof FrameStages, 'id' | 'cutFrom' | 'clockBoundMs'>;

/** The stages in the order a frame passes them, with words for people. */
export const STAGES: readonly { key: StageKey; label: string }[] = [
  { key: 'captureMs', label: 'camera → page' },
  { key: 'heldMs', label: 'held for the link' },
  { key: 'readbackMs', label: 'crop read-back' },
  { key: 'sendMs', label: 'send' },
  { key: 'queueMs', label: 'engine queue' },
  { key: 'preprocessMs', label: 'preprocess' },
  { key: 'inferenceMs', label: 'inference' },
  { key: 'encodeMs', label: 'encode' },
  { key: 'facesMs', label: 'face finder' },
  { key: 'backMs', label: 'result back' },
  { key: 'mainWaitMs', label: 'wait for the page' },
  { key: 'decodeMs', label: 'decode' },
  { key: 'frameWaitMs', label: 'wait for the animation frame' },
  { key: 'drawMs', label: 'draw' },
  { key: 'totalMs', label: 'page → screen' },
];

/** The stage medians as lines for a tooltip ("" when no frame has finished yet). */
export function stagesText(medians: Partial<Record<StageKey, number>>): string {
  const lines = STAGES.filter(({ key }) => medians[key] !== undefined).map(({ key, label }) => `${label}: ${medians[key]!.toFixed(1)} ms`);
  return lines.length ? `\nWhere the time goes (median of the last frames):\n${lines.join('\n')}` : '';
}

/** The engine's own work on a frame: preprocess + inference + encode (+ the face finder). */
export function engineWorkMs(t: FrameResult['timing']): number {
  return t.preprocessMs + t.inferenceMs + t.encodeMs + (t.facesMs ?? 0);
}

/** How long the frame waited in the engine (mailbox, hand-off to its worker), from its stamps; null without them. */
export function engineQueueMs(t: FrameResult['timing']): number | null {
  return t.inAt !== undefined && t.outAt !== undefined ? Math.max(0, t.outAt - t.inAt - engineWorkMs(t)) : null;
}

interface Open {
  capturedAt: number;
  captureMs: number | null;
  heldMs: number;
  readbackMs: number;
  cutFrom?: CutFrom;
  receivedAt?: number;
  /** When the socket thread had the result, if one relayed it. */
  arrivedAt?: number;
  decodeMs?: number;
  timing?: FrameResult['timing'];
}

/** Stamped frames the clock offset is estimated from: the newest ones, so a restarted engine is followed. */
const OFFSET_WINDOW = 120;

/**
 * The engine's clock minus the page's, estimated as NTP does: of the recent frames, the one whose
 * ways there and back took least time together is taken to have taken them equally long. Its two
 * raw differences (engine arrival − page send, page arrival − engine departure) then give the
 * offset, and its error is at most half that shortest round trip (`bound`).
 */
export class ClockOffset {
  private readonly samples: { there: number; back: number }[] = [];

  constructor(private readonly window = OFFSET_WINDOW) {}

  /** Adds one frame's raw differences (each holds the true time of its way ± the offset). */
  add(there: number, back: number): void {
    if (!Number.isFinite(there) || !Number.isFinite(back)) return;
    this.samples.push({ there, back });
    if (this.samples.length > this.window) this.samples.shift();
  }

  /** The offset (0 before any sample) and its error bound, ms. */
  get estimate(): { offset: number; bound: number } {
    let best: { there: number; back: number } | null = null;
    for (const x of this.samples) if (!best || x.there + x.back < best.there + best.back) best = x;
    return best ? { offset: (best.there - best.back) / 2, bound: Math.max(0, (best.there + best.back) / 2) } : { offset: 0, bound: 0 };
  }

  clear(): void {
    this.samples.length = 0;
  }
}

/** Frames on their way (a frame replaced in the engine's mailbox never finishes). */
const OPEN_LIMIT = 64;
/**
 * Finished records kept: enough for the tooltip's medians. A benchmark that reads a longer window sets
 * window.__convscopeKeepFrameStages before the page loads (a soak would otherwise see the list grow).
 */
const DONE_KEEP = 120;

declare global {
  interface Window {
    /** Finished frame records, oldest first (for benchmarks; read and cleared by them). */
    __convscopeFrameStages?: FrameStages[];
    /** How many finished records to keep (default DONE_KEEP). */
    __convscopeKeepFrameStages?: number;
    /** The engine's clock minus the page's as the trace estimates it, and its error bound, ms (for benchmarks). */
    __convscopeClockOffset?: () => { offset: number; bound: number };
  }
}

export class FrameTrace {
  private readonly open = new Map<number, Open>();
  readonly done: FrameStages[] = [];
  /** The engine's clock against the page's, from the stamped frames. */
  readonly offset = new ClockOffset();
  /** receivedAt − arrivedAt of the recent relayed results (see onPageClock). */
  private readonly relayed: number[] = [];

  constructor(
    private readonly clock: () => number = wallNow,
    private readonly keep = DONE_KEEP,
  ) {}

  /**
   * The pump's callback for a picture began at `capturedAt` (wall clock) and its crop is read now;
   * `captureMs`: camera → callback.
   */
  captured(id: number, capturedAt: number, captureMs: number | null, cutFrom?: CutFrom, cutAt = capturedAt): void {
    if (this.open.size >= OPEN_LIMIT) this.open.delete(this.open.keys().next().value as number);
    this.open.set(id, { capturedAt, captureMs, heldMs: cutAt - capturedAt, readbackMs: this.clock() - cutAt, ...(cutFrom ? { cutFrom } : {}) });
  }

  /**
   * A result arrived at `receivedAt` (before decoding) and took `decodeMs` to read; `arrivedAt`: when
   * the thread that relayed it to the page (browser mode's socket thread) had it.
   */
  received(r: FrameResult, receivedAt: number, decodeMs: number, arrivedAt?: number): void {
    const o = this.open.get(r.id);
    if (!o) return;
    o.receivedAt = receivedAt;
    o.arrivedAt = arrivedAt === undefined ? undefined : this.onPageClock(arrivedAt, receivedAt);
    o.decodeMs = decodeMs;
    o.timing = r.timing;
  }

  /**
   * The relaying thread's stamp on the page's clock. Each thread fixes its wall-clock origin
   * (performance.timeOrigin) from the system clock on its own, so the two agree only to a few ms
   * (4.6 ms apart in one CI run, which made the stages of a frame add up to more than its total). The
   * page takes a relayed result no sooner than the thread had it, and an idle page within a fraction
   * of a millisecond, so the smallest difference of the recent results stands for the offset.
   */
  private onPageClock(arrivedAt: number, receivedAt: number): number {
    this.relayed.push(receivedAt - arrivedAt);
    if (this.relayed.length > OFFSET_WINDOW) this.relayed.shift();
    return arrivedAt + Math.min(...this.relayed);
  }

  /** The result of frame `id` was drawn by the animation frame whose draw began at `drawStartedAt` and took `drawMs`. */
  drawn(id: number, drawStartedAt: number, drawMs: number): FrameStages | null {
    const o = this.open.get(id);
    this.open.delete(id);
    if (!o || o.receivedAt === undefined || !o.timing) return null;
    const t = o.timing;
    const now = this.clock();
    const decodedAt = o.receivedAt + (o.decodeMs ?? 0);
    // A draw that began before the result was read cannot have drawn it: the frame after it did.
    const start = drawStartedAt >= decodedAt ? drawStartedAt : now - drawMs;
    const readDone = o.capturedAt + o.heldMs + o.readbackMs;
    const stamped = t.inAt !== undefined && t.outAt !== undefined;
    // Raw differences across the two clocks (back to the socket thread where there is one: the way
    // that mirrors the way there), then corrected by their estimated offset.
    const backAt = o.arrivedAt ?? o.receivedAt;
    if (stamped) this.offset.add(t.inAt! - readDone, backAt - t.outAt!);
    const clock = stamped ? this.offset.estimate : null;
    const offset = clock?.offset ?? 0;
    const s: FrameStages = {
      id,
      captureMs: o.captureMs,
      heldMs: o.heldMs,
      readbackMs: o.readbackMs,
      ...(o.cutFrom ? { cutFrom: o.cutFrom } : {}),
      sendMs: stamped ? t.inAt! - offset - readDone : null,
      queueMs: engineQueueMs(t),
      preprocessMs: t.preprocessMs,
      inferenceMs: t.inferenceMs,
      encodeMs: t.encodeMs,
      facesMs: t.facesMs ?? null,
      backMs: stamped ? backAt - (t.outAt! - offset) : null,
      mainWaitMs: o.arrivedAt !== undefined ? Math.max(0, o.receivedAt - o.arrivedAt) : null,
      decodeMs: o.decodeMs ?? 0,
      frameWaitMs: Math.max(0, start - decodedAt),
      drawMs,
      totalMs: start + drawMs - o.capturedAt,
      clockBoundMs: clock?.bound ?? null,
    };
    this.done.push(s);
    if (this.done.length > this.keep) this.done.splice(0, this.done.length - this.keep);
    return s;
  }

  /**
   * The status line's latency: the median over the last `n` finished frames of camera capture →
   * result on screen (from the page's picture callback where the browser does not say when the
   * camera took the picture); null before any frame has finished. A median, so the slow first
   * frames after a model loads do not linger in it.
   */
  latency(n = 30): number | null {
    const xs = this.done.slice(-n).map((r) => (r.captureMs ?? 0) + r.totalMs);
    return xs.length ? median(xs) : null;
  }

  /** Median of each stage over the last `n` finished frames (null where no frame had the stage). */
  medians(n = 60): Partial<Record<StageKey, number>> {
    const recent = this.done.slice(-n);
    const out: Partial<Record<StageKey, number>> = {};
    for (const { key } of STAGES) {
      const xs = recent.map((r) => r[key]).filter((v): v is number => v !== null && Number.isFinite(v));
      if (xs.length) out[key] = median(xs);
    }
    return out;
  }

  clear(): void {
    this.open.clear();
    this.done.length = 0;
    this.offset.clear();
    this.relayed.length = 0;
  }
}

/** The page's one trace. */
export const frameTrace = new FrameTrace(wallNow, (typeof window !== 'undefined' && window.__convscopeKeepFrameStages) || DONE_KEEP);
if (typeof window !== 'undefined') {
  window.__convscopeFrameStages = frameTrace.done;
  window.__convscopeClockOffset = () => frameTrace.offset.estimate;
}
