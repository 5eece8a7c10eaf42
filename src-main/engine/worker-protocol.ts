// Messages between the Engine (host thread) and its inference worker thread.
import type { DetectImage, EngineSettings, ModelSource, Progress, Subscription } from '../../src-shared/contract';
import type { InputSpec, PreparedInput } from './preprocess';

export type ToWorker =
  | { type: 'init'; assetsDir: string; settings: EngineSettings }
  | { type: 'load'; rid: number; source: ModelSource }
  | { type: 'subscribe'; rid: number; subscription: Subscription }
  | { type: 'classWeights'; rid: number; layer: string }
  | { type: 'settings'; rid: number; settings: EngineSettings }
  /**
   * rgba's (and detect.rgba's) buffer is transferred. `dropped` is the mailbox count when the frame
   * was taken. `prepared`: the host thread already preprocessed it (rgba is then empty), in `preprocessMs`.
   */
  | { type: 'frame'; id: number; t: number; width: number; height: number; rgba: Uint8Array; dropped: number; detect?: DetectImage; prepared?: PreparedInput; preprocessMs?: number; inAt?: number };

export type FromWorker =
  | { type: 'reply'; rid: number; ok: true; result: unknown }
  | { type: 'reply'; rid: number; ok: false; error: string }
  | { type: 'progress'; progress: Progress }
  /** How the model that just loaded wants frames prepared (sent before its load reply). */
  | { type: 'spec'; spec: InputSpec }
  /** An encoded FrameResult (payload.ts), transferred. */
  | { type: 'result'; buf: ArrayBuffer }
  | { type: 'frameError'; id: number; message: string }
  /** A problem for the user that does not fail the frame (the face finder could not run). */
  | { type: 'error'; message: string };
