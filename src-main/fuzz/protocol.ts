// Messages between the fuzz harness and its workers.
import type { OutcomeKind } from './outcome';

export interface WorkerJob {
  format: string;
  seed: number;
  /** Cases [from, to). */
  from: number;
  to: number;
  rssCapMb: number;
}

export interface CaseResult {
  index: number;
  kind: OutcomeKind;
  /** The error the case ended with ('' when it loaded). */
  message: string;
  /** What the case is ("weights.caffemodel: bit flips ×3"). */
  how: string;
  ms: number;
  /** The worker's peak resident size so far, MB. */
  peakMb: number;
}

export type WorkerMessage =
  | { type: 'start'; index: number; how: string }
  | { type: 'done'; result: CaseResult }
  | { type: 'finished' }
  /** The worker itself failed (its seeds could not be made): not a case outcome. */
  | { type: 'failed'; error: string };
