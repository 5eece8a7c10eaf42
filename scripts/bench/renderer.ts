// Renderer benchmark: browser mode as a user runs it (out/main/web.js on a random port), the built
// renderer in Debian's Chromium with a fake camera, the default layout of each model. Reads the
// renderer's own per-result cost (window.__convscopeRenderMs, set by src-renderer/src/scene/perf.ts
// after every result drawn) and the status line (camera fps, inference, camera-to-screen latency).
import { chromium, type Page } from '@playwright/test';
import { selectByText, status, waitForLive } from '../../e2e/support/app';
import { chromiumPath, fakeCameraArgs } from '../../e2e/support/paths';
import { startServer } from '../../e2e/support/server';
import { fmt, log, median, p90 } from './stats';

export interface StatusSample {
  fps: number;
  inferenceMs: number;
  latencyMs: number;
  renderMs: number;
  dropped: number;
  provider: string;
  model: string;
}

export interface RendererModelResult {
  model: string;
  seconds: number;
  /** Renderer cost of every result drawn during the window, ms. */
  renderMs: number[];
  status: StatusSample[];
  topClass: string;
}

export interface RendererResult {
  webgl: string;
  userAgent: string;
  viewport: string;
  models: RendererModelResult[];
}

const num = (text: string, re: RegExp): number => {
  const m = text.match(re);
  return m ? Number(m[1]) : Number.NaN;
};

/** "camera 29.8 fps · inference 1.2 ms · latency 35 ms · render 2.1 ms · dropped 3 frames · provider cpu · model LeNet" */
export function parseStatusLine(text: string): StatusSample {
  return {
    fps: num(text, /camera\s+([\d.]+)\s*fps/),
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

async function measure(page: Page, label: string, seconds: number): Promise<RendererModelResult> {
  // Settle first: textures, shaders and the engine's first runs after a load.
  await page.waitForTimeout(3000);
  await page.evaluate(() => {
    (window as unknown as BenchWindow).__benchRenderSamples.length = 0;
  });
  const line = page.locator('[data-testid="status-line"]');
  const samples: StatusSample[] = [];
  const start = Date.now();
  let nextReport = start + 5000;
  while (Date.now() - start < seconds * 1000) {
    samples.push(parseStatusLine((await line.textContent()) ?? ''));
    if (Date.now() >= nextReport) {
      const s = samples[samples.length - 1];
      log(`renderer: ${label} ${Math.round((Date.now() - start) / 1000)} s: camera ${fmt(s.fps)} fps, inference ${fmt(s.inferenceMs)} ms, latency ${fmt(s.latencyMs)} ms, render ${fmt(s.renderMs)} ms`);
      nextReport += 5000;
    }
    await page.waitForTimeout(500);
  }
  const elapsed = (Date.now() - start) / 1000;
  const renderMs = await page.evaluate(() => [...(window as unknown as BenchWindow).__benchRenderSamples]);
  const topClass = ((await status(page).textContent()) ?? '').trim();
  return { model: samples[samples.length - 1]?.model ?? label, seconds: elapsed, renderMs, status: samples, topClass };
}

export async function benchRenderer(video: string, opts: { seconds: number }): Promise<RendererResult> {
  log('renderer: starting browser mode (out/main/web.js --port 0)');
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: fakeCameraArgs(video) });
  try {
    const viewport = { width: 1440, height: 960 };
    const page = await browser.newPage({ viewport });
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
    const models: RendererModelResult[] = [];
    log(`renderer: default model live; measuring ${opts.seconds} s`);
    models.push(await measure(page, 'LeNet', opts.seconds));

    log('renderer: switching to SqueezeNet');
    const line = page.locator('[data-testid="status-line"]');
    await selectByText(page.locator('[data-testid="model-select"]'), /squeeze/);
    const deadline = Date.now() + 120_000;
    while (!/model\s+SqueezeNet/i.test((await line.textContent()) ?? '')) {
      if (Date.now() > deadline) throw new Error(`SqueezeNet did not load within 120 s (status line: ${await line.textContent()})`);
      await page.waitForTimeout(250);
    }
    // Results from the new model must be arriving: the renderer records its cost again.
    await page.evaluate(() => {
      (window as unknown as BenchWindow).__benchRenderSamples.length = 0;
    });
    await waitForLive(page);
    await page.waitForFunction(() => (window as unknown as BenchWindow).__benchRenderSamples.length > 0, undefined, { timeout: 60_000 });
    log(`renderer: SqueezeNet live; measuring ${opts.seconds} s`);
    models.push(await measure(page, 'SqueezeNet', opts.seconds));
    for (const m of models) {
      log(`renderer: ${m.model}: ${m.renderMs.length} results drawn, render median ${fmt(median(m.renderMs))} ms, p90 ${fmt(p90(m.renderMs))} ms`);
    }
    return { webgl, userAgent, viewport: `${viewport.width}×${viewport.height}`, models };
  } finally {
    await browser.close();
    await server.stop();
  }
}
