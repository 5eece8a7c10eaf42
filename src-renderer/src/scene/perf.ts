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

/** How far back "shown fps" counts drawn results. */
const SHOWN_WINDOW_MS = 2000;
const drawnAt: number[] = [];

/** Results drawn per second over the last two seconds (0 when nothing was drawn lately). */
export function shownFps(now = performance.now()): number {
  while (drawnAt.length && drawnAt[0] <= now - SHOWN_WINDOW_MS) drawnAt.shift();
  return drawnAt.length / (SHOWN_WINDOW_MS / 1000);
}

/** Records one drawn result and what drawing it cost (`at`: when it was drawn). */
export function recordRenderCost(ms: number, at = performance.now()): void {
  drawnAt.push(at);
  if (drawnAt.length > 1000) drawnAt.shift();
  history.push(ms);
  if (history.length > WINDOW) history.shift();
  const c = { last: ms, median: median(history), samples: history.length };
  setCost(c);
  if (typeof window !== 'undefined') window.__convscopeRenderMs = c;
}
