// The one list of layer handlers, keyed by Caffe layer type: a new layer type is one handler in its
// domain file (and its metadata in layers.ts).
import { activationOps } from './activation';
import type { LayerHandler } from './context';
import { mathOps } from './math';
import { nnOps } from './nn';
import { tensorOps } from './tensor';

export const LAYER_HANDLERS: Readonly<Record<string, LayerHandler>> = Object.freeze({ ...nnOps, ...activationOps, ...mathOps, ...tensorOps });

/** The handler converting layers of `type`, if ConvScope converts that type. */
export function handlerFor(type: string): LayerHandler | undefined {
  return Object.hasOwn(LAYER_HANDLERS, type) ? LAYER_HANDLERS[type] : undefined;
}

/** Layer types ConvScope converts to ONNX operators. */
export const SUPPORTED_TYPES: readonly string[] = Object.keys(LAYER_HANDLERS);
