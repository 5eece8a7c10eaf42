// The single-slot mailbox between the camera and the inference worker: a new frame replaces the one
// waiting, so the worker always takes the newest frame and a slow model can never build a queue.

export class Mailbox<T> {
  private slot: T | undefined;
  private full = false;
  /** Frames replaced before anyone took them. */
  dropped = 0;
  /** Frames handed out by take(). */
  taken = 0;

  /** Puts a frame in the slot; a frame already waiting is dropped (and counted). */
  put(item: T): void {
    if (this.full) this.dropped++;
    this.slot = item;
    this.full = true;
  }

  /** Takes the waiting frame and empties the slot; undefined when nothing waits. */
  take(): T | undefined {
    if (!this.full) return undefined;
    const item = this.slot;
    this.slot = undefined;
    this.full = false;
    this.taken++;
    return item;
  }

  get waiting(): boolean {
    return this.full;
  }

  /** Empties the slot without counting a drop and restarts the counters (new model). */
  reset(): void {
    this.slot = undefined;
    this.full = false;
    this.dropped = 0;
    this.taken = 0;
  }
}
