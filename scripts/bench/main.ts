// `npm run bench`: measures the engine (per model, per stage) and the renderer (browser mode in
// Chromium) once, prints progress on stderr and a markdown summary on stdout. A measurement, not a
// test: nothing is asserted and nothing is written to the repository.
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEngine, type EngineModelResult, type StageTimes } from './engine';
import { benchRenderer, type RendererModelResult, type RendererResult } from './renderer';
import { CAMERA_FPS, cameraVideo } from './camera';
import { fmt, log, median, p90, ratio, table } from './stats';

const root = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
/** The budget for the full default layout, ms of renderer time per frame. */
const RENDER_BUDGET_MS = 4;

const args = new Set(process.argv.slice(2));
const only = args.has('--engine') ? 'engine' : args.has('--renderer') ? 'renderer' : 'all';
const renderSeconds = Number(process.env.CONVSCOPE_BENCH_SECONDS ?? 20);

const mp = (xs: number[]) => `${fmt(median(xs))} / ${fmt(p90(xs))}`;
const total = (s: StageTimes) => s.preprocess.map((p, i) => p + s.inference[i] + s.encode[i]);

function engineTables(results: EngineModelResult[]): string {
  const stages = table(
    ['model', 'subscribed', 'frames', 'preprocess ms', 'inference ms', 'encode ms', 'round trip ms', 'result size'],
    results.flatMap((r) =>
      (
        [
          ['nothing (fast path)', r.fast],
          [`default layout: ${r.subscribedLayers.length} layers`, r.subscribed],
        ] as const
      ).map(([what, s]) => [r.name, what, String(s.frames), mp(s.preprocess), mp(s.inference), mp(s.encode), mp(s.roundTrip), `${(s.bytes / 1024).toFixed(1)} KiB`]),
    ),
  );
  const ratios = table(
    ['model', 'input / crop', 'load ms', 'inference subscribed ÷ fast', 'engine total subscribed ÷ fast', 'round trip subscribed ÷ fast'],
    results.map((r) => [
      r.name,
      `${r.input} / ${r.crop}`,
      fmt(r.loadMs),
      ratio(median(r.subscribed.inference), median(r.fast.inference)),
      ratio(median(total(r.subscribed)), median(total(r.fast))),
      ratio(median(r.subscribed.roundTrip), median(r.fast.roundTrip)),
    ]),
  );
  const stream = table(
    ['model', 'offered /s', 'processed /s', 'pushed', 'processed', 'dropped', 'latency median / p90 ms', 'latency 1st → last quarter (median ms)', 'max ms'],
    results.map((r) => {
      const s = r.stream;
      const q = Math.max(1, Math.floor(s.latency.length / 4));
      return [
        r.name,
        fmt(s.pushed / s.seconds),
        fmt(s.processed / s.seconds),
        String(s.pushed),
        String(s.processed),
        String(s.dropped),
        mp(s.latency),
        `${fmt(median(s.latency.slice(0, q)))} → ${fmt(median(s.latency.slice(-q)))}`,
        fmt(Math.max(...s.latency)),
      ];
    }),
  );
  return [
    `### Engine (Node ${process.version}, the real Engine class: mailbox + one worker thread + onnxruntime-node, provider ${[...new Set(results.map((r) => r.provider))].join('/')})`,
    '',
    'Run in-process from the TypeScript sources (tsx), with crops of the e2e digit scene at the size the renderer sends. Per frame, sequential (each frame pushed when the previous result is back), after warm-up; cells are median / p90 ms. "Default layout" = the subscription the renderer sends for the default generic view (subscriptionFor(defaultGenericPanels)): the conv/FC panels\' layers plus the top-1 map of every map layer for the layer strip. Round trip = pushFrame → decoded result on the main thread.',
    '',
    stages,
    '',
    ratios,
    '',
    'Stream with the default layout subscribed: frames offered from a timer at ≥ 3× what the engine manages; the single-slot mailbox keeps the newest.',
    '',
    stream,
  ].join('\n');
}

function rendererTable(r: RendererResult): string {
  const rows = r.models.map((m: RendererModelResult) => {
    const st = (k: 'fps' | 'inferenceMs' | 'latencyMs') => median(m.status.map((s) => s[k]).filter(Number.isFinite));
    return [
      m.model,
      String(m.renderMs.length),
      fmt(m.renderMs.length / m.seconds),
      mp(m.renderMs),
      fmt(median(m.renderMs) / RENDER_BUDGET_MS),
      fmt(st('fps')),
      fmt(st('inferenceMs')),
      fmt(st('latencyMs')),
      m.topClass,
    ];
  });
  const [lenet, squeeze] = r.models;
  const rel = lenet && squeeze ? `SqueezeNet ÷ LeNet renderer time (medians): ${ratio(median(squeeze.renderMs), median(lenet.renderMs))}.` : '';
  return [
    `### Renderer (browser mode, Chromium headless, viewport ${r.viewport}, default layouts, fake camera ${CAMERA_FPS} fps 640×480)`,
    '',
    `WebGL: **${r.webgl}** — software rendering (SwiftShader) on the CPU that also runs the engine; a real GPU draws far faster. The renderer time is the scene's animation-frame tick that draws a new result (panel updates and texture uploads, one Pixi render call), as recorded in window.__convscopeRenderMs for every result drawn; GL work the driver defers past that call is not in it.`,
    '',
    table(
      ['model', 'results drawn', 'results /s', `renderer ms median / p90`, `median ÷ ${RENDER_BUDGET_MS} ms budget`, 'camera fps', 'inference ms', 'camera→screen latency ms', 'top-1 at the end'],
      rows,
    ),
    '',
    `Camera fps, inference and latency are medians of the status line read every 0.5 s over ${renderSeconds} s (the status line itself shows moving averages). ${rel}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  log(`ConvScope benchmark: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const parts: string[] = [];
  if (only !== 'renderer') {
    log('engine: starting (real worker thread, onnxruntime-node)');
    const results = await benchEngine(join(root, 'assets', 'models'), { streamSeconds: 3, stageMs: 2500 });
    parts.push(engineTables(results));
  }
  if (only !== 'engine') {
    log('camera: preparing the fake-camera video');
    const video = cameraVideo();
    log(`camera: ${video}`);
    const r = await benchRenderer(video, { seconds: renderSeconds });
    parts.push(rendererTable(r));
  }
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  process.stdout.write(
    `\n## ConvScope benchmark, ${when} (${cpus().length} cores, load average at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}, ${((Date.now() - started) / 1000).toFixed(0)} s)\n\n${parts.join('\n\n')}\n`,
  );
}

main().catch((e: Error) => {
  process.stderr.write(`bench failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
