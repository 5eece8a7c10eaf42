// Messages between the Engine (host thread) and its inference worker thread.
import type { EngineSettings, ModelSource, Progress, Subscription } from '../../src-shared/contract';

export type ToWorker =
  | { type: 'init'; assetsDir: string; settings: EngineSettings }
  | { type: 'load'; rid: number; source: ModelSource }
  | { type: 'subscribe'; rid: number; subscription: Subscription }
  | { type: 'classWeights'; rid: number; layer: string }
  | { type: 'settings'; rid: number; settings: EngineSettings }
  /** rgba's buffer is transferred. `dropped` is the mailbox count when the frame was taken. */
  | { type: 'frame'; id: number; t: number; width: number; height: number; rgba: Uint8Array; dropped: number };

export type FromWorker =
  | { type: 'reply'; rid: number; ok: true; result: unknown }
  | { type: 'reply'; rid: number; ok: false; error: string }
  | { type: 'progress'; progress: Progress }
  /** An encoded FrameResult (payload.ts), transferred. */
  | { type: 'result'; buf: ArrayBuffer }
  | { type: 'frameError'; id: number; message: string };
