// Renderer cost per engine result: the time from a result's arrival in the scene to the renders of
// every panel it changed being submitted (scene updates + Pixi render + copy into the panel canvases).
import { createSignal } from 'solid-js';

export interface RenderCost {
  /** Cost of the last frame, ms. */
  last: number;
  /** Median over the last `samples` frames, ms. */
  median: number;
  samples: number;
}

const WINDOW = 120;
const history: number[] = [];
const [cost, setCost] = createSignal<RenderCost>({ last: 0, median: 0, samples: 0 });

/** Live renderer cost for the status line. */
export const renderCost = cost;

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = Float64Array.from(xs).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

declare global {
  interface Window {
    /** Renderer ms per frame, for tests and benchmarks. */
    __convscopeRenderMs?: RenderCost;
  }
}

/** The last draw caused by new data: when it began (wall clock) and what it cost, for the frame trace. */
export const lastFrameDraw = { startedAt: 0, ms: 0 };

/**
 * Events per second over the last `windowMs`: the events in it less one ÷ the time from the first of
 * them to the last, but never more than one event more than came in it ÷ its length, so that a stall
 * reads as one (falling to 0 once nothing came for a whole window). A steady 10 a second drawn at the
 * display's frames puts 19, 20 or 21 events in two seconds, depending on where the window's edges
 * fall and whether the newest is a display frame late; counting alone read 9.5 or 10.5 then. Until
 * events have come for a whole window: the same first estimate, but never more than all of them ÷
 * the time since the first, so that a burst (the first results after a model loads) does not read as
 * the burst's own rate; 0 with fewer than two. The status line's camera fps and shown fps both come
 * from one, so they compare like for like. Counting does not read high when events come unevenly, as
 * an average of 1000 ÷ each interval does (20 ms, then 47 ms, … reads 36 for 30 a second).
 */
export class RateWindow {
  private readonly times: number[] = [];
  /** The first event since the window was made or cleared (NaN: none yet). */
  private first = Number.NaN;

  constructor(private readonly windowMs = 2000) {}

  /** One event at `at`; an event stamped before the previous one counts as at the same time. */
  mark(at: number): void {
    const last = this.times[this.times.length - 1];
    if (last !== undefined && at < last) at = last;
    if (Number.isNaN(this.first)) this.first = at;
    this.times.push(at);
    this.trim(at);
    if (this.times.length > 1024) this.times.shift();
  }

  rate(now: number): number {
    this.trim(now);
    const t = this.times;
    if (t.length < 2) return 0;
    const spanned = ((t.length - 1) * 1000) / Math.max(1, t[t.length - 1] - t[0]);
    if (now - this.first >= this.windowMs) return Math.min(spanned, ((t.length + 1) * 1000) / this.windowMs);
    return Math.min(spanned, (t.length * 1000) / Math.max(1, now - t[0]));
  }

  clear(): void {
    this.times.length = 0;
    this.first = Number.NaN;
  }

  private trim(now: number): void {
    while (this.times.length && this.times[0] <= now - this.windowMs) this.times.shift();
  }
}

const drawn = new RateWindow();

/** Results drawn per second over the last two seconds (0 when fewer than two were drawn in them). */
export function shownFps(now = performance.now()): number {
  return drawn.rate(now);
}

/**
 * Records that an engine result has been drawn (`at`: when). Once per result, not per render that
 * carried new data: the panels of a layout that is still appearing draw one result several times,
 * which read as "shown 13 fps" beside a 10 fps camera.
 */
export function recordShown(at = performance.now()): void {
  drawn.mark(at);
}

/** Records what drawing one frame's new data cost. */
export function recordRenderCost(ms: number): void {
  history.push(ms);
  if (history.length > WINDOW) history.shift();
  const c = { last: ms, median: median(history), samples: history.length };
  setCost(c);
  if (typeof window !== 'undefined') window.__convscopeRenderMs = c;
}
