// Checking the fields of a layout file's panel (every message names the exact field, so a
// hand-edited file can be fixed), and the counted words the kinds' titles use.
import type { LayerSubscription, ModelInfo } from '../../../src-shared/contract';
import { findLayer } from '../model/layers';
import { COLOUR_MAPS, type ColourMap } from '../scene/colourMaps';
import type { Fields } from './types';

export class LayoutError extends Error {
  override name = 'LayoutError';
}

export const isObj = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);

export const isInt = (x: unknown, min: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min;

/** A value as a message quotes it (JSON, shortened). */
export function show(x: unknown): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(x);
  } catch {
    // Nested too deep to write out (a hostile file): say what it is instead.
    s = Array.isArray(x) ? '[…]' : '{…}';
  }
  return s === undefined ? String(x) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function int(o: Fields, key: string, at: string, min: number): number {
  const v = o[key];
  if (!isInt(v, min)) throw new LayoutError(`${at}.${key} must be a whole number ≥ ${min}, got ${show(v)}`);
  return v;
}

/** The panel's layer; with a model it must exist there and be of the `want` kind. */
export function layerName(o: Fields, at: string, model: ModelInfo | null, want: 'maps' | 'vector'): string {
  const v = o.layer;
  if (typeof v !== 'string' || v === '') throw new LayoutError(`${at}.layer must be a layer name, got ${show(v)}`);
  if (model) {
    const l = findLayer(model, v);
    if (!l) throw new LayoutError(`${at}.layer: "${v}" is not a layer of ${model.name}`);
    if (l.kind !== want) {
      throw new LayoutError(`${at}.layer: "${v}" has shape ${l.shape.join('×')}; a ${want === 'maps' ? 'conv' : 'neuron'} panel needs ${want === 'maps' ? 'feature maps' : 'a vector layer'}`);
    }
  }
  return v;
}

export function colourMap(o: Fields, at: string): ColourMap {
  const v = o.colourMap;
  if (typeof v !== 'string' || !(COLOUR_MAPS as readonly string[]).includes(v)) {
    throw new LayoutError(`${at}.colourMap must be one of ${COLOUR_MAPS.join(', ')}, got ${show(v)}`);
  }
  return v as ColourMap;
}

export function channels(v: unknown, at: string): LayerSubscription['channels'] {
  if (v === undefined) return undefined;
  if (isObj(v)) {
    if ('topK' in v && isInt(v.topK, 1)) return { topK: v.topK };
    if ('start' in v && isInt(v.start, 0) && isInt(v.count, 1)) return { start: v.start, count: v.count };
    if ('list' in v && Array.isArray(v.list) && v.list.length > 0 && v.list.every((i) => isInt(i, 0))) return { list: [...(v.list as number[])] };
  }
  throw new LayoutError(`${at}.channels must be {"start":n,"count":n}, {"list":[...]} or {"topK":n}, got ${show(v)}`);
}

/** "20 feature maps", "1 neuron". */
export const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
