// What the harness needs from each format it fuzzes: valid files to start from, how to mutate
// them, structure-aware cases for crafted inputs, and how the app opens them.
import type { Mutant } from './mutate';
import type { Random } from './random';

/** The files of one case by name: a model's files, an image, a message. */
export type CaseFiles = Record<string, Uint8Array>;

/** A valid starting point: its files and which one mutations change. */
export interface Seed {
  files: CaseFiles;
  mutable: string;
}

export interface FuzzCase {
  files: CaseFiles;
  how: string;
}

export interface FuzzTarget {
  format: string;
  /** Whether a refusal must name one of the case's files (messages on a socket have none). */
  namesFile: boolean;
  /** Valid files, made or read once per worker. */
  seeds(): Promise<Seed[]>;
  /** A blind mutation of a seed file's bytes. */
  mutate(r: Random, bytes: Uint8Array): Mutant;
  /** Cases for the crafted classes of input (declared sizes, nesting, repetition), from a seed. */
  crafted: ((r: Random, seed: Seed) => FuzzCase)[];
  /**
   * Opens the case as the app does: resolves when it loaded, throws the error the user would see.
   * `dir` holds the case's files.
   */
  open(dir: string, files: CaseFiles): Promise<void>;
}

/** One seed with its mutable file replaced. */
export function withFile(seed: Seed, bytes: Uint8Array, how: string): FuzzCase {
  return { files: { ...seed.files, [seed.mutable]: bytes }, how };
}
