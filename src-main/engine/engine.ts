// The engine as the rest of ConvScope sees it. It owns the single-slot Mailbox and one long-lived
// worker thread that runs onnxruntime-node; whenever the worker is idle it gets the newest frame.
// Used in-process by the engine host, the command line and the tests.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  BundledModel, ClassWeights, EngineEvent, EngineSettings, FrameMessage, FrameResult, ModelFormatInfo, ModelInfo, ModelSource,
  Progress, Subscription,
} from '../../src-shared/contract';
import { decodeResult } from '../../src-shared/payload';
import { modelFormats } from '../importers/registry';
import { Mailbox } from './mailbox';
import { listBundled } from './model-source';
import { availableProviders } from './providers';
import type { FromWorker, ToWorker } from './worker-protocol';

export { inspectModel, ModelRuntime, type RawActivations } from './runtime';

export interface EngineOptions {
  /** Folder of bundled models (one sub-folder with a manifest.json per model). */
  assetsDir: string;
  settings?: EngineSettings;
}

type ResultListener = (result: FrameResult, encoded: ArrayBuffer) => void;
type EventListener = (event: EngineEvent) => void;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: Progress) => void;
}

/**
 * Starts the worker: the bundled script beside this file when built (out/main/engine-worker.js), or
 * the TypeScript source through tsx's loader when running from source (tests, dev tools). Node 20
 * ignores `--import tsx` in a worker's execArgv, so the loader is registered by a tiny bootstrap.
 */
function spawnWorker(): Worker {
  const here = fileURLToPath(import.meta.url);
  const dir = dirname(here);
  if (here.endsWith('.ts')) {
    const req = createRequire(import.meta.url);
    // The ESM entry of tsx's loader API (require.resolve would give the CommonJS one).
    const tsxPkg = req.resolve('tsx/package.json');
    const api = (req(tsxPkg) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'].import.default;
    const tsxApi = pathToFileURL(join(dirname(tsxPkg), api)).href;
    const src = pathToFileURL(join(dir, 'worker.ts')).href;
    const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(src)}); })`;
    return new Worker(boot, { eval: true });
  }
  // Built: the worker bundle sits in out/main; this code may itself live in a shared chunk below it.
  const candidates = [dir, dirname(dir), process.argv[1] ? dirname(process.argv[1]) : dir].map((d) => join(d, 'engine-worker.js'));
  const built = candidates.find((f) => existsSync(f));
  if (!built) throw new Error(`engine worker script not found (looked for ${candidates.join(', ')})`);
  return new Worker(built);
}

export class Engine {
  private worker!: Worker;
  private readonly mailbox = new Mailbox<FrameMessage>();
  private busy = false;
  private loaded: ModelInfo | null = null;
  private lastGoodSource: ModelSource | null = null;
  private lastSubscription: Subscription | null = null;
  private rid = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly resultListeners = new Set<ResultListener>();
  private readonly eventListeners = new Set<EventListener>();
  private closed = false;
  private settings: EngineSettings;
  private restarts: number[] = [];
  private lastFrameError = '';
  private lastFrameErrorAt = 0;

  private constructor(private readonly assetsDir: string, settings: EngineSettings) {
    this.settings = settings;
    this.startWorker();
  }

  static async create(opts: EngineOptions): Promise<Engine> {
    return new Engine(opts.assetsDir, opts.settings ?? { forceCpu: false });
  }

  private startWorker(): void {
    this.worker = spawnWorker();
    this.worker.on('message', (m: FromWorker) => this.onWorkerMessage(m));
    this.worker.on('error', (e) => this.onWorkerDied(`inference worker failed: ${e.message}`));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.onWorkerDied(`inference worker exited (code ${code})`);
    });
    this.post({ type: 'init', assetsDir: this.assetsDir, settings: this.settings });
  }

  /** The worker thread died (a bug, not a model error): fail what was in flight, restart, reload the last good model. */
  private onWorkerDied(reason: string): void {
    if (this.closed) return;
    this.worker.removeAllListeners();
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
    this.busy = false;
    // Restart, but not in a loop: a worker that can't even start (missing script, broken install)
    // would otherwise be restarted forever.
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < 60_000);
    if (this.restarts.length >= 3) {
      this.emit({ type: 'error', message: `${reason}; restarted 3 times within a minute, giving up` });
      this.closed = true;
      return;
    }
    this.restarts.push(now);
    this.emit({ type: 'error', message: reason });
    this.startWorker();
    const source = this.lastGoodSource;
    const sub = this.lastSubscription;
    if (source) {
      this.loaded = null;
      this.loadModel(source).catch((e: Error) => this.emit({ type: 'error', message: e.message }));
      // Queued right behind the load, so no frame runs between the reload and the replayed subscription.
      if (sub) this.subscribe(sub).catch(() => {});
    }
  }

  private post(m: ToWorker, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(m, transfer);
  }

  private request<T>(m: ToWorker & { rid: number }, onProgress?: (p: Progress) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(m.rid, { resolve: resolve as (v: unknown) => void, reject, ...(onProgress ? { onProgress } : {}) });
      this.post(m);
    });
  }

  private onWorkerMessage(m: FromWorker): void {
    switch (m.type) {
      case 'reply': {
        const p = this.pending.get(m.rid);
        if (!p) return;
        this.pending.delete(m.rid);
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(m.error));
        return;
      }
      case 'progress':
        for (const p of this.pending.values()) p.onProgress?.(m.progress);
        this.emit({ type: 'progress', progress: m.progress });
        return;
      case 'result': {
        this.busy = false;
        const r = decodeResult(m.buf);
        for (const cb of this.resultListeners) cb(r, m.buf);
        this.pump();
        return;
      }
      case 'frameError': {
        this.busy = false;
        // The same fault usually repeats every frame; tell the user once, not 30 times a second.
        const text = m.message.replace(/^frame \d+: /, '');
        const now = Date.now();
        if (text !== this.lastFrameError || now - this.lastFrameErrorAt > 5000) {
          this.lastFrameError = text;
          this.lastFrameErrorAt = now;
          this.emit({ type: 'error', message: m.message });
        }
        this.pump();
        return;
      }
    }
  }

  /** Gives the worker the newest frame if it is idle. */
  private pump(): void {
    if (this.busy || !this.loaded || this.closed) return;
    const f = this.mailbox.take();
    if (!f) return;
    this.busy = true;
    // Copy into a buffer of its own so it can be transferred (the frame may be a view into a larger message).
    const rgba = new Uint8Array(f.rgba); // Buffer#slice would be a view
    this.post({ type: 'frame', id: f.id, t: f.t, width: f.width, height: f.height, rgba, dropped: this.mailbox.dropped }, [rgba.buffer]);
  }

  private emit(e: EngineEvent): void {
    for (const cb of this.eventListeners) cb(e);
  }

  listModels(): BundledModel[] {
    return listBundled(this.assetsDir);
  }

  availableProviders(): string[] {
    return availableProviders();
  }

  /** The model formats the engine opens, from the importer registry. */
  listFormats(): ModelFormatInfo[] {
    return modelFormats();
  }

  get model(): ModelInfo | null {
    return this.loaded;
  }

  /**
   * Loads a model. On failure the error names the file and the cause, and the previous model keeps
   * running (its frames, subscription and counters are untouched).
   */
  async loadModel(source: ModelSource, onProgress?: (p: Progress) => void): Promise<ModelInfo> {
    const info = await this.request<ModelInfo>({ type: 'load', rid: ++this.rid, source }, onProgress);
    this.loaded = info;
    this.lastGoodSource = source;
    this.lastSubscription = null;
    this.mailbox.reset();
    this.emit({ type: 'modelLoaded', info });
    this.pump();
    return info;
  }

  async subscribe(subscription: Subscription): Promise<void> {
    await this.request<null>({ type: 'subscribe', rid: ++this.rid, subscription });
    this.lastSubscription = subscription;
  }

  classWeights(layer: string): Promise<ClassWeights> {
    return this.request<ClassWeights>({ type: 'classWeights', rid: ++this.rid, layer });
  }

  async setSettings(settings: EngineSettings): Promise<ModelInfo | null> {
    this.settings = settings;
    const info = await this.request<ModelInfo | null>({ type: 'settings', rid: ++this.rid, settings });
    if (info) this.loaded = info;
    return info;
  }

  /** Puts a frame in the mailbox (replacing one still waiting); it runs as soon as the worker is idle. */
  pushFrame(frame: FrameMessage): void {
    if (this.closed) return;
    this.mailbox.put(frame);
    this.pump();
  }

  onResult(cb: ResultListener): () => void {
    this.resultListeners.add(cb);
    return () => this.resultListeners.delete(cb);
  }

  onEvent(cb: EventListener): () => void {
    this.eventListeners.add(cb);
    return () => this.eventListeners.delete(cb);
  }

  /** Frames replaced in the mailbox since the model loaded. */
  get dropped(): number {
    return this.mailbox.dropped;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('engine closed'));
    this.pending.clear();
    await this.worker.terminate();
  }
}
