// Frames out, results in: the frame pump sends the crop of each new picture while the link has room,
// results come back and are shown with the crop they were computed from; freezing holds the picture
// on screen; the numbers of the status line are kept here.
import { batch, createEffect, createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { EngineChannel, FaceFinderSettings, FrameResult, ModelInfo } from '../../../src-shared/contract';
import { cropSizeFor } from '../../../src-shared/frame-size';
import type { CropSquare } from '../sources/crop';
import { FramePump, type Cutter } from '../sources/frame-pump';
import type { CropImage, PictureSource } from '../sources/types';
import { lastFrameDraw, recordShown } from '../scene/perf';
import { engineQueueMs, engineWorkMs, frameTrace } from '../trace/frame-trace';

export interface Stats {
  /** New pictures per second from the source. */
  fps: number;
  inferenceMs: number;
  /** Camera capture → result on screen, median of the last traced frames (FrameTrace.latency); 0 before any. */
  latencyMs: number;
  /** Frames replaced in the engine's mailbox. */
  dropped: number;
  /** Frames not sent because the link was closed or congested. */
  droppedByLink: number;
  /** Face finder time per frame while the crop follows faces, else null. */
  facesMs: number | null;
}

// Flow control: how many frames may travel without their result back. The engine's mailbox keeps only
// the newest frame, but the link and the results can still queue when the engine, the network or the
// drawing is slow; this keeps camera-to-screen latency bounded.
// - The engine needs less than half a camera interval: the link (readback, transport, decode,
//   drawing) sets the pace, and a second frame in flight overlaps it with the engine at almost no
//   wait, so every camera frame can be shown.
// - The engine is the slowest stage (its time per frame exceeds the link's round trip, e.g. a VGG-16
//   at 360 ms against ~120 ms of transport): the next frame leaves one inference time (plus however
//   long frames have lately waited in the engine) after the previous one, so it reaches the engine
//   as the engine finishes — the engine never idles while a
//   result travels back and a frame travels out (bench, browser mode, DEX VGG-16: 1.82 → 2.05
//   results/s), and the frame waits in the mailbox only for the end of the previous frame, so latency
//   stays about one pass through the pipeline.
// - Otherwise (the link is the slower part, e.g. SqueezeNet in browser mode on this 2-core machine
//   without a GPU: engine ~25 ms, the rest of the round trip ~50 ms): one frame at a time. A second
//   frame would only wait and age: measured 9.7 → 12.9 results/s but latency 87 → 129 ms.
const MAX_IN_FLIGHT = 2;
/** A result that never came back stops blocking the link after this long. */
const LOST_AFTER_MS = 1000;

const ema = (prev: number, x: number, k = 0.15) => (prev === 0 ? x : prev * (1 - k) + x * k);

export function createFrameFlow(deps: {
  engine: Pick<EngineChannel, 'sendFrame' | 'onResult'>;
  model: Accessor<ModelInfo | null>;
  picture: Accessor<PictureSource | null>;
  cropSquare: Accessor<CropSquare>;
  droppedByLink: () => number;
  /** The face finder's settings while the crop follows faces (each frame then carries the whole picture). */
  detect?: () => FaceFinderSettings | null;
  cutter?: Cutter;
  now?: () => number;
  /** Runs `cb` once the panels have drawn (the next animation frame). */
  afterPaint?: (cb: () => void) => void;
  statsEveryMs?: number;
}) {
  const now = deps.now ?? (() => performance.now());
  const afterPaint = deps.afterPaint ?? ((cb: () => void) => requestAnimationFrame(cb));
  const [result, setResult] = createSignal<FrameResult | null>(null, { equals: false });
  const [crop, setCrop] = createSignal<CropImage | null>(null, { equals: false });
  const [frozen, setFrozen] = createSignal(false);
  /** True for the instant a frozen picture's re-run result is handed to the panels. */
  const [refreshingFrozen, setRefreshingFrozen] = createSignal(false);
  const [stats, setStats] = createSignal<Stats>({ fps: 0, inferenceMs: 0, latencyMs: 0, dropped: 0, droppedByLink: 0, facesMs: null });
  /** The crop on screen when freezing began, and the id it was sent again under (new panels need its layers). */
  let frozenCrop: CropImage | null = null;
  let frozenRerunId = -1;
  let lastSentId = 0;
  let lastResultId = 0;
  let lastResultAt = 0;
  let lastResult: FrameResult | null = null;
  let inferenceMs = 0;
  let facesMs = 0;

  /** Preprocess + inference + encode per frame as the engine reports it (moving average). */
  let engineMs = 0;
  /** The rest of a frame's round trip (transport both ways, waits): sent → result in, less the engine's time (moving average). */
  let linkMs = 0;
  /**
   * How long frames waited in the engine before it took them (moving average, from its own stamps).
   * The engine's time per frame is a little more than its inference (handing frames and results
   * between its threads, sending a result of several MB), so a second frame spaced one inference
   * apart arrives a little early each time, and the wait adds up until the frame waits for almost a
   * whole inference (DEX VGG-16 in browser mode: 139–225 ms median in the mailbox). Spacing by the
   * inference plus that wait lets the wait drain to what the camera's frame interval leaves.
   */
  let queueMs = 0;
  /** When each frame still travelling was sent. */
  const sentAt = new Map<number, number>();
  let lastSentAt = 0;
  const inFlightLimit = (): number => {
    const fps: number = pump.fps;
    if (!(engineMs > 0 && fps > 0 && Number.isFinite(fps))) return 1;
    if (engineMs < 500 / fps) return MAX_IN_FLIGHT;
    const engineBound = engineMs > linkMs && now() - lastSentAt >= inferenceMs + queueMs;
    return engineBound ? MAX_IN_FLIGHT : 1;
  };
  const linkReady = (): boolean => lastSentId - lastResultId < inFlightLimit() || now() - lastResultAt > LOST_AFTER_MS;

  // Once per model, not per picture.
  const outSize = createMemo(() => {
    const m = deps.model();
    return m ? cropSizeFor(m.input) : null;
  });
  const pump = new FramePump({
    crop: deps.cropSquare,
    outSize,
    send: (f) => {
      lastSentId = f.id;
      lastSentAt = now();
      sentAt.set(f.id, lastSentAt);
      deps.engine.sendFrame(f);
    },
    paused: () => frozen() || !linkReady(),
    // Frozen, nothing is sent until the picture is let go, and then a newer frame comes anyway.
    holdWhilePaused: () => !frozen(),
    detect: deps.detect,
    cutter: deps.cutter,
    now,
  });
  createEffect(() => pump.use(deps.picture()));
  onCleanup(() => pump.use(null));

  const show = (r: FrameResult) =>
    batch(() => {
      setResult(r);
      setCrop(pump.crops.get(r.id));
    });

  const offResult = deps.engine.onResult((r) => {
    const m = deps.model();
    if (!m || r.probs.length !== m.labels.length) return; // a late result of the previous model
    inferenceMs = ema(inferenceMs, r.timing.inferenceMs);
    const work = engineWorkMs(r.timing);
    engineMs = ema(engineMs, work);
    const queued = engineQueueMs(r.timing);
    if (queued !== null) queueMs = ema(queueMs, queued);
    if (r.timing.facesMs !== undefined) facesMs = ema(facesMs, r.timing.facesMs);
    const sent = sentAt.get(r.id);
    if (sent !== undefined) linkMs = ema(linkMs, Math.max(0, now() - sent - work));
    // This frame and the older ones (replaced in the engine's mailbox) travel no more.
    for (const id of sentAt.keys()) if (id <= r.id) sentAt.delete(id);
    lastResult = r;
    // Frames older than this one that never came back were replaced in the engine's mailbox.
    if (r.id > lastResultId && r.id <= lastSentId) lastResultId = r.id;
    lastResultAt = now();
    // The link has room: the camera frame that came meanwhile leaves now, before this result is drawn.
    pump.resume(); // nothing is held while frozen
    if (frozen()) {
      if (r.id !== frozenRerunId) return;
      batch(() => {
        setRefreshingFrozen(true);
        show(r);
      });
      setRefreshingFrozen(false);
      return;
    }
    show(r);
    // The frame on which the panels draw this result ends its trace (the status line's latency).
    afterPaint(() => {
      frameTrace.drawn(r.id, lastFrameDraw.startedAt, lastFrameDraw.ms);
      // Shown: this result was on screen, not replaced by a newer one before the panels drew.
      if (result()?.id === r.id) recordShown(now());
    });
  });
  onCleanup(offResult);

  const timer = setInterval(() => {
    const finding = lastResult?.timing.facesMs !== undefined && !!deps.detect?.();
    if (!finding) facesMs = 0;
    setStats({ fps: pump.fps, inferenceMs, latencyMs: frameTrace.latency() ?? 0, dropped: lastResult?.dropped ?? 0, droppedByLink: deps.droppedByLink(), facesMs: finding ? facesMs : null });
  }, deps.statsEveryMs ?? 250);
  onCleanup(() => clearInterval(timer));

  return {
    result,
    crop,
    frozen,
    /** What panels see as "frozen": false for the instant a frozen picture's re-run arrives. */
    panelsFrozen: () => frozen() && !refreshingFrozen(),
    stats,

    toggleFreeze() {
      const f = !frozen();
      frozenCrop = f ? crop() : null;
      frozenRerunId = -1;
      setFrozen(f);
      // Unfreezing shows the newest result at once rather than waiting for the next one.
      if (!f && lastResult) show(lastResult);
    },

    /** A frozen picture stays the same picture: its crop runs again so new panels get their layers. */
    rerunFrozen() {
      if (frozen() && frozenCrop) frozenRerunId = pump.resend(frozenCrop);
    },

    /** A new model: nothing of the old one is shown, and no old frame holds the link. */
    reset() {
      pump.crops.clear();
      sentAt.clear();
      lastResultId = lastSentId;
      lastResult = null;
      batch(() => {
        setResult(null);
        setCrop(null);
      });
    },
  };
}

export type FrameFlow = ReturnType<typeof createFrameFlow>;
