// `npm run bench`: measures the engine (per model, per stage, with the peers) and the renderer
// (browser mode in Chromium) once, prints progress on stderr and a markdown summary on stdout. A
// measurement, not a test: nothing is asserted and nothing is written to the repository.
// Options: --engine | --renderer (one half), --json FILE (every figure), --soak SECONDS (browser
// mode keeps running, memory sampled every 10 s), --models a,b (models by key: lenet, mnist,
// squeezenet, gender, caffenet-age, dex-vgg16), --no-peers, --resolution auto|full|half (browser
// mode with that Engine → Drawing resolution; by default the app's own, automatic).
import './node-globals';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { candidateProviders, cpuThreads } from '../../src-main/engine/providers';
import { CAMERA_FPS, cameraVideo } from './camera';
import { benchEngine, type EngineModelResult, type StageTimes } from './engine';
import { benchModels } from './models';
// The renderer half (Playwright, Chromium) is imported only when it runs: the engine half needs neither.
import type { RendererModel, RendererModelResult, RendererResult } from './renderer';
import { STAGES, type FrameStages } from '../../src-renderer/src/trace/frame-trace';
import { PROFILE_PART_NAMES, PROFILE_PARTS, type GraphTiming, type ProfilePart } from './profile';
import { fmt, log, median, p95, ratio, table } from './stats';

const root = resolve(fileURLToPath(import.meta.url), '..', '..', '..');

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const value = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = flag('--engine') ? 'engine' : flag('--renderer') ? 'renderer' : 'all';
const jsonFile = value('--json');
const soakSeconds = Number(value('--soak') ?? 0);
const modelKeys = value('--models')?.split(',').filter(Boolean) ?? [];
const renderSeconds = Number(process.env.CONVSCOPE_BENCH_SECONDS ?? 20);
// --provider NAME: the engine (its worker inherits the environment) tries NAME first, then the CPU.
const provider = value('--provider');
if (provider) process.env.CONVSCOPE_PROVIDER = provider;

const mp = (xs: number[]) => `${fmt(median(xs))} / ${fmt(p95(xs))}`;
const total = (s: StageTimes) => s.preprocess.map((p, i) => p + s.inference[i] + s.encode[i]);
const mib = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)}` : '–');

/** The GPUs nvidia-smi lists, or '' where there is none (or no nvidia-smi). */
function nvidiaGpus(): string {
  try {
    const names = execFileSync('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return names.trim().split('\n').map((l) => l.replace(/,\s*/, ', driver ')).join('; ');
  } catch {
    return '';
  }
}

function machine(): string {
  const gpu = candidateProviders(false).filter((p) => p !== 'cpu');
  const nvidia = nvidiaGpus();
  return `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM${nvidia ? `, ${nvidia}` : ''}, Node ${process.version}, ${process.platform}/${process.arch}; GPU providers to try: ${gpu.length ? gpu.join(', ') : 'none (no CUDA provider libraries, none pinned with --provider)'}`;
}

function engineTables(results: EngineModelResult[]): string {
  const stages = table(
    ['model', 'subscribed', 'frames', 'preprocess ms', 'inference ms', 'encode ms', 'round trip ms', 'bytes / result', 'cells drawn', 'bytes ÷ cells'],
    results.flatMap((r) =>
      (
        [
          ['nothing (fast path)', r.fast, Number.NaN],
          [`default layout: ${r.subscribedLayers} layers`, r.subscribed, r.displayedCells],
          [`every layer, every map (${r.layers})`, r.everyLayer, Number.NaN],
        ] as const
      ).map(([what, s, cells]) => [
        r.name,
        what,
        String(s.frames),
        mp(s.preprocess),
        mp(s.inference),
        mp(s.encode),
        mp(s.roundTrip),
        `${(s.bytes / 1024).toFixed(1)} KiB`,
        Number.isFinite(cells) ? `${(cells / 1024).toFixed(1)} Ki` : '',
        Number.isFinite(cells) ? ratio(s.bytes, cells) : '',
      ]),
    ),
  );
  const targets = table(
    ['model', 'input / crop', 'load ms', 'engine total default ÷ fast', `stream at ${CAMERA_FPS} fps: results/s`, 'raw inference rate /s (default layout)', 'results/s ÷ raw rate', 'latency median / p95 ms', 'latency ÷ inference (median)'],
    results.map((r) => {
      const s = r.stream;
      const inf = median(r.subscribed.inference);
      const rate = s.processed / s.seconds;
      return [
        r.name,
        `${r.input} / ${r.crop}`,
        fmt(r.loadMs),
        ratio(median(total(r.subscribed)), median(total(r.fast))),
        fmt(rate),
        fmt(1000 / inf),
        ratio(rate, Math.min(s.offeredFps, 1000 / inf)),
        mp(s.latency),
        ratio(median(s.latency), inf),
      ];
    }),
  );
  const threadCounts = [...new Set(results.flatMap((r) => r.native.map((n) => n.threads)))].sort((a, b) => a - b);
  const peers = table(
    [
      'model',
      'native in the engine: every layer, inference + encode ms (median)',
      ...threadCounts.map((t) => `native here, ${t} thread${t > 1 ? 's' : ''} ms (median)`),
      ...peerNames(results).map((p) => `${p} ms (median)`),
      ...threadCounts.map((t) => `best peer ÷ native, ${t} thread${t > 1 ? 's' : ''}`),
    ],
    results.map((r) => {
      const engine = median(r.everyLayer.inference.map((x, i) => x + r.everyLayer.encode[i]));
      const here = threadCounts.map((t) => {
        const n = r.native.find((x) => x.threads === t);
        return n ? median(n.runMs) : Number.NaN;
      });
      const cells = peerNames(results).map((name) => {
        const p = r.peers.find((x) => x.peer === name);
        return !p ? '–' : p.skipped ? `n/a: ${p.skipped}` : fmt(median(p.runMs));
      });
      const best = Math.min(...r.peers.filter((p) => !p.skipped && p.runMs.length).map((p) => median(p.runMs)));
      return [
        r.name,
        fmt(engine),
        ...here.map((v) => (Number.isFinite(v) ? fmt(v) : '–')),
        ...cells,
        ...here.map((v) => (Number.isFinite(best) && Number.isFinite(v) ? ratio(best, v) : '–')),
      ];
    }),
  );
  const profiled = results.filter((r) => r.profile);
  const short: Record<ProfilePart, string> = {
    model: "model's operators",
    layout: 'layout reorders',
    casts: 'casts',
    selection: 'picking the maps',
    quantisation: 'ranges and bytes',
  };
  const alone = (g: (GraphTiming & { layers: number }) | undefined, base: number) => (g ? `+${fmt(g.runMs - base)} (${g.layers})` : '–');
  const profile = table(
    [
      'model',
      'plain model ms / run',
      "default layout's graph ms / run",
      'extra ms',
      'alone: layers shown whole, extra ms (layers)',
      "alone: the strip's top-1 layers, extra ms (layers)",
      ...PROFILE_PARTS.map((p) => `profiled, added: ${short[p]}`),
      'nodes: plain / default',
      'profiler µs per node',
    ],
    profiled.map((r) => {
      const { fast, subscribed, whole, topK } = r.profile!;
      const f = fast.profile;
      const d = subscribed.profile;
      return [
        r.name,
        fmt(fast.runMs),
        fmt(subscribed.runMs),
        fmt(subscribed.runMs - fast.runMs),
        alone(whole, fast.runMs),
        alone(topK, fast.runMs),
        ...PROFILE_PARTS.map((p) => (f && d ? fmt((d.parts[p] - f.parts[p]) / 1000) : '–')),
        f && d ? `${f.nodes} / ${d.nodes}` : '–',
        d ? fmt(d.profilerUsPerNode) : '–',
      ];
    }),
  );
  const agreed = results.filter((r) => r.agreement);
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toPrecision(2)} %` : '∞');
  const agreement = table(
    ['model', 'provider', 'every layer: worst layer', 'its max |Δ| ÷ largest |value|', 'top class (provider / CPU)', "display graph: worst output", 'its max |Δ| ÷ largest |value|'],
    agreed.map((r) => {
      const { layers, display } = r.agreement!;
      return [r.name, layers.provider, layers.worst.output, pct(layers.worst.relative), `${layers.top.other} / ${layers.top.reference}`, display.worst.output, pct(display.worst.relative)];
    }),
  );
  const memory = table(
    ['model', 'engine process RSS MiB before load', 'after its runs'],
    results.map((r) => [r.name, mib(r.rssMiB.before), mib(r.rssMiB.after)]),
  );
  return [
    `### Engine (the real Engine class: mailbox + one worker thread + onnxruntime-node ${results[0]?.provider ?? ''})`,
    '',
    'In-process from the TypeScript sources (tsx), crops of the e2e digit scene at the size the renderer sends. Sequential frames (each pushed when the previous result is back), after warm-up, the fast path and the default layout alternating in four rounds; cells are median / p95 ms. "Default layout" = the subscription the renderer sends for the default generic view. The graph quantises the subscribed layers (onnx/quantise-graph.ts), so that work is inside "inference"; "encode" is what is left in JavaScript (unpacking the graph\'s outputs). Round trip = pushFrame → decoded result on the main thread. "Cells drawn" = map values, neurons and input values the default layout draws plus 4 bytes per class probability (scripts/bench/cells.ts).',
    '',
    stages,
    '',
    `Targets. The stream offers frames at the camera's ${CAMERA_FPS} fps with the default layout subscribed; the raw inference rate is 1000 ÷ the default layout's median inference ms; "results/s ÷ raw rate" compares with the smaller of that rate and the camera's.`,
    '',
    targets,
    '',
    `Peers on the same graph and input, every layer's activation requested. Native: every layer, every map subscribed, inference with the quantisation in the graph + unpacking; "in the engine" from the stage table above (its worker thread, ${cpuThreads()} intra-op thread(s)), "here" a runtime in this process as the peers run, from the prepared tensor as they get it, with the engine's thread count and the peers'. Peers: inference with every layer as an output, nothing else. TF.js runs only what it can import (Keras model_config → tf.models.modelFromJSON).`,
    '',
    peers,
    '',
    ...(profiled.length
      ? [
          `Where the default layout's extra inference time goes: the plain model (the fast path), the default layout's display graph, and the graphs of its two kinds of request alone (the layers shown whole, the strip's strongest map per layer), each in a session of its own in this process with the engine's options, on one crop, run in turn round after round; the first two also in a twin session under onnxruntime's profiler (scripts/bench/profile.ts). Run times are medians without the profiler; the "profiled, added" columns are what the default layout's graph adds to the plain model's kernel times under the profiler (means per run). The profiler itself costs a few µs per node (last column: its cost per node executed, in total), partly inside the kernels' times, so those columns read high for the many small nodes ConvScope adds and do not add up to the extra time. Kinds of work: ${PROFILE_PARTS.map((p) => `**${short[p]}**: ${PROFILE_PART_NAMES[p]}`).join('; ')}.`,
          '',
          profile,
          '',
        ]
      : []),
    ...(agreed.length
      ? [
          `Does the ${agreed[0].provider} provider compute what the CPU computes? The model with every layer as an output, and the default layout's display graph (quantised maps as bytes, ranges, the strip's picks), each run on the CPU and on the provider from the same preprocessed crop (scripts/bench/agreement.ts): the output that differs most, by its largest difference relative to the largest magnitude of the CPU's values, and the top class of the model's output on both.`,
          '',
          agreement,
          '',
        ]
      : []),
    memory,
  ].join('\n');
}

function peerNames(results: EngineModelResult[]): string[] {
  return [...new Set(results.flatMap((r) => r.peers.map((p) => p.peer)))];
}

function rendererTables(r: RendererResult): string {
  const rows = r.models.map((m: RendererModelResult) => {
    const st = (k: 'fps' | 'shownFps' | 'latencyMs') => median(m.status.map((s) => s[k]).filter(Number.isFinite));
    const res = m.results;
    return [
      m.model,
      fmt(st('fps')),
      fmt(res.length / m.seconds),
      fmt(st('shownFps')),
      fmt(m.renderMs.length / m.seconds),
      fmt(st('latencyMs')),
      mp(res.map((x) => x.wireMs).filter(Number.isFinite)),
      mp(res.map((x) => x.preprocessMs).filter(Number.isFinite)),
      mp(res.map((x) => x.inferenceMs).filter(Number.isFinite)),
      mp(res.map((x) => x.encodeMs).filter(Number.isFinite)),
      mp(m.renderMs),
      `${(median(res.map((x) => x.bytes)) / 1024).toFixed(1)} KiB`,
      m.topClass,
    ];
  });
  const mem = table(
    ['when', 'server MiB', 'engine host MiB', 'Chromium renderer MiB'],
    [
      ['start (first model live)', mib(r.rssAtStart.server), mib(r.rssAtStart.engine), mib(r.rssAtStart.renderer)],
      ...r.models.map((m) => [`after ${m.model}`, mib(m.rssMiB.server), mib(m.rssMiB.engine), mib(m.rssMiB.renderer)]),
      ...r.soak.map((s) => [`soak ${s.atS} s (${s.results} results)`, mib(s.server), mib(s.engine), mib(s.renderer)]),
    ],
  );
  /** How the drawn frames' crops were cut: from the camera's video frame, or from the whole picture on a canvas (src-renderer/src/sources/video-cut.ts). */
  const cutCounts = (stages: FrameStages[]) => {
    const n = new Map<string, number>();
    for (const s of stages) n.set(s.cutFrom ?? 'not said', (n.get(s.cutFrom ?? 'not said') ?? 0) + 1);
    return [...n].map(([k, c]) => `${k} ${c}`).join(', ') || '–';
  };
  /** Capture → drawn, per frame: the browser's video pipeline plus page → screen, what the status line's latency shows the median of (frames whose capture time the browser gave). */
  const cameraToScreen = (stages: FrameStages[]) => {
    const xs = stages.filter((s) => s.captureMs !== null && Number.isFinite(s.captureMs)).map((s) => s.captureMs! + s.totalMs);
    return xs.length ? mp(xs) : '–';
  };
  const stageRows = r.models.map((m) => [
    m.model,
    String(m.stages.length),
    cutCounts(m.stages),
    m.clock ? `${fmt(m.clock.offset)} ± ${fmt(m.clock.bound)}` : '–',
    ...STAGES.map(({ key }) => {
      const xs = m.stages.map((s) => s[key]).filter((v): v is number => v !== null && Number.isFinite(v));
      return xs.length ? mp(xs) : '–';
    }),
    cameraToScreen(m.stages),
  ]);
  const kinds = [...new Set(r.models.flatMap((m) => Object.keys(m.cpu)))].filter((k) => r.models.some((m) => (m.cpu[k] ?? 0) >= 0.5));
  const cpuRows = r.models.map((m) => [m.model, ...kinds.map((k) => fmt(m.cpu[k] ?? Number.NaN)), fmt(kinds.reduce((a, k) => a + (m.cpu[k] || 0), 0))]);
  return [
    `### Browser mode (Chromium headless, viewport ${r.viewport}, default layouts, drawn at ${Math.abs(r.drawScale - 0.5) < 0.05 ? 'half' : Math.abs(r.drawScale - 1) < 0.05 ? 'full' : `${r.drawScale.toFixed(2)} ×`} resolution (${r.resolution ? `chosen: ${r.resolution}` : 'the default, automatic'}), fake camera ${CAMERA_FPS} fps 640×480)`,
    '',
    `WebGL: **${r.webgl}**. Results are counted where the page hands frames to its engine socket and gets results back (the socket runs on a worker thread; a wrapper around the page's Worker and WebSocket, installed before the app loads, stamps each frame and result) over ${renderSeconds} s per model, with nothing attached to the browser but a DevTools client that only evaluates expressions: Playwright switches the models and is disconnected while the bench measures, because a connected Playwright has Chromium copy every WebSocket message to it (scripts/bench/cdp.ts). "Wire" = a frame handed to the socket → its result handed back (send, engine queue wait, preprocess, inference, encode, transport back); preprocess / inference / encode are the engine's times of the results drawn; "draw" is the scene's animation-frame tick that draws a result (src-renderer/src/scene/perf.ts). Camera→screen latency (status line) also holds capture, readback, decode and the wait for the animation frame. Cells are median / p95 ms.`,
    '',
    table(
      ['model', 'camera fps', 'results/s (at the socket)', 'shown fps (status)', 'results drawn /s', 'camera→screen latency ms (status)', 'wire ms', 'preprocess ms', 'inference ms', 'encode ms', 'draw ms', 'bytes / result', 'top-1 at the end'],
      rows,
    ),
    '',
    'Where the time goes, frame by frame (the page stamps each drawn frame, the engine adds when it got the frame and when the result left its worker; src-renderer/src/trace/frame-trace.ts). Median / p95 ms; "send" and "result back" cross from the page\'s clock to the engine\'s, which differ by a few ms: the page estimates the offset from the frame with the shortest round trip (the third column, ± half that round trip) and corrects both. "camera → page" is the browser\'s video pipeline (capture to the page\'s frame callback), "page → screen" from that callback to the result drawn, "camera → screen" the two together, frame by frame (the status line\'s latency is its median over the last 30 frames).',
    '',
    table(['model', 'frames', 'crop cut from', 'engine clock − page clock ms', ...STAGES.map((s) => s.label), 'camera → screen'], stageRows),
    '',
    'CPU during the measurement, % of one core (the machine has ' + `${cpus().length}` + ' cores, so 100 × cores is everything):',
    '',
    table(['model', ...kinds, 'all'], cpuRows),
    '',
    mem,
  ].join('\n');
}

/** Browser mode: the digit and ImageNet models from the model list, the two Caffe nets opened as files. */
function rendererModels(): RendererModel[] {
  const want = (k: string) => modelKeys.length === 0 || modelKeys.includes(k);
  const bundled: RendererModel[] = [
    { label: 'LeNet', select: /LeNet/ },
    { label: 'MNIST', select: /MNIST/ },
    { label: 'SqueezeNet', select: /SqueezeNet/ },
  ].filter((m) => want(m.label.toLowerCase()));
  const caffe = ['caffenet-age', 'dex-vgg16'].filter(want);
  const files = (caffe.length ? benchModels(root, caffe) : []).map((m) => ({ label: m.key, files: 'paths' in m.source ? m.source.paths : [] }));
  return [...bundled, ...files];
}

function gpuLine(engine: EngineModelResult[] | undefined): string {
  const used = [...new Set((engine ?? []).map((r) => r.provider))];
  if (used.some((p) => p !== 'cpu')) return `Execution provider of the engine tables: ${used.join(', ')}.`;
  return provider && provider !== 'cpu'
    ? `Execution provider: ${provider} was asked for but did not start (the engine log above says why); the engine tables are the CPU's.`
    : 'GPU: the engine ran on the CPU provider; no GPU provider was available to or asked of this run.';
}

async function main(): Promise<void> {
  const started = Date.now();
  log(`ConvScope benchmark: ${machine()}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const parts: string[] = [];
  const json: Record<string, unknown> = { machine: machine(), started: new Date(started).toISOString(), loadAverageAtStart: loadavg() };
  if (only !== 'renderer') {
    log('engine: starting (real worker thread, onnxruntime-node)');
    const models = benchModels(root, modelKeys);
    const results = await benchEngine(join(root, 'assets', 'models'), models, { streamSeconds: 5, stageMs: 2500, peers: !flag('--no-peers') });
    parts.push(engineTables(results));
    json.engine = results;
  }
  if (only !== 'engine') {
    log('camera: preparing the fake-camera video');
    const video = cameraVideo();
    log(`camera: ${video}`);
    const { benchRenderer } = await import('./renderer');
    const r = await benchRenderer(video, { seconds: renderSeconds, models: rendererModels(), soakSeconds, resolution: value('--resolution') });
    parts.push(rendererTables(r));
    json.renderer = r;
  }
  json.loadAverageAtEnd = loadavg();
  json.seconds = (Date.now() - started) / 1000;
  if (jsonFile) {
    writeFileSync(jsonFile, JSON.stringify(json, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1));
    log(`wrote ${jsonFile}`);
  }
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  process.stdout.write(
    `\n## ConvScope benchmark, ${when} (${machine()}; load average at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}, ${((Date.now() - started) / 1000).toFixed(0)} s)\n\n${gpuLine(json.engine as EngineModelResult[] | undefined)}\n\n${parts.join('\n\n')}\n`,
  );
}

main().catch((e: Error) => {
  process.stderr.write(`bench failed: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
