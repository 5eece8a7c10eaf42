// The engine as the rest of ConvScope sees it. It owns the single-slot Mailbox and one long-lived
// worker thread that runs onnxruntime-node; whenever the worker is idle it gets the newest frame.
// Used in-process by the engine host, the command line and the tests.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  BundledModel, ClassWeights, EngineEvent, EngineSettings, FrameMessage, FrameResult, ModelFormatInfo, ModelInfo, ModelSource,
  Progress, Subscription,
} from '../../src-shared/contract';
import { decodeResult } from '../../src-shared/payload';
import { modelFormats } from '../importers/registry';
import { wallNow } from '../../src-shared/clock';
import { Mailbox } from './mailbox';
import { preprocess, type InputSpec, type PreparedInput } from './preprocess';
import { listBundled } from './model-source';
import { availableProviders } from './providers';
import { DEFAULT_WATCHDOG_LIMITS, Watchdog, type Hang, type WatchdogLimits, type WorkKind } from './watchdog';
import type { FromWorker, ToWorker } from './worker-protocol';

export { inspectModel, ModelRuntime, type RawActivations } from './runtime';

export interface EngineOptions {
  /** Folder of bundled models (one sub-folder with a manifest.json per model). */
  assetsDir: string;
  settings?: EngineSettings;
  /** Time limits after which the worker counts as hung (watchdog.ts states the defaults). */
  limits?: Partial<WatchdogLimits>;
}

/** Worker deaths (crashes or hangs) within this window count towards a crash loop. */
const CRASH_WINDOW_MS = 60_000;
/** After this many deaths in the window the last model is not reloaded; one more and the engine stops. */
const CRASHES_BEFORE_DROPPING_MODEL = 3;
/** A newly loaded model whose first frames all fail this many times is replaced by the previous one. */
const FAILED_FRAMES_BEFORE_RESTORE = 3;

/** How long a replaced worker may take to come back from the call it is stuck in before it is terminated. */
const RETIRE_GRACE_MS = 60_000;

/**
 * Ends a replaced worker. Terminating a worker while onnxruntime runs a call for it aborts the whole
 * process (the call's completion throws into a torn-down thread), so a worker that is merely slow is
 * terminated as soon as it speaks again, when its native work is over; one that stays silent (truly
 * hung) is terminated after RETIRE_GRACE_MS, and if that takes the process down, whoever supervises
 * it restarts it.
 */
function retire(worker: Worker): void {
  worker.removeAllListeners();
  const end = () => {
    clearTimeout(timer);
    void worker.terminate().catch(() => {});
  };
  const timer = setTimeout(end, RETIRE_GRACE_MS);
  timer.unref?.();
  worker.on('error', () => {});
  worker.once('message', end);
  worker.once('exit', () => clearTimeout(timer));
}

/**
 * onnxruntime's run errors without their source location and C++ signature ("Reshape node 'x': The
 * input tensor cannot be reshaped …"); other messages as they are, first line only.
 */
function runError(text: string): string {
  const line = text.split('\n')[0].trim();
  const m = /running (\S+) node\. Name:'([^']*)' Status Message: (?:\S+:\d+ \S+\([^)]*\) )?(?:[^.]* was false\. )?(.*)$/.exec(line);
  return m ? `${m[1]} node '${m[2]}': ${m[3]}` : line;
}

const modelName = (s: ModelSource) => ('bundled' in s ? s.bundled : s.paths.length ? basename(s.paths[0]) : 'the model');

type ResultListener = (result: FrameResult, encoded: ArrayBuffer) => void;
type EventListener = (event: EngineEvent) => void;

interface Pending {
  type: ToWorker['type'];
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

/** A frame with the wall-clock time it reached the engine. */
type ArrivedFrame = FrameMessage & { inAt: number };

/** A frame taken from the mailbox, prepared on this thread when the model's input spec is known. */
interface NextFrame {
  frame: ArrivedFrame;
  input?: PreparedInput;
  ms?: number;
}

export class Engine {
  private worker!: Worker;
  private readonly mailbox = new Mailbox<ArrivedFrame>();
  private busy = false;
  /** The loaded model's preprocessing, so frames are prepared here while the worker runs the previous one. */
  private spec: InputSpec | null = null;
  /** The frame prepared while the worker was busy; handed over when it is free unless a newer one came. */
  private ready: NextFrame | null = null;
  private loaded: ModelInfo | null = null;
  /** The last model that ran a frame (or the first one loaded), and its subscription: what a restart reloads. */
  private lastGoodSource: ModelSource | null = null;
  private lastSubscription: Subscription | null = null;
  /** A model loaded over a good one that has not run a frame yet, with the frames it failed so far. */
  private onTrial: { source: ModelSource; subscription: Subscription | null; failures: number; error: string } | null = null;
  /** Why the engine stopped for good (it then refuses requests with this). */
  private stopped: string | null = null;
  private readonly watchdog: Watchdog;
  private rid = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly resultListeners = new Set<ResultListener>();
  private readonly eventListeners = new Set<EventListener>();
  private closed = false;
  private settings: EngineSettings;
  private restarts: number[] = [];
  private lastFrameError = '';
  private lastFrameErrorAt = 0;

  private constructor(private readonly assetsDir: string, settings: EngineSettings, limits: WatchdogLimits) {
    this.settings = settings;
    this.watchdog = new Watchdog(limits, (hang) => this.onWorkerHung(hang));
    this.startWorker();
  }

  static async create(opts: EngineOptions): Promise<Engine> {
    return new Engine(opts.assetsDir, opts.settings ?? { forceCpu: false }, { ...DEFAULT_WATCHDOG_LIMITS, ...opts.limits });
  }

  private startWorker(): void {
    this.worker = spawnWorker();
    this.worker.on('message', (m: FromWorker) => this.onWorkerMessage(m));
    this.worker.on('error', (e) => this.onWorkerDied(`failed: ${e.message}`));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.onWorkerDied(`exited (code ${code})`);
    });
    this.post({ type: 'init', assetsDir: this.assetsDir, settings: this.settings });
  }

  /**
   * The worker hung: a load that fell silent fails with its own error (the user sees that, and the
   * previous model carries on); a hung frame or request costs one notice.
   */
  private onWorkerHung(hang: Hang): void {
    const limit = hang.limitMs < 1000 ? `${hang.limitMs} ms` : `${Math.round(hang.limitMs / 1000)} s`;
    if (hang.kind === 'load') {
      this.replaceWorker(`${hang.what} stopped: no progress for ${limit}`, false);
    } else {
      this.replaceWorker(`the inference worker stopped answering (${hang.what} took longer than ${limit})`, true);
    }
  }

  /** The worker thread died (a bug or an out-of-memory, not a model error). */
  private onWorkerDied(reason: string): void {
    this.replaceWorker(`the inference worker ${reason}`, true);
  }

  /**
   * Replaces the worker with a fresh one and reloads the last good model and its subscription. What
   * was in flight fails with `reason`. The user hears one message (when `notify`), after the reload,
   * saying how it went; a crash loop drops the model, and a worker that cannot even run without one
   * stops the engine.
   */
  private replaceWorker(reason: string, notify: boolean): void {
    if (this.closed) return;
    this.watchdog.clear();
    retire(this.worker);
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
    this.busy = false;
    // The reload sends the spec again.
    this.spec = null;
    this.ready = null;
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < CRASH_WINDOW_MS);
    // A cancelled or stalled load is not a crash: only crashes count towards dropping the model.
    if (notify) this.restarts.push(now);
    const source = this.lastGoodSource;
    const sub = this.lastSubscription;
    this.onTrial = null;
    this.loaded = null;
    const tell = (message: string) => notify && this.emit({ type: 'error', message: message[0].toUpperCase() + message.slice(1) });
    if (this.restarts.length > CRASHES_BEFORE_DROPPING_MODEL && !source) {
      this.stopped = `${reason}; it stopped ${this.restarts.length} times within a minute and was not restarted`;
      this.closed = true;
      this.emit({ type: 'error', message: this.stopped[0].toUpperCase() + this.stopped.slice(1) });
      return;
    }
    this.startWorker();
    if (this.restarts.length >= CRASHES_BEFORE_DROPPING_MODEL && source) {
      this.lastGoodSource = null;
      this.lastSubscription = null;
      // Said even after a cancel: the window must learn that its model is gone.
      this.emit({ type: 'error', message: `${reason[0].toUpperCase()}${reason.slice(1)}; it stopped ${this.restarts.length} times within a minute, so it was restarted without a model. Choose a model to continue.` });
      return;
    }
    if (!source) {
      tell(`${reason}; it was restarted.`);
      return;
    }
    const loading = this.loadModel(source);
    // Queued right behind the load, so no frame runs between the reload and the replayed subscription.
    const subscribing = sub ? this.subscribe(sub).catch(() => {}) : null;
    loading.then(
      async (info) => {
        await subscribing;
        tell(`${reason}; it was restarted with ${info.name}.`);
      },
      (e: Error) => tell(`${reason}; reloading ${modelName(source)} failed: ${e.message}`),
    );
  }

  /**
   * Cancels a model load in progress (a load cannot be interrupted inside the worker, so the worker
   * is replaced and the last good model reloaded). Resolves true when there was a load to cancel.
   */
  cancelLoad(): boolean {
    const loading = [...this.pending.values()].find((p) => p.type === 'load');
    if (!loading) return false;
    this.replaceWorker('loading was cancelled', false);
    return true;
  }

  private post(m: ToWorker, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(m, transfer);
  }

  private request<T>(m: ToWorker & { rid: number }, onProgress?: (p: Progress) => void): Promise<T> {
    if (this.stopped) return Promise.reject(new Error(this.stopped));
    if (this.closed) return Promise.reject(new Error('engine closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.set(m.rid, { type: m.type, resolve: resolve as (v: unknown) => void, reject, ...(onProgress ? { onProgress } : {}) });
      // A subscription rebuilds the display session, which for a big model takes as long as a load.
      const kind: WorkKind = m.type === 'load' || m.type === 'settings' || m.type === 'subscribe' ? 'load' : 'request';
      const what = m.type === 'load' ? `loading ${modelName(m.source)}` : m.type === 'settings' ? 'switching the execution provider' : `the request '${m.type}'`;
      this.watchdog.start(`rid:${m.rid}`, kind, what);
      this.post(m);
    });
  }

  private onWorkerMessage(m: FromWorker): void {
    switch (m.type) {
      case 'reply': {
        this.watchdog.done(`rid:${m.rid}`);
        const p = this.pending.get(m.rid);
        if (!p) return;
        this.pending.delete(m.rid);
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(m.error));
        return;
      }
      case 'error':
        this.emit({ type: 'error', message: m.message });
        return;
      case 'spec':
        this.spec = m.spec;
        this.ready = null;
        return;
      case 'progress':
        this.watchdog.alive();
        for (const p of this.pending.values()) p.onProgress?.(m.progress);
        this.emit({ type: 'progress', progress: m.progress });
        return;
      case 'result': {
        this.busy = false;
        const r = decodeResult(m.buf);
        this.watchdog.done(`frame:${r.id}`);
        if (this.onTrial) {
          // The new model works: it is what a restart reloads from now on.
          this.lastGoodSource = this.onTrial.source;
          this.lastSubscription = this.onTrial.subscription;
          this.onTrial = null;
        }
        for (const cb of this.resultListeners) cb(r, m.buf);
        this.pump();
        return;
      }
      case 'frameError': {
        this.busy = false;
        this.watchdog.done(`frame:${m.id}`);
        if (this.onTrial) {
          // A model that loads but fails on every frame: one message, then back to the previous one.
          const trial = this.onTrial;
          trial.failures++;
          trial.error = runError(m.message.replace(/^frame \d+: /, ''));
          if (trial.failures >= FAILED_FRAMES_BEFORE_RESTORE) this.restorePrevious(trial.source, trial.error);
          else this.pump();
          return;
        }
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

  /**
   * Gives the worker the newest frame when it is idle. While it runs one, the first frame that arrives
   * is prepared here, on the host thread, so preprocessing overlaps inference (onnxruntime-node's run
   * holds the worker's thread). Frames arriving after that wait in the mailbox; at hand-off a newer
   * one there replaces the prepared one, so the worker still always gets the newest frame.
   */
  private pump(): void {
    if (!this.loaded || this.closed) return;
    // While a model loads, frames travel unprepared: the worker runs them after the load, with
    // whichever model it then has, and prepares them for that model itself.
    const loading = this.loadPending();
    if (this.busy) {
      if (!loading && !this.ready && this.spec && this.mailbox.waiting) this.ready = this.prepare(this.mailbox.take()!);
      return;
    }
    let next = this.ready;
    this.ready = null;
    if (this.mailbox.waiting) {
      if (next) this.mailbox.dropped++;
      const frame = this.mailbox.take()!;
      next = loading ? { frame } : this.prepare(frame);
    } else if (next && loading) next = { frame: next.frame };
    if (!next) return;
    const f = next.frame;
    this.busy = true;
    this.watchdog.start(`frame:${f.id}`, 'frame', `frame ${f.id}`);
    const detect = f.detect ? { ...f.detect, rgba: new Uint8Array(f.detect.rgba) } : undefined;
    const transfer: ArrayBuffer[] = detect ? [detect.rgba.buffer] : [];
    const frame = { type: 'frame' as const, id: f.id, t: f.t, width: f.width, height: f.height, dropped: this.mailbox.dropped, inAt: f.inAt, ...(detect ? { detect } : {}) };
    if (next.input) {
      transfer.push(next.input.data.buffer as ArrayBuffer, next.input.display.data.buffer as ArrayBuffer);
      this.post({ ...frame, rgba: new Uint8Array(0), prepared: next.input, preprocessMs: next.ms ?? 0 }, transfer);
    } else {
      // Copy into a buffer of its own so it can be transferred (the frame may be a view into a larger message).
      const rgba = new Uint8Array(f.rgba); // Buffer#slice would be a view
      this.post({ ...frame, rgba }, [rgba.buffer, ...transfer]);
    }
  }

  private loadPending(): boolean {
    for (const p of this.pending.values()) if (p.type === 'load') return true;
    return false;
  }

  /** Preprocesses a frame here; a frame that fails goes to the worker as it is, which reports the error. */
  private prepare(frame: ArrivedFrame): NextFrame {
    if (!this.spec) return { frame };
    const t0 = performance.now();
    try {
      return { frame, input: preprocess(frame, this.spec), ms: performance.now() - t0 };
    } catch {
      return { frame };
    }
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
    if (this.lastGoodSource && JSON.stringify(this.lastGoodSource) !== JSON.stringify(source)) {
      // On trial until a frame runs: the previous model stays what a restart or a failure goes back to.
      this.onTrial = { source, subscription: null, failures: 0, error: '' };
    } else {
      this.onTrial = null;
      this.lastGoodSource = source;
      this.lastSubscription = null;
    }
    this.mailbox.reset();
    this.ready = null;
    this.emit({ type: 'modelLoaded', info });
    this.pump();
    return info;
  }

  async subscribe(subscription: Subscription): Promise<void> {
    await this.request<null>({ type: 'subscribe', rid: ++this.rid, subscription });
    if (this.onTrial) this.onTrial.subscription = subscription;
    else this.lastSubscription = subscription;
  }

  /** The model on trial failed its first frames: tell the user once and load the previous model again. */
  private restorePrevious(failed: ModelSource, error: string): void {
    const previous = this.lastGoodSource;
    const sub = this.lastSubscription;
    this.onTrial = null;
    if (!previous) return;
    this.loaded = null;
    this.emit({ type: 'error', message: `${modelName(failed)} loaded but fails on every frame (${error}); going back to ${modelName(previous)}.` });
    const loading = this.loadModel(previous);
    if (sub) void this.subscribe(sub).catch(() => {});
    loading.then(
      () => {},
      (e: Error) => this.emit({ type: 'error', message: `Going back to ${modelName(previous)} failed: ${e.message}` }),
    );
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
    this.mailbox.put({ ...frame, inAt: wallNow() });
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
    this.watchdog.clear();
    for (const p of this.pending.values()) p.reject(new Error('engine closed'));
    this.pending.clear();
    await this.worker.terminate();
  }
}
