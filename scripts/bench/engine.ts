// Engine benchmark: the real Engine (its single-slot mailbox, the one inference worker thread,
// onnxruntime-node), per bundled model: per-frame cost with nothing subscribed (the original
// graph's fast path) and with the default layout's layers subscribed, then a stream offered far
// faster than inference (processed/s, dropped frames, latency).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FrameResult, ModelInfo, Subscription } from '../../src-shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { defaultGenericPanels } from '../../src-renderer/src/layout/default-layout';
import { subscriptionFor } from '../../src-renderer/src/layout/subscription';
import { engineCrops, type Crop } from './camera';
import { fmt, log, median, p90 } from './stats';

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
  seconds: number;
  pushed: number;
  processed: number;
  dropped: number;
  /** Frame time → result arrival, ms, in arrival order. */
  latency: number[];
}

export interface EngineModelResult {
  id: string;
  name: string;
  provider: string;
  input: string;
  crop: string;
  loadMs: number;
  subscribedLayers: string[];
  fast: StageTimes;
  subscribed: StageTimes;
  stream: StreamResult;
}

interface Arrival {
  r: FrameResult;
  at: number;
  bytes: number;
}

/** Sequential frames: each is pushed when the previous result is back, so nothing is dropped. */
async function sequential(engine: Engine, next: (id: number) => Promise<Arrival>, crops: Crop[], firstId: number, opts: { min: number; max: number; ms: number }): Promise<StageTimes> {
  const t: StageTimes = { frames: 0, preprocess: [], inference: [], encode: [], roundTrip: [], bytes: 0 };
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
  return `${label}: ${s.frames} frames, preprocess ${fmt(median(s.preprocess))} ms, inference ${fmt(median(s.inference))} ms (p90 ${fmt(p90(s.inference))}), encode ${fmt(median(s.encode))} ms, round trip ${fmt(median(s.roundTrip))} ms, ${s.bytes} B/result`;
}

export async function benchEngine(assetsDir: string, opts: { streamSeconds: number; stageMs: number }): Promise<EngineModelResult[]> {
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
        reject(new Error(`no result for frame ${id} within 60 s${lastError ? ` (last engine error: ${lastError})` : ''}`));
      }, 60_000);
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
    const models = engine.listModels();
    log(`engine: bundled models ${models.map((m) => m.id).join(', ')}; providers available: ${engine.availableProviders().join(', ')}`);
    let id = 0;
    for (const m of models) {
      const t0 = performance.now();
      const info: ModelInfo = await engine.loadModel({ bundled: m.id });
      const loadMs = performance.now() - t0;
      const crops = engineCrops(info.input);
      const crop = `${crops[0].width}×${crops[0].height}`;
      log(`engine: ${info.name} loaded in ${fmt(loadMs)} ms on ${info.provider}; input ${info.input.c}×${info.input.h}×${info.input.w}, crop ${crop} RGBA`);

      const none: Subscription = { layers: [] };
      await engine.subscribe(none);
      // Warm-up: the first runs after a load allocate and tune.
      await sequential(engine, next, crops, (id += 1000), { min: 5, max: 5, ms: 0 });
      const stage = { min: 20, max: 300, ms: opts.stageMs };
      const fast = await sequential(engine, next, crops, (id += 1000), stage);
      log(`engine: ${info.name} ${line('fast path', fast)}`);

      const sub = subscriptionFor(defaultGenericPanels(info), info);
      await engine.subscribe(sub);
      await sequential(engine, next, crops, (id += 1000), { min: 3, max: 3, ms: 0 });
      const subscribed = await sequential(engine, next, crops, (id += 1000), stage);
      log(`engine: ${info.name} ${line(`default layout (${sub.layers.length} layers)`, subscribed)}`);

      // The stream: frames offered at ≥ 3× the rate the engine managed above, from a timer, like a
      // camera would (several per tick when one frame's cost is below a timer tick).
      const cost = median(subscribed.roundTrip);
      const tick = 2;
      const perTick = Math.max(1, Math.ceil((3 * tick) / Math.max(cost, 0.05)));
      const before = arrivals.length;
      const base = (id += 1000);
      const startCounters = arrivals[arrivals.length - 1].r;
      let pushed = 0;
      const start = performance.now();
      while (performance.now() - start < opts.streamSeconds * 1000) {
        for (let k = 0; k < perTick; k++) {
          engine.pushFrame({ id: base + pushed, t: performance.now(), ...crops[pushed % crops.length] });
          pushed++;
        }
        await new Promise((r) => setTimeout(r, tick));
      }
      const lastId = base + pushed - 1;
      // Newest wins: the last frame pushed is always processed.
      const last = arrivals.find((a) => a.r.id === lastId) ?? (await next(lastId));
      const seconds = (last.at - start) / 1000;
      const got = arrivals.slice(before);
      const stream: StreamResult = {
        seconds,
        pushed,
        processed: last.r.processed - startCounters.processed,
        dropped: last.r.dropped - startCounters.dropped,
        latency: got.map((a) => a.at - a.r.t),
      };
      log(
        `engine: ${info.name} stream: ${pushed} frames offered in ${fmt(seconds)} s (${fmt(pushed / seconds)}/s), ${stream.processed} processed (${fmt(stream.processed / seconds)}/s), ${stream.dropped} dropped; latency median ${fmt(median(stream.latency))} ms, p90 ${fmt(p90(stream.latency))} ms, max ${fmt(Math.max(...stream.latency))} ms`,
      );
      id += pushed;
      out.push({
        id: info.id,
        name: info.name,
        provider: info.provider,
        input: `${info.input.c}×${info.input.h}×${info.input.w}`,
        crop,
        loadMs,
        subscribedLayers: sub.layers.map((l) => l.layer),
        fast,
        subscribed,
        stream,
      });
    }
  } finally {
    await engine.close();
  }
  return out;
}

export const bundledModelsDir = (root: string): string => join(root, 'assets', 'models');
