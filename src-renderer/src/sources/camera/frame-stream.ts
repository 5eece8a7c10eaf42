// The camera's frames as they are captured, not as the page is next painted. A video element's
// per-frame callback (requestVideoFrameCallback) comes with the page's next rendering step; while the
// panels animate, those steps keep the display's cadence, so a 30 fps camera's pictures reach the page
// up to a display frame late, by however its frames fall between the display's (the bench's "camera →
// page": 2 ms median in one run, 16 ms in the next). MediaStreamTrackProcessor hands each frame over
// as soon as the browser has it (≈ 1 ms after capture, measured in Chromium), so the crop is cut and
// sent a display frame earlier in the unlucky case.
//
// The frames carry the capture clock's timestamp (µs), not the page's clock; the element's callbacks
// say when their frame was captured on the page's clock, so pairing the two learns the offset and the
// trace can still tell capture from arrival.

/** MediaStreamTrackProcessor, where the browser has it on the page's main thread (Chromium does). */
interface TrackProcessor {
  readonly readable: ReadableStream<VideoFrame>;
}
type TrackProcessorClass = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => TrackProcessor;

export function trackProcessor(): TrackProcessorClass | null {
  return (globalThis as { MediaStreamTrackProcessor?: TrackProcessorClass }).MediaStreamTrackProcessor ?? null;
}

/** How many pairings the offset is the median of. */
const PAIRS = 15;
/** Frames kept for pairing with the element's callbacks. */
const RECENT = 8;

/**
 * Capture timestamps (µs, the capture clock) → the page's `performance.now()` clock, learned from
 * frames the stream and the video element both saw. A frame from the stream arrives after its
 * capture and before the element's callback for it; at 30 fps only one frame fits in that window.
 */
export class CaptureClock {
  private readonly recent: { ts: number; arrivedAt: number }[] = [];
  private readonly offsets: number[] = [];
  private offset: number | null = null;
  /** The most any frame's capture timestamp (ms) was ahead of its arrival on the page's clock. */
  private lead = Number.NEGATIVE_INFINITY;

  /** A frame from the stream with capture timestamp `ts` (µs) arrived at `arrivedAt` (page clock, ms). */
  arrived(ts: number, arrivedAt: number): void {
    this.lead = Math.max(this.lead, ts / 1000 - arrivedAt);
    this.recent.push({ ts, arrivedAt });
    if (this.recent.length > RECENT) this.recent.shift();
  }

  /** The element's callback at `now` for a frame captured at `capturedAt` (page clock, ms). */
  elementFrame(capturedAt: number, now: number): void {
    const candidates = this.recent.filter((f) => f.arrivedAt >= capturedAt - 0.5 && f.arrivedAt <= now);
    if (candidates.length !== 1) return;
    this.offsets.push(candidates[0].ts / 1000 - capturedAt);
    if (this.offsets.length > PAIRS) this.offsets.shift();
    const sorted = [...this.offsets].sort((a, b) => a - b);
    this.offset = sorted[sorted.length >> 1];
  }

  /** When the frame with capture timestamp `ts` (µs) was captured, on the page's clock; undefined until learned. */
  toPage(ts: number): number | undefined {
    return this.offset === null ? undefined : ts / 1000 - this.offset;
  }

  /**
   * When the frame was captured as far as the stream alone tells, for counting pictures: `toPage`
   * once learned; before that, the frames' own spacing, anchored so that none was captured after it
   * arrived (the quickest one counts as captured when it arrived). The stream's first frames, handed
   * over in a bunch, then still count at the camera's rate (counted on arrival, a 10 fps camera read
   * up to 12.8 fps in its first second). Undefined before the first frame.
   */
  takenAt(ts: number): number | undefined {
    return this.toPage(ts) ?? (Number.isFinite(this.lead) ? ts / 1000 - this.lead : undefined);
  }
}

/**
 * Reads `track`'s frames as they come and hands each to `onFrame`, which must be done with it when it
 * returns (the frame is closed then: a camera stalls when its frames are held). Returns the function
 * that stops reading; `onEnd` is called if the stream fails or ends while still wanted.
 */
export function readFrames(Processor: TrackProcessorClass, track: MediaStreamTrack, onFrame: (frame: VideoFrame) => void, onEnd: (why: string) => void): () => void {
  let stopped = false;
  const reader = new Processor({ track }).readable.getReader();
  void (async () => {
    try {
      for (;;) {
        const { value: frame, done } = await reader.read();
        if (done || !frame) break;
        try {
          if (!stopped) onFrame(frame);
        } catch (e) {
          console.error('camera: a frame could not be used', e);
        } finally {
          frame.close();
        }
      }
      if (!stopped) onEnd('the stream of camera frames ended');
    } catch (e) {
      if (!stopped) onEnd(e instanceof Error ? e.message : String(e));
    }
  })();
  return () => {
    stopped = true;
    void reader.cancel().catch(() => undefined);
  };
}
