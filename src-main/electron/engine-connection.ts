// Owns the engine host process of the desktop app (like VS Code's SharedProcess): starts it under a
// Supervisor, says when it is up (`whenReady`), hands out a fresh channel to it for the window
// (`connect`), and after a crash brings up a new host with the last good model and asks for a new
// connection. Frames and results then flow window ⇄ host directly, never through the main process.
// Electron-free: the process spawner and the channel factory are injected (utilityProcess and
// MessageChannelMain in the app, a Node child and worker_threads channels in the tests).
import type { EngineEvent, EngineSettings, ModelSource, Response } from '../../src-shared/contract';
import { Supervisor, type EngineProcess } from '../supervisor/supervisor';

/** One end of a message channel (Electron's MessagePortMain, worker_threads' MessagePort). */
export interface ChannelPort {
  postMessage(message: unknown): void;
  close(): void;
}

/** The engine host process, able to take one end of a channel. */
export interface HostProcess<P extends ChannelPort> extends EngineProcess {
  /** Gives the host its end of a window's channel; the host serves the newest one it was given. */
  sendPort(port: P): void;
}

export interface EngineConnectionOptions<P extends ChannelPort> {
  spawn(): HostProcess<P>;
  createChannel(): { host: P; client: P };
  log(line: string): void;
  readyTimeoutMs?: number;
  replayTimeoutMs?: number;
}

type Listener<T> = (value: T) => void;

export class EngineConnection<P extends ChannelPort> {
  private readonly supervisor: Supervisor<HostProcess<P>>;
  /** The host that is up and has said 'ready'; null while starting, restarting or stopped. */
  private host: HostProcess<P> | null = null;
  private upWaiters: (() => void)[] = [];
  /** Whether the current host has a client channel to carry notices. */
  private connected = false;
  /** Notices raised while no client channel was open; they travel first on the next one. */
  private pending: EngineEvent[] = [];
  /** Why the restart notice on the current channel said the model was left out, if it did. */
  private announcedWithoutModel: string | null = null;
  private readonly restartListeners = new Set<Listener<string | null>>();
  private readonly noticeListeners = new Set<Listener<EngineEvent>>();

  constructor(private readonly opts: EngineConnectionOptions<P>) {
    this.supervisor = new Supervisor<HostProcess<P>>({
      spawn: opts.spawn,
      log: opts.log,
      ...(opts.readyTimeoutMs ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
      ...(opts.replayTimeoutMs ? { replayTimeoutMs: opts.replayTimeoutMs } : {}),
      onStarted: (proc, restarted, crashReason, withoutModel) => this.hostUp(proc, restarted, crashReason, withoutModel),
      onExit: () => {
        this.host = null;
        this.connected = false;
      },
      onMessage: (msg) => this.fromHost(msg),
      onNotice: (event) => this.notice(event),
    });
  }

  /** The host's process id (diagnostics, tests). */
  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  /** Starts the first host; resolves when it is up. */
  start(): Promise<void> {
    void this.supervisor.start().catch((e: unknown) => this.opts.log(`engine host did not start: ${(e as Error).message}`));
    return this.whenReady();
  }

  /** Resolves when a host is up and can take a connection (before any replay into it has finished). */
  whenReady(): Promise<void> {
    if (this.host) return Promise.resolve();
    return new Promise((resolve) => this.upWaiters.push(resolve));
  }

  /**
   * A fresh channel to the current host: the host gets one end (and serves it from now on, with a
   * 'ready' event and the loaded model), the caller gets the other for the window. Notices raised
   * while no channel was open arrive on it first.
   */
  async connect(): Promise<P> {
    await this.whenReady();
    const host = this.host!;
    const { host: hostEnd, client } = this.opts.createChannel();
    // Posted on the host's end, these reach the client before anything the host sends.
    for (const event of this.pending) hostEnd.postMessage({ type: 'event', event });
    this.pending = [];
    host.sendPort(hostEnd);
    this.connected = true;
    return client;
  }

  /** Called when a new host replaced one that died: the window needs `connect()` again. */
  onRestarted(cb: Listener<string | null>): () => void {
    this.restartListeners.add(cb);
    return () => this.restartListeners.delete(cb);
  }

  /** Engine events raised in the main process while a window is connected (a failed model reload, a crash loop). */
  onNotice(cb: Listener<EngineEvent>): () => void {
    this.noticeListeners.add(cb);
    return () => this.noticeListeners.delete(cb);
  }

  /**
   * What a restart replays: the window talks to the host directly, so the main process learns the
   * model and engine settings from the settings file and from the host's own events.
   */
  remember(state: { model?: ModelSource; settings?: EngineSettings }): void {
    this.supervisor.remember(state);
  }

  /** Sends engine settings to the host now (remembered for every restart); null when no host is up. */
  applyEngineSettings(settings: EngineSettings): Promise<Response | null> {
    return this.supervisor.applyEngineSettings(settings);
  }

  /** What a restart would replay (tests, diagnostics). */
  get lastGoodModel(): ModelSource | undefined {
    return this.supervisor.lastGoodState.model;
  }

  /** Sends a request of the main process's own to the host (diagnostics, tests). */
  request(body: { type: string } & Record<string, unknown>): Promise<Response> {
    return this.supervisor.request(body);
  }

  stop(): Promise<void> {
    this.host = null;
    this.connected = false;
    return this.supervisor.stop();
  }

  private hostUp(proc: HostProcess<P>, restarted: boolean, crashReason: string | null, withoutModel: string | null): void {
    this.host = proc;
    this.connected = false;
    // The restart notice comes first on the new channel; notices raised meanwhile follow it.
    this.announcedWithoutModel = withoutModel;
    if (crashReason !== null) this.pending.unshift({ type: 'engineRestarted', reason: crashReason, ...(withoutModel ? { withoutModel } : {}) });
    const waiters = this.upWaiters;
    this.upWaiters = [];
    for (const w of waiters) w();
    if (restarted) for (const cb of this.restartListeners) cb(crashReason);
  }

  /** The host mirrors its events to the main process; the window hears them on its own channel. */
  private fromHost(msg: unknown): void {
    const m = msg as { type?: unknown; event?: EngineEvent };
    // A bundled model that loaded is the one to reload after a crash (models opened from files
    // are remembered through the settings' lastModel).
    if (m.type === 'event' && m.event?.type === 'modelLoaded' && m.event.info.source === 'bundled') {
      this.supervisor.remember({ model: { bundled: m.event.info.id } });
    }
  }

  private notice(event: EngineEvent): void {
    if (event.type === 'engineRestarted') {
      // The new channel already starts with the restart notice (see hostUp); only a model that
      // could not be reloaded after it is news.
      if (!event.withoutModel || event.withoutModel === this.announcedWithoutModel) return;
      event = { type: 'error', message: `After the engine restart ${event.withoutModel}` };
    }
    if (this.host && this.connected) for (const cb of this.noticeListeners) cb(event);
    else this.pending.push(event);
  }
}
