// Renderer benchmark: browser mode as a user runs it (out/main/web.js on a random port), the built
// renderer in Debian's Chromium with a fake camera, the default layout of each bundled model.
// Results are counted where they arrive, at the page's engine socket (a wrapper installed before the
// app loads stamps each frame and result); the renderer's own cost per drawn result comes from
// window.__convscopeRenderMs (src-renderer/src/scene/perf.ts), and the status line gives the camera
// fps, shown fps and camera-to-screen latency. Playwright switches models and is disconnected while
// the bench measures (scripts/bench/cdp.ts says why).
import { chromium, type Browser, type Page } from '@playwright/test';
import { FRAME_MAGIC, ID_OFFSET, RESULT_MAGIC } from '../../src-shared/payload';
import { selectByText, waitForLive } from '../../e2e/support/app';
import { chromiumPath, fakeCameraArgs } from '../../e2e/support/paths';
import { startServer } from '../../e2e/support/server';
import { launchWithDevTools, PageEvaluator } from './cdp';
import type { FrameStages } from '../../src-renderer/src/trace/frame-trace';
import { childrenWith, chromiumProcesses, cpuMs, rssMiB } from './memory';
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

/** One result as seen at the page's WebSocket. */
export interface WireResult {
  id: number;
  bytes: number;
  /** Frame handed to the page's WebSocket → its result delivered there, ms. */
  wireMs: number;
  /** The engine's times for this result where the page drew it (NaN for a result replaced before its animation frame). */
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
  /** Every frame drawn during the window, split into its stages by the page (src-renderer/src/trace/frame-trace.ts). */
  stages: FrameStages[];
  /** The engine's clock minus the page's at the end, as the page estimated it to split "send" from "result back", ms. */
  clock: { offset: number; bound: number } | null;
  /** CPU used during the window per process (kind → % of one core): the server, the engine host, Chromium's processes by type. */
  cpu: Record<string, number>;
}

/** A model for the browser-mode run: a bundled one picked in the model list, or files opened like a user does. */
export interface RendererModel {
  label: string;
  select?: RegExp;
  files?: string[];
}

export interface RendererResult {
  webgl: string;
  userAgent: string;
  viewport: string;
  /** `--resolution`: what the run chose in Engine → Drawing resolution (null: the default, automatic). */
  resolution: string | null;
  /** Canvas pixels per CSS pixel while measuring (0.5: drawn at half resolution). */
  drawScale: number;
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
  __convscopeFrameStages?: FrameStages[];
  __convscopeClockOffset?: () => { offset: number; bound: number };
}

/**
 * Records every value the renderer assigns to window.__convscopeRenderMs, not just the latest one.
 * A string, not a function: tsx's transform wraps named functions in a helper the page lacks.
 */
const RECORD_RENDER_COSTS = `(() => {
  window.__convscopeKeepFrameStages = 20000;
  const samples = [];
  let current;
  window.__benchRenderSamples = samples;
  Object.defineProperty(window, '__convscopeRenderMs', {
    configurable: true,
    get() { return current; },
    set(v) { current = v; samples.push(v.last); },
  });
})();`;

/**
 * Watches the page's engine socket from inside the page. Browser mode keeps the socket on a worker
 * thread (src-renderer/src/host/socket-thread.ts), so a wrapper around the page's Worker, installed
 * before the app loads, stamps each frame the page hands to it and each result it hands back (id,
 * bytes, performance.now()); a wrapper around WebSocket does the same where the page keeps the socket
 * itself. Playwright's own WebSocket events were used before, but they relay every message's payload
 * through the DevTools protocol (base64). Not listening is not enough: a connected Playwright has
 * the Network domain enabled, and Chromium sends the payloads anyway, so the bench also disconnects
 * Playwright while it measures (scripts/bench/cdp.ts).
 */
const RECORD_WIRE = `(() => {
  const wire = { sent: [], results: [] };
  window.__benchWire = wire;
  const head = (d) => {
    const v = d instanceof ArrayBuffer ? new DataView(d) : ArrayBuffer.isView(d) ? new DataView(d.buffer, d.byteOffset, d.byteLength) : null;
    return v && v.byteLength >= ${ID_OFFSET + 4} ? { magic: v.getUint32(0, true), id: v.getUint32(${ID_OFFSET}, true), bytes: v.byteLength } : null;
  };
  const out = (d) => {
    const h = head(d);
    if (h && h.magic === ${FRAME_MAGIC}) wire.sent.push([h.id, performance.now()]);
  };
  const back = (d) => {
    const h = head(d);
    if (h && h.magic === ${RESULT_MAGIC}) wire.results.push([h.id, performance.now(), h.bytes]);
  };
  const NativeSocket = window.WebSocket;
  const send = NativeSocket.prototype.send;
  NativeSocket.prototype.send = function (d) {
    out(d);
    return send.call(this, d);
  };
  window.WebSocket = class extends NativeSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (e) => back(e.data));
    }
  };
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      this.addEventListener('message', (e) => {
        if (e.data && e.data.type === 'message') back(e.data.data);
      });
    }
    postMessage(msg, transfer) {
      if (msg && msg.type === 'frame') out(msg.buf);
      return super.postMessage(msg, transfer);
    }
  };
})();`;

interface BenchWire {
  sent: [number, number][];
  results: [number, number, number][];
}

class Wire {
  constructor(private page: PageEvaluator) {}

  async reset(): Promise<void> {
    await this.page.evaluate(() => {
      const w = (window as unknown as { __benchWire: BenchWire }).__benchWire;
      w.sent.length = 0;
      w.results.length = 0;
    });
  }

  async count(): Promise<number> {
    return this.page.evaluate(() => (window as unknown as { __benchWire: BenchWire }).__benchWire.results.length);
  }

  /** Frames sent and results received since the last reset; engine times joined from the drawn frames' stages. */
  async read(stages: FrameStages[]): Promise<{ framesSent: number; results: WireResult[] }> {
    const w = await this.page.evaluate(() => {
      const x = (window as unknown as { __benchWire: BenchWire }).__benchWire;
      return { sent: [...x.sent], results: [...x.results] };
    });
    const sentAt = new Map(w.sent);
    const byId = new Map(stages.map((s) => [s.id, s]));
    const results = w.results.map(([id, at, bytes]) => {
      const sent = sentAt.get(id);
      const s = byId.get(id);
      return {
        id,
        bytes,
        wireMs: sent === undefined ? Number.NaN : at - sent,
        preprocessMs: s?.preprocessMs ?? Number.NaN,
        inferenceMs: s?.inferenceMs ?? Number.NaN,
        encodeMs: s?.encodeMs ?? Number.NaN,
      };
    });
    return { framesSent: w.sent.length, results };
  }
}

async function memory(server: Awaited<ReturnType<typeof startServer>>) {
  const enginePid = (await server.engine()).pid;
  return {
    server: rssMiB(server.process.pid ?? -1),
    engine: enginePid ? rssMiB(enginePid) : Number.NaN,
    // The Chromium this process started: its renderer processes (the page).
    renderer: childrenWith(process.pid, '--type=renderer').reduce((a, p) => a + (rssMiB(p) || 0), 0),
  };
}

type Server = Awaited<ReturnType<typeof startServer>>;

/** CPU ms used so far by the server, the engine host and each kind of Chromium process. */
async function cpuNow(server: Server): Promise<Record<string, number>> {
  const out: Record<string, number> = { server: cpuMs(server.process.pid ?? -1) };
  const enginePid = (await server.engine()).pid;
  out['engine host'] = enginePid ? cpuMs(enginePid) : Number.NaN;
  for (const [type, pids] of chromiumProcesses()) out[`Chromium ${type}`] = pids.reduce((a, p) => a + (cpuMs(p) || 0), 0);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The status line's text ("camera 29.8 fps · shown …"). */
const statusLineOf = (page: PageEvaluator) => page.evaluate(() => document.querySelector('[data-testid="status-line"]')?.textContent ?? '');
/** The status proper (what e2e/support/app.ts calls status, the first [role="status"]): "7 — 98.4 %". */
const statusOf = (page: PageEvaluator) => page.evaluate(() => document.querySelector('[role="status"]')?.textContent ?? '');

/** Measures with nothing but `page` (no DevTools domain enabled) attached to the browser. */
async function measure(page: PageEvaluator, wire: Wire, label: string, seconds: number, server: Server): Promise<RendererModelResult> {
  // Settle first: textures, shaders and the engine's first runs after a load.
  await sleep(3000);
  await page.evaluate(() => {
    const w = window as unknown as BenchWindow;
    w.__benchRenderSamples.length = 0;
    if (w.__convscopeFrameStages) w.__convscopeFrameStages.length = 0;
  });
  const cpuStart = await cpuNow(server);
  const cpuStartAt = performance.now();
  await wire.reset();
  const samples: StatusSample[] = [];
  const start = Date.now();
  let nextReport = start + 5000;
  while (Date.now() - start < seconds * 1000) {
    samples.push(parseStatusLine(await statusLineOf(page)));
    if (Date.now() >= nextReport) {
      const s = samples[samples.length - 1];
      log(`renderer: ${label} ${Math.round((Date.now() - start) / 1000)} s: camera ${fmt(s.fps)} fps, ${await wire.count()} results so far, inference ${fmt(s.inferenceMs)} ms, latency ${fmt(s.latencyMs)} ms, render ${fmt(s.renderMs)} ms`);
      nextReport += 5000;
    }
    await sleep(500);
  }
  const elapsed = (Date.now() - start) / 1000;
  const renderMs = await page.evaluate(() => [...(window as unknown as BenchWindow).__benchRenderSamples]);
  const stages = await page.evaluate(() => [...((window as unknown as BenchWindow).__convscopeFrameStages ?? [])]);
  const clock = await page.evaluate(() => (window as unknown as BenchWindow).__convscopeClockOffset?.() ?? null);
  const { results, framesSent } = await wire.read(stages);
  const cpuEnd = await cpuNow(server);
  const wallMs = performance.now() - cpuStartAt;
  const cpu: Record<string, number> = {};
  for (const [k, v] of Object.entries(cpuEnd)) cpu[k] = (100 * (v - (cpuStart[k] ?? 0))) / wallMs;
  const topClass = (await statusOf(page)).trim();
  const rss = await memory(server);
  log(`renderer: ${label}: ${results.length} results in ${fmt(elapsed)} s (${fmt(results.length / elapsed)}/s), ${framesSent} frames sent, wire round trip median ${fmt(median(results.map((r) => r.wireMs)))} ms, render median ${fmt(median(renderMs))} ms`);
  log(`renderer: ${label}: CPU % of one core: ${Object.entries(cpu).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
  return { model: samples[samples.length - 1]?.model ?? label, seconds: elapsed, results, framesSent, renderMs, status: samples, topClass, rssMiB: rss, stages, clock, cpu };
}

const modelOf = (statusLine: string) => parseStatusLine(statusLine).model;

/** Switches to a bundled model, or waits for the files already given to the file input (`before`: the model then). */
async function switchTo(page: Page, m: RendererModel, before: string): Promise<void> {
  const line = page.locator('[data-testid="status-line"]');
  if (m.select) await selectByText(page.locator('[data-testid="model-select"]'), m.select);
  const loaded = (text: string) => (m.select ? new RegExp(`model\\s+${m.select.source}`, 'i').test(text) : modelOf(text) !== '' && modelOf(text) !== before);
  const deadline = Date.now() + 300_000;
  while (!loaded((await line.textContent()) ?? '')) {
    if (Date.now() > deadline) throw new Error(`${m.label} did not load within 300 s (status line: ${await line.textContent()})`);
    await page.waitForTimeout(250);
  }
}

/**
 * After a switch, with Playwright disconnected: a face model (the age nets) proposes following faces;
 * this camera shows digits, so the crop is placed by hand as in the age e2e — otherwise the status
 * rightly says there is no face to read. Then waits until the model is live.
 */
async function settleModel(page: PageEvaluator, m: RendererModel): Promise<void> {
  const faceSwitch = () =>
    page.evaluate(() => {
      const b = document.querySelector('[data-testid="crop-mode-face"]');
      return b ? b.getAttribute('aria-pressed') : null;
    });
  for (const until = Date.now() + (m.files ? 10_000 : 0); (await faceSwitch()) !== 'true' && Date.now() < until; ) await sleep(250);
  for (const until = Date.now() + 30_000; (await faceSwitch()) === 'true'; ) {
    if (Date.now() > until) throw new Error(`${m.label}: the crop still follows faces after 30 s of switching it off`);
    await page.evaluate(() => (document.querySelector('[data-testid="crop-mode-face"]') as HTMLElement | null)?.click());
    await sleep(500);
  }
  // Live: a class with its probability, or an age model's expected age ("age ≈ 31").
  for (const until = Date.now() + 120_000; !/\d+(?:[.,]\d+)?\s*%|≈\s*\d+/.test(await statusOf(page)); ) {
    if (Date.now() > until) throw new Error(`${m.label} is not live after 120 s (status: ${await statusOf(page)})`);
    await sleep(250);
  }
}

export async function benchRenderer(video: string, opts: { seconds: number; models: RendererModel[]; soakSeconds: number; resolution?: string }): Promise<RendererResult> {
  log('renderer: starting browser mode (out/main/web.js --port 0)');
  const server = await startServer();
  const windowSize = { width: 1440, height: 960 };
  // Chromium with a DevTools port (scripts/bench/cdp.ts): Playwright drives the page between
  // measurements and is disconnected while the bench measures.
  const browser = await launchWithDevTools(chromiumPath, fakeCameraArgs(video), windowSize);
  let pw: Browser | null = null;
  let evaluator: PageEvaluator | null = null;
  let driven: Page | null = null;
  const drive = async (): Promise<Page> => {
    if (pw && driven) return driven;
    pw = await chromium.connectOverCDP(browser.wsEndpoint);
    const pages = pw.contexts().flatMap((c) => c.pages());
    const page = pages.find((p) => p.url().startsWith(server.origin)) ?? pages[0];
    if (!page) throw new Error('the browser has no page');
    // Once per connection: a second call while connected returns the same page, with these listeners.
    page.on('pageerror', (e) => log(`renderer: page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') log(`renderer: console error: ${m.text()}`);
    });
    driven = page;
    return page;
  };
  const letGo = async (): Promise<void> => {
    await pw?.close();
    pw = null;
    driven = null;
  };
  try {
    const page = await drive();
    await page.addInitScript({ content: RECORD_RENDER_COSTS });
    await page.addInitScript({ content: RECORD_WIRE });
    log(`renderer: ${server.url.replace(/token=.*/, 'token=…')} in ${chromiumPath} (headless, fake camera ${video})`);
    await page.goto(server.url);
    const webgl = await page.evaluate(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) return 'no WebGL2';
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    });
    const userAgent = await page.evaluate(() => navigator.userAgent);
    let viewport = await page.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
    if (viewport.width !== windowSize.width || viewport.height !== windowSize.height) {
      // Headless Chromium's window is larger than its page by a browser frame: grow the window so the
      // page gets the size asked for (a window's bounds outlast the DevTools connection; an emulated
      // viewport would not).
      const session = await page.context().newCDPSession(page);
      const { windowId, bounds } = await session.send('Browser.getWindowForTarget');
      const width = (bounds.width ?? windowSize.width) + windowSize.width - viewport.width;
      const height = (bounds.height ?? windowSize.height) + windowSize.height - viewport.height;
      await session.send('Browser.setWindowBounds', { windowId, bounds: { width, height } });
      await session.detach();
      await page.waitForTimeout(200);
      viewport = await page.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
    }
    log(`renderer: WebGL2 renderer: ${webgl}; viewport ${viewport.width}×${viewport.height}`);
    await waitForLive(page);
    if (opts.resolution) {
      // As a user does: toolbar → Engine → Drawing resolution.
      await page.locator('[data-testid="engine-menu"]').click();
      await page.locator('[data-testid="draw-resolution"]').selectOption(opts.resolution);
      await page.locator('[data-testid="engine-menu"]').click();
      log(`renderer: drawing resolution ${opts.resolution}`);
    }
    await page.waitForTimeout(500);
    const drawScale = await page.locator('[data-testid="scene-canvas"]').evaluate((c: HTMLCanvasElement) => c.width / c.getBoundingClientRect().width);
    log(`renderer: canvas pixels per CSS pixel ${drawScale.toFixed(2)}`);
    evaluator = await PageEvaluator.connect(browser.httpEndpoint, server.origin);
    const wire = new Wire(evaluator);
    const rssAtStart = await memory(server);
    const models: RendererModelResult[] = [];
    for (const m of opts.models) {
      log(`renderer: switching to ${m.label}`);
      let before = '';
      if (!m.select) {
        // Opened like a user does: the files go to the server as uploads, then the engine loads them.
        await letGo();
        before = modelOf(await statusLineOf(evaluator));
        await evaluator.setInputFiles('input[type=file][data-testid="model-file"]', m.files ?? []);
      }
      await switchTo(await drive(), m, before);
      await letGo();
      await settleModel(evaluator, m);
      log(`renderer: ${m.label} live; Playwright disconnected; measuring ${opts.seconds} s`);
      models.push(await measure(evaluator, wire, m.label, opts.seconds, server));
    }
    for (const m of models) {
      log(`renderer: ${m.model}: ${m.renderMs.length} results drawn, render median ${fmt(median(m.renderMs))} ms, p95 ${fmt(p95(m.renderMs))} ms`);
    }
    const soak: RendererResult['soak'] = [];
    if (opts.soakSeconds > 0) {
      log(`renderer: soak: ${opts.soakSeconds} s with ${models[models.length - 1]?.model ?? 'the model'}, memory every 10 s`);
      await letGo();
      await wire.reset();
      const start = Date.now();
      for (let at = 0; at <= opts.soakSeconds; at += 10) {
        await sleep(Math.max(0, start + at * 1000 - Date.now()));
        const m = await memory(server);
        const results = await wire.count();
        soak.push({ atS: at, ...m, results });
        log(`renderer: soak ${at} s: server ${fmt(m.server)} MiB, engine ${fmt(m.engine)} MiB, renderer ${fmt(m.renderer)} MiB, ${results} results`);
      }
    }
    return { webgl, userAgent, viewport: `${viewport.width}×${viewport.height}`, resolution: opts.resolution ?? null, drawScale, models, rssAtStart, soak };
  } finally {
    evaluator?.close();
    await letGo();
    await browser.close();
    await server.stop();
  }
}
