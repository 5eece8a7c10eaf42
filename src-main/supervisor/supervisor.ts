// Keeps an engine host process alive for its whole session. Shared by the Electron main process
// (utilityProcess) and browser mode (Node child process): both hand it a `spawn` function and it
// does the rest — wait for the host's 'ready', notice when it dies, start a new one, load the last
// model that loaded successfully, replay the last subscription and engine settings, and tell the
// clients with an 'engineRestarted' event. A model that crashes the native runtime therefore costs
// the user a notice, not the window.
import type { EngineEvent, EngineSettings, ModelSource, Response, Subscription } from '../../src-shared/contract';

/** One running engine host, whatever kind of process it is. */
export interface EngineProcess {
  readonly pid: number | undefined;
  /** Sends a control message (or an encoded frame) to the host. */
  send(msg: unknown): void;
  onMessage(cb: (msg: unknown) => void): void;
  /** Called once when the process has gone, with a description for the user ("exit code 3", "signal SIGKILL"). */
  onExit(cb: (description: string) => void): void;
  kill(): void;
  /** Bytes of frames sent and not yet taken by the host (a host that reads slowly builds a backlog). */
  backlog?(): number;
}

export interface SupervisorOptions<P extends EngineProcess = EngineProcess> {
  spawn(): P;
  /** Every message of the current host that is not the answer to one of the supervisor's own requests. */
  onMessage(msg: unknown): void;
  /**
   * The supervisor's own events for the clients (a model that could not be reloaded, a crash loop,
   * 'engineRestarted'). Without this they go to onMessage like the host's events.
   */
  onNotice?(event: EngineEvent): void;
  /**
   * Called whenever a host is up and ready, before the replay. Electron hands the renderer a new
   * MessagePort here; `restarted` is false for the first start, `crashReason` says why the
   * previous host died (null for the first start and for deliberate restarts), `withoutModel` why
   * the last model will not be reloaded (it kept crashing the host), or null.
   */
  onStarted?(proc: P, restarted: boolean, crashReason: string | null, withoutModel: string | null): void;
  /** The host died unexpectedly; clients' requests in flight will never be answered. */
  onExit?(reason: string): void;
  /** How long a new host may take to say 'ready'. */
  readyTimeoutMs?: number;
  /** How long a replayed request may take (loading a big model counts). */
  replayTimeoutMs?: number;
  log?(line: string): void;
}

/** What the supervisor replays into a restarted host. */
export interface EngineState {
  model?: ModelSource;
  subscription?: Subscription;
  settings?: EngineSettings;
}

type Tracked =
  | { kind: 'model'; source: ModelSource }
  | { kind: 'subscription'; subscription: Subscription }
  | { kind: 'settings'; settings: EngineSettings };

interface Waiter {
  resolve(r: Response): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Crashes closer together than this count towards a crash loop. */
const CRASH_WINDOW_MS = 60_000;
/** After this many crashes in the window the last model is no longer trusted and is not reloaded. */
const CRASHES_BEFORE_DROPPING_MODEL = 3;

export class Supervisor<P extends EngineProcess = EngineProcess> {
  private proc: P | null = null;
  private ready = false;
  private stopping = false;
  private generation = 0;
  private restarts = 0;
  private crashTimes: number[] = [];
  private state: EngineState = {};
  private tracked = new Map<number, Tracked>();
  private waiters = new Map<number, Waiter>();
  private nextInternalRid = -1;
  private readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Sources of the models that loaded, by model id: when the host goes back to an earlier model on
   * its own (a new one failed on every frame) its 'modelLoaded' event names only the id.
   */
  private readonly loadedSources = new Map<string, ModelSource>();
  /** Why the coming restart leaves the last model out (a crash loop), told in its one restart notice. */
  private droppedModel: string | null = null;
  private readonly opts: Required<Pick<SupervisorOptions<P>, 'readyTimeoutMs' | 'replayTimeoutMs'>> & SupervisorOptions<P>;

  constructor(opts: SupervisorOptions<P>) {
    this.opts = { readyTimeoutMs: 60_000, replayTimeoutMs: 300_000, ...opts };
  }

  /** The process id of the current host (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** True while a host is up and has said 'ready'. */
  get isReady(): boolean {
    return this.ready;
  }

  /** How many times the host has been restarted after a crash. */
  get restartCount(): number {
    return this.restarts;
  }

  /** What a restart would replay right now. */
  get lastGoodState(): Readonly<EngineState> {
    return this.state;
  }

  /** Starts the first host and resolves when it is ready. */
  async start(): Promise<void> {
    if (this.proc) return this.whenReady();
    this.launch(false);
    return this.whenReady();
  }

  /** Resolves when a host is ready (immediately when one is). */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Bytes of frames on their way to the current host. */
  backlog(): number {
    return this.proc?.backlog?.() ?? 0;
  }

  /** Sends to the current host; returns false (and drops the message) while none is ready. */
  send(msg: unknown): boolean {
    if (!this.proc || !this.ready) return false;
    this.proc.send(msg);
    return true;
  }

  /**
   * Lets the supervisor see a client's request on its way to the host, so it can remember the
   * model, subscription and settings once the host confirms them. Call before `send`.
   */
  noteRequest(req: unknown): void {
    if (!isObject(req) || typeof req.rid !== 'number') return;
    if (req.type === 'loadModel' && isObject(req.source)) {
      this.tracked.set(req.rid, { kind: 'model', source: req.source as ModelSource });
    } else if (req.type === 'subscribe' && isObject(req.subscription)) {
      this.tracked.set(req.rid, { kind: 'subscription', subscription: req.subscription as unknown as Subscription });
    } else if (req.type === 'setEngineSettings' && isObject(req.settings)) {
      this.tracked.set(req.rid, { kind: 'settings', settings: req.settings as unknown as EngineSettings });
    }
  }

  /**
   * Tells the supervisor directly what to replay. Electron uses this: there, frames and requests go
   * renderer ⇄ host over a MessagePort the main process never sees.
   */
  remember(state: EngineState): void {
    // Only what is given: an absent field keeps what was remembered before.
    if (state.model) this.state = { ...this.state, model: state.model };
    if (state.subscription) this.state = { ...this.state, subscription: state.subscription };
    if (state.settings) this.state = { ...this.state, settings: state.settings };
  }

  /**
   * Applies engine settings that come from the user's settings file rather than from a client
   * request (e.g. "force CPU"): remembered for every (re)start, and sent now when a host is up.
   * Resolves with the host's answer (the reloaded model's info, or null), or null when no host is up.
   */
  async applyEngineSettings(settings: EngineSettings): Promise<Response | null> {
    this.remember({ settings });
    if (!this.ready) return null;
    return this.request({ type: 'setEngineSettings', settings });
  }

  /**
   * Sends a request on behalf of the main process or server itself (not a client's) to the current
   * host and resolves with its answer; rejects when no host is up, the host dies first or does not
   * answer in time.
   */
  request(body: { type: string } & Record<string, unknown>): Promise<Response> {
    const proc = this.proc;
    if (!proc) return Promise.reject(new Error('no engine host'));
    const rid = this.nextInternalRid--;
    return new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(rid);
        reject(new Error(`engine host did not answer '${body.type}' within ${this.opts.replayTimeoutMs} ms`));
      }, this.opts.replayTimeoutMs);
      this.waiters.set(rid, { resolve, reject, timer });
      proc.send({ ...body, rid });
    });
  }

  /** Stops the host for good. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.failWaiters(new Error('engine host stopped'));
    const proc = this.proc;
    this.proc = null;
    this.ready = false;
    if (proc) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 3000);
        proc.onExit(() => {
          clearTimeout(t);
          resolve();
        });
        proc.kill();
      });
    }
  }

  /**
   * Replaces the running host with a fresh one on purpose (e.g. the Electron window reloaded and
   * needs a new port), replaying the remembered state. Clients get no 'engineRestarted' notice.
   */
  async restart(): Promise<void> {
    const old = this.proc;
    this.generation++;
    this.proc = null;
    this.ready = false;
    this.failWaiters(new Error('engine host restarted'));
    old?.kill();
    this.launch(true, null);
    await this.whenReady();
  }

  private launch(restarted: boolean, reason: string | null = null): void {
    const gen = ++this.generation;
    let proc: P;
    try {
      proc = this.opts.spawn();
    } catch (e) {
      this.opts.log?.(`engine host could not be started: ${errorText(e)}`);
      this.scheduleRestart(`could not start: ${errorText(e)}`);
      return;
    }
    this.proc = proc;
    this.ready = false;
    const readyTimer = setTimeout(() => {
      if (gen !== this.generation || this.ready) return;
      this.opts.log?.(`engine host did not become ready within ${this.opts.readyTimeoutMs} ms; restarting it`);
      proc.kill();
    }, this.opts.readyTimeoutMs);

    proc.onMessage((msg) => {
      if (gen !== this.generation) return;
      if (isReadyEvent(msg) && !this.ready) {
        clearTimeout(readyTimer);
        this.ready = true;
        this.opts.onStarted?.(proc, restarted, reason, reason === null ? null : this.droppedModel);
        void this.afterReady(gen, restarted, reason);
        return;
      }
      this.handleMessage(msg);
    });
    proc.onExit((description) => {
      clearTimeout(readyTimer);
      if (gen !== this.generation || this.stopping) return;
      this.proc = null;
      this.ready = false;
      const why = `the engine host stopped (${description})`;
      this.opts.log?.(why);
      this.tracked.clear();
      this.failWaiters(new Error(why));
      this.opts.onExit?.(why);
      this.scheduleRestart(why);
    });
  }

  private scheduleRestart(reason: string): void {
    if (this.stopping) return;
    const now = Date.now();
    this.crashTimes = this.crashTimes.filter((t) => now - t < CRASH_WINDOW_MS);
    this.crashTimes.push(now);
    const n = this.crashTimes.length;
    if (n >= CRASHES_BEFORE_DROPPING_MODEL && this.state.model) {
      // The last good model may be what keeps killing the host: start without it. The restart
      // notice says so; no second message.
      this.opts.log?.(`engine host crashed ${n} times within a minute; not reloading the last model`);
      this.state = { settings: this.state.settings };
      this.droppedModel = `it crashed ${n} times within a minute. Choose a model to continue.`;
    }
    // The first crash restarts at once (the user is waiting for results); repeated ones back off.
    const delay = n === 1 ? 0 : Math.min(5000, 200 * 2 ** (n - 2));
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.restarts++;
      this.launch(true, reason);
    }, delay);
  }

  private async afterReady(gen: number, restarted: boolean, reason: string | null): Promise<void> {
    if (!restarted && this.state.settings) {
      // Settings from the user's file (e.g. force CPU) hold from the first model on.
      try {
        const r = await this.request({ type: 'setEngineSettings', settings: this.state.settings });
        if (!r.ok) this.opts.log?.(`engine settings were not applied: ${r.error}`);
      } catch (e) {
        this.opts.log?.(`engine settings were not applied: ${errorText(e)}`);
        return;
      }
    }
    if (restarted) {
      const s = this.state;
      let withoutModel = this.droppedModel;
      try {
        if (s.settings) await this.request({ type: 'setEngineSettings', settings: s.settings });
        let modelOk = false;
        if (s.model) {
          const r = await this.request({ type: 'loadModel', source: s.model });
          modelOk = r.ok;
          if (!r.ok) {
            this.opts.log?.(`reloading the last model failed: ${r.error}`);
            withoutModel = `the last model could not be reloaded: ${r.error}`;
            // A deliberate restart has no restart notice to carry this.
            if (reason === null) this.emitEvent({ type: 'error', message: `After the engine restart the last model could not be reloaded: ${r.error}` });
          }
        }
        if (modelOk && s.subscription) await this.request({ type: 'subscribe', subscription: s.subscription });
      } catch (e) {
        // The new host died during the replay; its exit handler has already scheduled the next try.
        this.opts.log?.(`replay into the restarted engine host failed: ${errorText(e)}`);
        return;
      }
      if (gen !== this.generation) return;
      this.droppedModel = null;
      if (reason !== null) this.emitEvent({ type: 'engineRestarted', reason, ...(withoutModel ? { withoutModel } : {}) });
    }
    if (gen !== this.generation) return;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w.resolve();
  }

  private handleMessage(msg: unknown): void {
    if (isObject(msg) && typeof msg.rid === 'number' && typeof msg.ok === 'boolean') {
      const res = msg as unknown as Response;
      const waiter = this.waiters.get(res.rid);
      if (waiter) {
        this.waiters.delete(res.rid);
        clearTimeout(waiter.timer);
        waiter.resolve(res);
        return;
      }
      const t = this.tracked.get(res.rid);
      if (t) {
        this.tracked.delete(res.rid);
        if (res.ok) {
          if (t.kind === 'model') {
            // A new model invalidates the old subscription; the client subscribes again.
            this.state = { ...this.state, model: t.source, subscription: undefined };
            const id = isObject(res.result) && typeof res.result.id === 'string' ? res.result.id : null;
            if (id !== null) {
              this.loadedSources.delete(id);
              this.loadedSources.set(id, t.source);
              if (this.loadedSources.size > 32) this.loadedSources.delete(this.loadedSources.keys().next().value!);
            }
          } else if (t.kind === 'subscription') this.state = { ...this.state, subscription: t.subscription };
          else this.state = { ...this.state, settings: t.settings };
        }
      }
    }
    this.followModel(msg);
    this.opts.onMessage(msg);
  }

  /** The host switched models by itself (back to the previous one): that is the one to reload after a crash. */
  private followModel(msg: unknown): void {
    if (!isObject(msg) || msg.type !== 'event' || !isObject(msg.event) || msg.event.type !== 'modelLoaded') return;
    const info = msg.event.info;
    const id = isObject(info) && typeof info.id === 'string' ? info.id : null;
    const source = id === null ? undefined : this.loadedSources.get(id);
    if (source && source !== this.state.model) this.state = { ...this.state, model: source, subscription: undefined };
  }

  private failWaiters(err: Error): void {
    for (const [rid, w] of this.waiters) {
      clearTimeout(w.timer);
      w.reject(err);
      this.waiters.delete(rid);
    }
  }

  private emitEvent(event: EngineEvent): void {
    if (this.opts.onNotice) this.opts.onNotice(event);
    else this.opts.onMessage({ type: 'event', event });
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) && !(x instanceof ArrayBuffer);
}

function isReadyEvent(msg: unknown): boolean {
  return isObject(msg) && msg.type === 'event' && isObject(msg.event) && msg.event.type === 'ready';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
