// Renderer benchmark: browser mode as a user runs it (out/main/web.js on a random port), the built
// renderer in Debian's Chromium with a fake camera, the default layout of each bundled model.
// Results are counted where they arrive, in the page's WebSocket (Playwright sees every frame it
// sends and every result it receives and decodes both); the renderer's own cost per drawn result
// comes from window.__convscopeRenderMs (src-renderer/src/scene/perf.ts), and the status line gives
// the camera fps, shown fps and camera-to-screen latency.
import { chromium, type Page, type WebSocket } from '@playwright/test';
import { decodeResult, isFrame, isResult, messageFrameId } from '../../src-shared/payload';
import { selectByText, status, waitForLive } from '../../e2e/support/app';
import { chromiumPath, fakeCameraArgs } from '../../e2e/support/paths';
import { startServer } from '../../e2e/support/server';
import { childrenWith, rssMiB } from './memory';
import { fmt, log, median, p95 } from './stats';

export interface StatusSample {
  fps: number;
  shownFps: number;
  inferenceMs: number;
  latencyMs: number;
  renderMs: number;
  dropped: number;
  provider: string;
  model: string;
}

/** One result as seen from the page's WebSocket. */
export interface WireResult {
  id: number;
  bytes: number;
  /** Frame sent → its result received, both as Playwright saw them, ms. */
  wireMs: number;
  preprocessMs: number;
  inferenceMs: number;
  encodeMs: number;
}

export interface RendererModelResult {
  model: string;
  seconds: number;
  /** Results that reached the page's WebSocket during the window. */
  results: WireResult[];
  framesSent: number;
  /** Renderer cost of every result drawn during the window, ms. */
  renderMs: number[];
  status: StatusSample[];
  topClass: string;
  rssMiB: { server: number; engine: number; renderer: number };
}

export interface RendererResult {
  webgl: string;
  userAgent: string;
  viewport: string;
  models: RendererModelResult[];
  rssAtStart: { server: number; engine: number; renderer: number };
  /** `--soak`: memory every 10 s while the last model keeps running. */
  soak: { atS: number; server: number; engine: number; renderer: number; results: number }[];
}

const num = (text: string, re: RegExp): number => {
  const m = text.match(re);
  return m ? Number(m[1]) : Number.NaN;
};

/** "camera 29.8 fps · shown 29.5 fps · inference 1.2 ms · latency 35 ms · render 2.1 ms · dropped 3 frames · provider cpu · model LeNet" */
export function parseStatusLine(text: string): StatusSample {
  return {
    fps: num(text, /camera\s+([\d.]+)\s*fps/),
    shownFps: num(text, /shown\s+([\d.]+)\s*fps/),
    inferenceMs: num(text, /inference\s+([\d.]+)\s*ms/),
    latencyMs: num(text, /latency\s+([\d.]+)\s*ms/),
    renderMs: num(text, /render\s+([\d.]+)\s*ms/),
    dropped: num(text, /dropped\s+(\d+)/),
    provider: text.match(/provider\s+(\S+)/)?.[1] ?? '',
    model: text.match(/model\s+(.+?)(?:\s+·|$)/)?.[1]?.trim() ?? '',
  };
}

interface BenchWindow {
  __benchRenderSamples: number[];
}

/**
 * Records every value the renderer assigns to window.__convscopeRenderMs, not just the latest one.
 * A string, not a function: tsx's transform wraps named functions in a helper the page lacks.
 */
const RECORD_RENDER_COSTS = `(() => {
  const samples = [];
  let current;
  window.__benchRenderSamples = samples;
  Object.defineProperty(window, '__convscopeRenderMs', {
    configurable: true,
    get() { return current; },
    set(v) { current = v; samples.push(v.last); },
  });
})();`;

/** Watches the page's engine WebSocket: frames out, results in. */
class Wire {
  private sentAt = new Map<number, number>();
  results: WireResult[] = [];
  framesSent = 0;

  attach(ws: WebSocket): void {
    ws.on('framesent', (f) => {
      if (typeof f.payload === 'string' || !isFrame(f.payload)) return;
      const id = messageFrameId(f.payload);
      if (id === null) return;
      this.framesSent++;
      this.sentAt.set(id, performance.now());
    });
    ws.on('framereceived', (f) => {
      if (typeof f.payload === 'string' || !isResult(f.payload)) return;
      const at = performance.now();
      const r = decodeResult(f.payload);
      const sent = this.sentAt.get(r.id);
      this.sentAt.delete(r.id);
      this.results.push({
        id: r.id,
        bytes: f.payload.byteLength,
        wireMs: sent === undefined ? Number.NaN : at - sent,
        preprocessMs: r.timing.preprocessMs,
        inferenceMs: r.timing.inferenceMs,
        encodeMs: r.timing.encodeMs,
      });
    });
  }

  reset(): void {
    this.results = [];
    this.framesSent = 0;
  }
}

async function memory(server: Awaited<ReturnType<typeof startServer>>) {
  const enginePid = (await server.engine()).pid;
  return {
    server: rssMiB(server.process.pid ?? -1),
    engine: enginePid ? rssMiB(enginePid) : Number.NaN,
    // Chromium started by Playwright from this process: its renderer processes (the page).
    renderer: childrenWith(process.pid, '--type=renderer').reduce((a, p) => a + (rssMiB(p) || 0), 0),
  };
}

async function measure(page: Page, wire: Wire, label: string, seconds: number, server: Awaited<ReturnType<typeof startServer>>): Promise<RendererModelResult> {
  // Settle first: textures, shaders and the engine's first runs after a load.
  await page.waitForTimeout(3000);
  await page.evaluate(() => {
    (window as unknown as BenchWindow).__benchRenderSamples.length = 0;
  });
  wire.reset();
  const line = page.locator('[data-testid="status-line"]');
  const samples: StatusSample[] = [];
  const start = Date.now();
  let nextReport = start + 5000;
  while (Date.now() - start < seconds * 1000) {
    samples.push(parseStatusLine((await line.textContent()) ?? ''));
    if (Date.now() >= nextReport) {
      const s = samples[samples.length - 1];
      log(`renderer: ${label} ${Math.round((Date.now() - start) / 1000)} s: camera ${fmt(s.fps)} fps, ${wire.results.length} results so far, inference ${fmt(s.inferenceMs)} ms, latency ${fmt(s.latencyMs)} ms, render ${fmt(s.renderMs)} ms`);
      nextReport += 5000;
    }
    await page.waitForTimeout(500);
  }
  const elapsed = (Date.now() - start) / 1000;
  const results = [...wire.results];
  const framesSent = wire.framesSent;
  const renderMs = await page.evaluate(() => [...(window as unknown as BenchWindow).__benchRenderSamples]);
  const topClass = ((await status(page).textContent()) ?? '').trim();
  const rss = await memory(server);
  log(`renderer: ${label}: ${results.length} results in ${fmt(elapsed)} s (${fmt(results.length / elapsed)}/s), ${framesSent} frames sent, wire round trip median ${fmt(median(results.map((r) => r.wireMs)))} ms, render median ${fmt(median(renderMs))} ms`);
  return { model: samples[samples.length - 1]?.model ?? label, seconds: elapsed, results, framesSent, renderMs, status: samples, topClass, rssMiB: rss };
}

async function switchTo(page: Page, re: RegExp): Promise<void> {
  const line = page.locator('[data-testid="status-line"]');
  await selectByText(page.locator('[data-testid="model-select"]'), re);
  const deadline = Date.now() + 120_000;
  while (!new RegExp(`model\\s+${re.source}`, 'i').test((await line.textContent()) ?? '')) {
    if (Date.now() > deadline) throw new Error(`${re} did not load within 120 s (status line: ${await line.textContent()})`);
    await page.waitForTimeout(250);
  }
  await waitForLive(page);
}

export async function benchRenderer(video: string, opts: { seconds: number; models: RegExp[]; soakSeconds: number }): Promise<RendererResult> {
  log('renderer: starting browser mode (out/main/web.js --port 0)');
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: fakeCameraArgs(video) });
  try {
    const viewport = { width: 1440, height: 960 };
    const page = await browser.newPage({ viewport });
    const wire = new Wire();
    page.on('websocket', (ws) => wire.attach(ws));
    page.on('pageerror', (e) => log(`renderer: page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') log(`renderer: console error: ${m.text()}`);
    });
    await page.addInitScript({ content: RECORD_RENDER_COSTS });
    log(`renderer: ${server.url.replace(/token=.*/, 'token=…')} in ${chromiumPath} (headless, fake camera ${video})`);
    await page.goto(server.url);
    const webgl = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) return 'no WebGL2';
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    });
    const userAgent = await page.evaluate(() => navigator.userAgent);
    log(`renderer: WebGL2 renderer: ${webgl}`);
    await waitForLive(page);
    const rssAtStart = await memory(server);
    const models: RendererModelResult[] = [];
    for (const re of opts.models) {
      log(`renderer: switching to ${re.source}`);
      await switchTo(page, re);
      log(`renderer: ${re.source} live; measuring ${opts.seconds} s`);
      models.push(await measure(page, wire, re.source, opts.seconds, server));
    }
    for (const m of models) {
      log(`renderer: ${m.model}: ${m.renderMs.length} results drawn, render median ${fmt(median(m.renderMs))} ms, p95 ${fmt(p95(m.renderMs))} ms`);
    }
    const soak: RendererResult['soak'] = [];
    if (opts.soakSeconds > 0) {
      log(`renderer: soak: ${opts.soakSeconds} s with ${models[models.length - 1]?.model ?? 'the model'}, memory every 10 s`);
      wire.reset();
      const start = Date.now();
      for (let at = 0; at <= opts.soakSeconds; at += 10) {
        await page.waitForTimeout(Math.max(0, start + at * 1000 - Date.now()));
        const m = await memory(server);
        soak.push({ atS: at, ...m, results: wire.results.length });
        log(`renderer: soak ${at} s: server ${fmt(m.server)} MiB, engine ${fmt(m.engine)} MiB, renderer ${fmt(m.renderer)} MiB, ${wire.results.length} results`);
      }
    }
    return { webgl, userAgent, viewport: `${viewport.width}×${viewport.height}`, models, rssAtStart, soak };
  } finally {
    await browser.close();
    await server.stop();
  }
}
