// Notices an inference worker that stopped answering. Every piece of work handed to the worker gets
// a time limit; the worker does its work in order, so the oldest piece is the one it is busy with,
// and any sign of life (a reply, a result, load progress) restarts its clock. A load of a big model
// may take minutes, but it reports progress as it goes; a load that falls silent is hung.

export interface WatchdogLimits {
  /** One frame's preprocessing, inference and encoding. */
  frameMs: number;
  /** A load or a provider switch, counted from its last progress report. */
  loadStallMs: number;
  /** Anything else (a subscription, class weights). */
  requestMs: number;
}

export const DEFAULT_WATCHDOG_LIMITS: WatchdogLimits = {
  frameMs: 30_000,
  loadStallMs: 180_000,
  requestMs: 30_000,
};

export type WorkKind = 'frame' | 'load' | 'request';

/** What was hung, for the message to the user. */
export interface Hang {
  kind: WorkKind;
  what: string;
  limitMs: number;
}

export class Watchdog {
  /** Outstanding work in the order it was handed out. */
  private readonly work = new Map<string, { kind: WorkKind; what: string }>();
  private lastLife = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly limits: WatchdogLimits,
    private readonly onHung: (hang: Hang) => void,
  ) {}

  /** Work handed to the worker, under a key that `done` names again. */
  start(key: string, kind: WorkKind, what: string): void {
    if (this.work.size === 0) this.lastLife = Date.now();
    this.work.set(key, { kind, what });
    this.arm();
  }

  done(key: string): void {
    if (!this.work.delete(key)) return;
    this.alive();
  }

  /** The worker said something: whatever it is busy with gets a fresh clock. */
  alive(): void {
    this.lastLife = Date.now();
    this.arm();
  }

  /** Forgets all work (the worker was replaced). */
  clear(): void {
    this.work.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private limitOf(kind: WorkKind): number {
    return kind === 'frame' ? this.limits.frameMs : kind === 'load' ? this.limits.loadStallMs : this.limits.requestMs;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const oldest = this.work.values().next();
    if (oldest.done) return;
    const limitMs = this.limitOf(oldest.value.kind);
    const wait = Math.max(0, this.lastLife + limitMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const current = this.work.values().next();
      if (current.done) return;
      if (Date.now() - this.lastLife < this.limitOf(current.value.kind)) return this.arm();
      const hang = { ...current.value, limitMs: this.limitOf(current.value.kind) };
      this.clear();
      this.onHung(hang);
    }, wait);
    // A pending watchdog must not keep a command-line process alive.
    this.timer.unref?.();
  }
}
