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
 * Events per second over the last `windowMs`: how many came in it ÷ its length. Until events have
 * come for a whole window: the events so far less one ÷ the time from the first to the last, but
 * never more than all of them ÷ the time since the first, so that a burst (the first results after
 * a model loads) does not read as the burst's own rate; 0 with fewer than two. The status line's
 * camera fps and shown fps both come from one, so they compare like for like. Counting does not
 * read high when events come unevenly, as an average of 1000 ÷ each interval does (20 ms, then
 * 47 ms, … reads 36 for 30 a second), nor after a stall, as the span from the first event in the
 * window to the last would.
 */
export class RateWindow {
  private readonly times: number[] = [];
  /** The first event since the window was made or cleared (NaN: none yet). */
  private first = Number.NaN;

  constructor(private readonly windowMs = 2000) {}

  mark(at: number): void {
    if (Number.isNaN(this.first)) this.first = at;
    this.times.push(at);
    this.trim(at);
    if (this.times.length > 1024) this.times.shift();
  }

  rate(now: number): number {
    this.trim(now);
    const t = this.times;
    if (t.length < 2) return 0;
    if (now - this.first >= this.windowMs) return (t.length * 1000) / this.windowMs;
    const spanned = ((t.length - 1) * 1000) / Math.max(1, t[t.length - 1] - t[0]);
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

/** Records one drawn result and what drawing it cost (`at`: when it was drawn). */
export function recordRenderCost(ms: number, at = performance.now()): void {
  drawn.mark(at);
  history.push(ms);
  if (history.length > WINDOW) history.shift();
  const c = { last: ms, median: median(history), samples: history.length };
  setCost(c);
  if (typeof window !== 'undefined') window.__convscopeRenderMs = c;
}
