// Engine benchmark: the real Engine (its single-slot mailbox, the one inference worker thread,
// onnxruntime-node), per model: per-frame cost with nothing subscribed (the fast path) and with the
// default layout's subscription, in alternating rounds, then with every layer's every map; then a
// stream at the camera's 30 frames/s with the default layout (results/s, latency, time waiting in
// the mailbox); then the peers on the same graph with every layer requested.
import { performance } from 'node:perf_hooks';
import type { FrameResult, ModelInfo, Subscription } from '../../src-shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { cpuThreads } from '../../src-main/engine/providers';
import { ModelRuntime } from '../../src-main/engine/runtime';
import { defaultGenericPanels } from '../../src-renderer/src/layout/default-layout';
import { subscriptionFor } from '../../src-renderer/src/layout/subscription';
import { CAMERA_FPS, engineCrops, type Crop } from './camera';
import { displayedCells } from './cells';
import { rssMiB } from './memory';
import type { BenchModel } from './models';
import { benchPeers, PEER_THREADS, type PeerResult } from './peers';
import { graphAgreement, providerAgreement, type Agreement } from './agreement';
import { timeGraphs, type GraphTiming } from './profile';
import { fmt, log, median, p95 } from './stats';

export interface StageTimes {
  frames: number;
  preprocess: number[];
  inference: number[];
  encode: number[];
  /** pushFrame → result decoded on the main thread (worker hand-off, copies, decode included). */
  roundTrip: number[];
  /** Encoded result size, bytes. */
  bytes: number;
}

export interface StreamResult {
  /** Frames offered per second (the camera). */
  offeredFps: number;
  seconds: number;
  pushed: number;
  processed: number;
  dropped: number;
  /** Frame time → result arrival, ms, in arrival order. */
  latency: number[];
}

export interface EngineModelResult {
  key: string;
  id: string;
  name: string;
  provider: string;
  input: string;
  crop: string;
  layers: number;
  loadMs: number;
  subscribedLayers: number;
  /** Cells (map values, neurons, input values, classes) the default layout draws. */
  displayedCells: number;
  fast: StageTimes;
  subscribed: StageTimes;
  everyLayer: StageTimes;
  stream: StreamResult;
  peers: PeerResult[];
  /**
   * The native side of the peer comparison: every layer's every map through a runtime in this
   * process, as the peers run (no worker thread), with the engine's intra-op threads and, where
   * that is fewer, with the peers' (the engine leaves a core to the window): per-run inference +
   * encode ms. Empty without peers.
   */
  native: { threads: number; runMs: number[] }[];
  /** Where the default layout's extra inference time goes (displayCost below; CPU provider only). */
  profile?: DisplayCost;
  /** On a provider other than the CPU: its outputs against the CPU's (agreement.ts). */
  agreement?: { layers: Agreement; display: Agreement };
  rssMiB: { before: number; after: number };
}

interface Arrival {
  r: FrameResult;
  at: number;
  bytes: number;
}

const emptyTimes = (): StageTimes => ({ frames: 0, preprocess: [], inference: [], encode: [], roundTrip: [], bytes: 0 });

function append(to: StageTimes, t: StageTimes): void {
  to.frames += t.frames;
  to.preprocess.push(...t.preprocess);
  to.inference.push(...t.inference);
  to.encode.push(...t.encode);
  to.roundTrip.push(...t.roundTrip);
  to.bytes = t.bytes;
}

/** Sequential frames: each is pushed when the previous result is back, so nothing waits or is dropped. */
async function sequential(engine: Engine, next: (id: number) => Promise<Arrival>, crops: Crop[], firstId: number, opts: { min: number; max: number; ms: number }): Promise<StageTimes> {
  const t = emptyTimes();
  const start = performance.now();
  for (let i = 0; i < opts.max && (i < opts.min || performance.now() - start < opts.ms); i++) {
    const id = firstId + i;
    const sent = performance.now();
    const wait = next(id);
    engine.pushFrame({ id, t: sent, ...crops[i % crops.length] });
    const a = await wait;
    t.frames++;
    t.preprocess.push(a.r.timing.preprocessMs);
    t.inference.push(a.r.timing.inferenceMs);
    t.encode.push(a.r.timing.encodeMs);
    t.roundTrip.push(a.at - sent);
    t.bytes = a.bytes;
  }
  return t;
}

function line(label: string, s: StageTimes): string {
  return `${label}: ${s.frames} frames, preprocess ${fmt(median(s.preprocess))} ms, inference ${fmt(median(s.inference))} ms (p95 ${fmt(p95(s.inference))}), encode ${fmt(median(s.encode))} ms, round trip ${fmt(median(s.roundTrip))} ms, ${s.bytes} B/result`;
}

/**
 * Every layer's every map through a ModelRuntime of its own with `threads` intra-op threads, in this
 * process (no worker thread, as the peers): inference + encode ms per run.
 */
async function nativeWithThreads(m: BenchModel, assetsDir: string, every: Subscription, crops: Crop[], threads: number, ms: number): Promise<number[]> {
  // Sessions take the thread count when they are made: at the load and at the subscription.
  const saved = process.env.CONVSCOPE_THREADS;
  process.env.CONVSCOPE_THREADS = String(threads);
  let rt: ModelRuntime | null = null;
  try {
    rt = await ModelRuntime.load(m.source, assetsDir, { forceCpu: true });
    await rt.subscribe(every);
  } catch (e) {
    await rt?.release();
    throw e;
  } finally {
    if (saved === undefined) delete process.env.CONVSCOPE_THREADS;
    else process.env.CONVSCOPE_THREADS = saved;
  }
  try {
    const out: number[] = [];
    const start = performance.now();
    for (let i = 0; out.length < 3 || (performance.now() - start < ms && out.length < 200); i++) {
      const r = await rt.run({ id: i, t: 0, ...crops[i % crops.length] }, { dropped: 0 });
      if (i >= 2) out.push(r.timing.inferenceMs + r.timing.encodeMs);
    }
    return out;
  } finally {
    await rt.release();
  }
}

export interface DisplayCost {
  fast: GraphTiming;
  subscribed: GraphTiming;
  /** The default layout's layers shown whole (or by a list of maps), alone; absent when there are none. */
  whole?: GraphTiming & { layers: number };
  /** Its top-k layers (the strip's strongest map per layer), alone; absent when there are none. */
  topK?: GraphTiming & { layers: number };
}

/**
 * The plain model, the default layout's display graph, and the graphs of its two kinds of request
 * alone (layers shown whole, the strip's top-k), timed side by side in this process on the first
 * crop; the first two also through onnxruntime's profiler (scripts/bench/profile.ts).
 */
async function displayCost(m: BenchModel, assetsDir: string, sub: Subscription, crop: Crop, ms: number): Promise<DisplayCost> {
  const rt = await ModelRuntime.load(m.source, assetsDir, { forceCpu: true });
  const isTopK = (l: Subscription['layers'][number]) => !!l.channels && 'topK' in l.channels;
  const parts = { whole: sub.layers.filter((l) => !isTopK(l)), topK: sub.layers.filter(isTopK) };
  const graphs: { model: Uint8Array; profile: boolean }[] = [];
  let input;
  try {
    graphs.push({ model: rt.displayModel, profile: true });
    await rt.subscribe(sub);
    graphs.push({ model: rt.displayModel, profile: true });
    for (const layers of [parts.whole, parts.topK]) {
      if (!layers.length) continue;
      await rt.subscribe({ layers });
      graphs.push({ model: rt.displayModel, profile: false });
    }
    input = rt.prepare(crop);
  } finally {
    await rt.release();
  }
  const t = await timeGraphs(graphs, input, { warmUp: 3, min: 5, ms });
  const [fast, subscribed, ...alone] = t;
  return {
    fast,
    subscribed,
    ...(parts.whole.length ? { whole: { ...alone[0], layers: parts.whole.length } } : {}),
    ...(parts.topK.length ? { topK: { ...alone[parts.whole.length ? 1 : 0], layers: parts.topK.length } } : {}),
  };
}

/**
 * The model's every layer and the default layout's display graph (what the engine sends: ranges,
 * bytes, the strip's picks) run on the CPU and on `provider` from the first crop, compared.
 */
async function agreementWithCpu(m: BenchModel, assetsDir: string, sub: Subscription, crop: Crop, provider: string): Promise<{ layers: Agreement; display: Agreement }> {
  const rt = await ModelRuntime.load(m.source, assetsDir, { forceCpu: true });
  let input;
  let display;
  try {
    await rt.subscribe(sub);
    display = rt.displayModel;
    input = rt.prepare(crop);
  } finally {
    await rt.release();
  }
  return { layers: await providerAgreement(m.source, assetsDir, provider, input), display: await graphAgreement(display, provider, input) };
}

/** A deterministic input of the model's shape for the peers (their speed does not depend on the values). */
function peerInput(info: ModelInfo) {
  const m = info.manifest;
  const dims = m.input.shape;
  const n = dims.reduce((a, b) => a * b, 1);
  const f = new Float32Array(n);
  let s = 1;
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647;
    f[i] = s / 2147483647 - 0.5;
  }
  const half = m.input.dtype === 'float16';
  return { name: m.input.name ?? 'input', dims, data: half ? Uint16Array.from(f, () => 0x3800) : f };
}

export async function benchEngine(assetsDir: string, models: BenchModel[], opts: { streamSeconds: number; stageMs: number; peers: boolean }): Promise<EngineModelResult[]> {
  const engine = await Engine.create({ assetsDir });
  const waiting = new Map<number, { resolve: (a: Arrival) => void; reject: (e: Error) => void }>();
  const arrivals: Arrival[] = [];
  let lastError = '';
  engine.onResult((r, encoded) => {
    const a = { r, at: performance.now(), bytes: encoded.byteLength };
    arrivals.push(a);
    const w = waiting.get(r.id);
    if (w) {
      waiting.delete(r.id);
      w.resolve(a);
    }
  });
  engine.onEvent((e) => {
    if (e.type === 'error') {
      lastError = e.message;
      log(`engine error: ${e.message}`);
    }
  });
  const next = (id: number) =>
    new Promise<Arrival>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`no result for frame ${id} within 120 s${lastError ? ` (last engine error: ${lastError})` : ''}`));
      }, 120_000);
      waiting.set(id, {
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a);
        },
        reject,
      });
    });

  const out: EngineModelResult[] = [];
  try {
    log(`engine: models ${models.map((m) => m.key).join(', ')}; providers available: ${engine.availableProviders().join(', ')}`);
    let id = 0;
    for (const m of models) {
      const rssBefore = rssMiB(process.pid);
      const t0 = performance.now();
      const info: ModelInfo = await engine.loadModel(m.source);
      const loadMs = performance.now() - t0;
      const crops = engineCrops(info.input);
      const crop = `${crops[0].width}×${crops[0].height}`;
      if (info.providerSkipped) log(`engine: ${info.name}: ${info.providerSkipped.join('; ')}`);
      log(`engine: ${info.name} loaded in ${fmt(loadMs)} ms on ${info.provider}; input ${info.input.c}×${info.input.h}×${info.input.w}, crop ${crop} RGBA, ${info.layers.length} layers`);

      const every: Subscription = { layers: info.layers.map((l) => ({ layer: l.name })) };
      const panels = defaultGenericPanels(info);
      const sub = subscriptionFor(panels, info);
      // The fast path and the default layout alternate in rounds, so that a slower stretch of this
      // noisy machine (or the heap the previous phase left) weighs on both and not on their ratio.
      const fast = emptyTimes();
      const subscribed = emptyTimes();
      const rounds = 4;
      for (let round = 0; round < rounds; round++) {
        for (const [subscription, into] of [[{ layers: [] }, fast], [sub, subscribed]] as [Subscription, StageTimes][]) {
          await engine.subscribe(subscription);
          // Warm-up: the first runs after a load (or a new subscription) allocate and tune.
          await sequential(engine, next, crops, (id += 1000), { min: 3, max: 3, ms: 0 });
          append(into, await sequential(engine, next, crops, (id += 1000), { min: 5, max: 300 / rounds, ms: opts.stageMs / rounds }));
        }
      }
      log(`engine: ${info.name} ${line('fast path', fast)}`);
      log(`engine: ${info.name} ${line(`default layout (${sub.layers.length} layers)`, subscribed)}`);

      await engine.subscribe(every);
      await sequential(engine, next, crops, (id += 1000), { min: 2, max: 2, ms: 0 });
      const everyLayer = await sequential(engine, next, crops, (id += 1000), { min: 5, max: 300, ms: opts.stageMs });
      log(`engine: ${info.name} ${line(`every layer, every map (${every.layers.length} layers)`, everyLayer)}`);
      await engine.subscribe(sub);
      await sequential(engine, next, crops, (id += 1000), { min: 3, max: 3, ms: 0 });

      // The stream: frames offered at the camera's rate from a timer, the default layout subscribed.
      const interval = 1000 / CAMERA_FPS;
      const before = arrivals.length;
      const base = (id += 1000);
      const startCounters = arrivals[arrivals.length - 1].r;
      let pushed = 0;
      const start = performance.now();
      const minResults = 4;
      while (performance.now() - start < opts.streamSeconds * 1000 || arrivals.length - before < minResults) {
        engine.pushFrame({ id: base + pushed, t: performance.now(), ...crops[pushed % crops.length] });
        pushed++;
        const due = start + pushed * interval;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      }
      const lastId = base + pushed - 1;
      // Newest wins: the last frame pushed is always processed.
      const last = arrivals.find((a) => a.r.id === lastId) ?? (await next(lastId));
      const seconds = (last.at - start) / 1000;
      const got = arrivals.slice(before);
      const stream: StreamResult = {
        offeredFps: pushed / ((performance.now() - start) / 1000),
        seconds,
        pushed,
        processed: last.r.processed - startCounters.processed,
        dropped: last.r.dropped - startCounters.dropped,
        latency: got.map((a) => a.at - a.r.t),
      };
      log(
        `engine: ${info.name} stream at ${CAMERA_FPS} fps: ${pushed} frames in ${fmt(seconds)} s, ${stream.processed} processed (${fmt(stream.processed / seconds)}/s), ${stream.dropped} dropped; latency median ${fmt(median(stream.latency))} ms, p95 ${fmt(p95(stream.latency))} ms`,
      );
      id += pushed;
      const rssAfter = rssMiB(process.pid);
      const peers = opts.peers ? await benchPeers(m.source, assetsDir, peerInput(info), { min: 3, ms: opts.stageMs, label: info.name }) : [];
      const native: { threads: number; runMs: number[] }[] = [];
      const threadCounts = info.provider !== 'cpu' ? [] : cpuThreads() < PEER_THREADS ? [cpuThreads(), PEER_THREADS] : [cpuThreads()];
      for (const threads of opts.peers ? threadCounts : []) {
        native.push({ threads, runMs: await nativeWithThreads(m, assetsDir, every, crops, threads, opts.stageMs) });
        log(`engine: ${info.name} every layer in this process with ${threads} intra-op thread(s): ${fmt(median(native.at(-1)!.runMs))} ms (median of ${native.at(-1)!.runMs.length})`);
      }
      let profile: DisplayCost | undefined;
      if (info.provider === 'cpu') {
        profile = await displayCost(m, assetsDir, sub, crops[0], opts.stageMs);
        const alone = (g: (GraphTiming & { layers: number }) | undefined, what: string) => (g ? `, ${what} (${g.layers} layers) alone ${fmt(g.runMs)} ms` : '');
        log(`engine: ${info.name} side by side: plain model ${fmt(profile.fast.runMs)} ms per run, default layout's graph ${fmt(profile.subscribed.runMs)} ms${alone(profile.whole, 'layers shown whole')}${alone(profile.topK, 'top-k layers')}`);
      }
      let agreement: EngineModelResult['agreement'];
      if (info.provider !== 'cpu') {
        try {
          agreement = await agreementWithCpu(m, assetsDir, sub, crops[0], info.provider);
        } catch (e) {
          log(`engine: ${info.name} ${info.provider} vs cpu: the comparison failed: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      if (agreement) {
        const say = (a: Agreement) => `worst ${a.worst.output} max |Δ| ${a.worst.maxAbs.toPrecision(3)} (${(a.worst.relative * 100).toPrecision(3)} % of its largest value), top output ${a.top.other} vs ${a.top.reference} on the CPU`;
        log(`engine: ${info.name} ${info.provider} vs cpu: every layer: ${say(agreement.layers)}; default layout's display graph: ${say(agreement.display)}`);
      }
      out.push({
        key: m.key,
        id: info.id,
        name: info.name,
        provider: info.provider,
        input: `${info.input.c}×${info.input.h}×${info.input.w}`,
        crop,
        layers: info.layers.length,
        loadMs,
        subscribedLayers: sub.layers.length,
        displayedCells: displayedCells(panels, info),
        fast,
        subscribed,
        everyLayer,
        stream,
        peers,
        native,
        ...(profile ? { profile } : {}),
        ...(agreement ? { agreement } : {}),
        rssMiB: { before: rssBefore, after: rssAfter },
      });
    }
  } finally {
    await engine.close();
  }
  return out;
}
