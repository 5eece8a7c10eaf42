// The one list of Keras layer handlers, grouped by domain as Keras groups its layers.
import { activationOps } from './activation';
import { convOps } from './conv';
import { coreOps } from './core';
import { mergeOps } from './merge';
import { normalizationOps } from './normalization';
import { poolingOps } from './pooling';
import { preprocessingOps } from './preprocessing';
import { reshapingOps } from './reshaping';
import type { OpHandler } from './types';

export const OPS: readonly OpHandler[] = [...coreOps, ...convOps, ...activationOps, ...poolingOps, ...normalizationOps, ...mergeOps, ...reshapingOps, ...preprocessingOps];

/** Handler per Keras class name. */
export const HANDLERS: ReadonlyMap<string, OpHandler> = new Map(OPS.flatMap((h) => h.classes.map((c) => [c, h] as const)));
