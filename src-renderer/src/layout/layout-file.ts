// Layouts as JSON: saved per model in the user's settings and exported to / imported from files.
// Validation names the exact field that is wrong, so a hand-edited file can be fixed; a layout that
// fails validation is never applied (the caller keeps the previous one).
import type { ModelInfo } from '../../../src-shared/contract';
import { defaultSortedPanels } from './default-layout';
import { compact, isValidPlacement } from './grid';
import { findLayer } from './layers';
import { COLOUR_MAPS, GRID, type ColourMap, type Layout, type PanelSpec } from './types';

export class LayoutError extends Error {
  override name = 'LayoutError';
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const show = (x: unknown) => {
  const s = JSON.stringify(x);
  return s === undefined ? String(x) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};
const isInt = (x: unknown, min: number): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min;

export function serialiseLayout(layout: Layout): string {
  return `${JSON.stringify(layout, null, 2)}\n`;
}

function int(o: Obj, key: string, at: string, min: number): number {
  const v = o[key];
  if (!isInt(v, min)) throw new LayoutError(`${at}.${key} must be a whole number ≥ ${min}, got ${show(v)}`);
  return v;
}

function layerName(o: Obj, at: string, model: ModelInfo | null, want: 'maps' | 'vector'): string {
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

function colourMap(o: Obj, at: string): ColourMap {
  const v = o.colourMap;
  if (typeof v !== 'string' || !(COLOUR_MAPS as readonly string[]).includes(v)) {
    throw new LayoutError(`${at}.colourMap must be one of ${COLOUR_MAPS.join(', ')}, got ${show(v)}`);
  }
  return v as ColourMap;
}

function channels(v: unknown, at: string): Extract<PanelSpec, { kind: 'conv' }>['channels'] {
  if (v === undefined) return undefined;
  if (isObj(v)) {
    if ('topK' in v && isInt(v.topK, 1)) return { topK: v.topK };
    if ('start' in v && isInt(v.start, 0) && isInt(v.count, 1)) return { start: v.start, count: v.count };
    if ('list' in v && Array.isArray(v.list) && v.list.length > 0 && v.list.every((i) => isInt(i, 0))) return { list: [...(v.list as number[])] };
  }
  throw new LayoutError(`${at}.channels must be {"start":n,"count":n}, {"list":[...]} or {"topK":n}, got ${show(v)}`);
}

function panel(v: unknown, at: string, model: ModelInfo | null): PanelSpec {
  if (!isObj(v)) throw new LayoutError(`${at} must be an object, got ${show(v)}`);
  if (typeof v.id !== 'string' || v.id === '') throw new LayoutError(`${at}.id must be a non-empty string, got ${show(v.id)}`);
  if (!isObj(v.grid)) throw new LayoutError(`${at}.grid must be {"x","y","w","h"}, got ${show(v.grid)}`);
  const g = v.grid;
  const grid = { x: int(g, 'x', `${at}.grid`, 0), y: int(g, 'y', `${at}.grid`, 0), w: int(g, 'w', `${at}.grid`, 1), h: int(g, 'h', `${at}.grid`, 1) };
  if (grid.x + grid.w > GRID.columns) throw new LayoutError(`${at}.grid: x + w = ${grid.x + grid.w} exceeds the ${GRID.columns} grid columns`);
  const base = { id: v.id, grid, ...(typeof v.title === 'string' ? { title: v.title } : {}) };
  switch (v.kind) {
    case 'camera':
    case 'crop':
    case 'strip':
      return { ...base, kind: v.kind };
    case 'probs':
      return v.topK === undefined ? { ...base, kind: 'probs' } : { ...base, kind: 'probs', topK: int(v, 'topK', at, 1) };
    case 'conv': {
      if (v.norm !== 'map' && v.norm !== 'layer') throw new LayoutError(`${at}.norm must be "map" or "layer", got ${show(v.norm)}`);
      if (v.signed !== undefined && typeof v.signed !== 'boolean') throw new LayoutError(`${at}.signed must be true or false, got ${show(v.signed)}`);
      const ch = channels(v.channels, at);
      return {
        ...base,
        kind: 'conv',
        layer: layerName(v, at, model, 'maps'),
        ...(ch ? { channels: ch } : {}),
        columns: int(v, 'columns', at, 0),
        norm: v.norm,
        ...(v.signed ? { signed: true } : {}),
        colourMap: colourMap(v, at),
      };
    }
    case 'fc': {
      let range: { start: number; count: number } | undefined;
      if (v.range !== undefined) {
        if (!isObj(v.range)) throw new LayoutError(`${at}.range must be {"start":n,"count":n}, got ${show(v.range)}`);
        range = { start: int(v.range, 'start', `${at}.range`, 0), count: int(v.range, 'count', `${at}.range`, 1) };
      }
      return { ...base, kind: 'fc', layer: layerName(v, at, model, 'vector'), ...(range ? { range } : {}), rows: int(v, 'rows', at, 1), colourMap: colourMap(v, at) };
    }
    case 'sorted': {
      const classIndex = int(v, 'classIndex', at, 0);
      if (model && classIndex >= model.labels.length) throw new LayoutError(`${at}.classIndex ${classIndex} is beyond the model's ${model.labels.length} classes`);
      return { ...base, kind: 'sorted', layer: layerName(v, at, model, 'vector'), classIndex, rows: int(v, 'rows', at, 1), colourMap: colourMap(v, at) };
    }
    default:
      throw new LayoutError(`${at}.kind must be one of camera, crop, probs, conv, fc, sorted, strip, got ${show(v.kind)}`);
  }
}

function panelList(v: unknown, at: string, model: ModelInfo | null): PanelSpec[] {
  if (!Array.isArray(v)) throw new LayoutError(`${at} must be a list of panels, got ${show(v)}`);
  const list = v.map((p, i) => panel(p, `${at}[${i}]`, model));
  const seen = new Set<string>();
  for (const [i, p] of list.entries()) {
    if (seen.has(p.id)) throw new LayoutError(`${at}[${i}].id "${p.id}" is used by two panels`);
    seen.add(p.id);
  }
  // Overlaps (a hand-edited file) are resolved rather than refused: the panels are all still valid.
  return isValidPlacement(list.map((p) => p.grid)) ? list : compact(list);
}

/**
 * Parses and validates a layout (JSON text or an already parsed value). With `model`, every layer
 * must exist in it and the layout is re-keyed to that model. Throws LayoutError naming the field.
 */
export function parseLayout(input: string | unknown, model: ModelInfo | null, source = 'layout'): Layout {
  let v: unknown = input;
  if (typeof input === 'string') {
    try {
      v = JSON.parse(input);
    } catch (e) {
      throw new LayoutError(`${source}: not valid JSON: ${(e as Error).message}`);
    }
  }
  try {
    if (!isObj(v)) throw new LayoutError(`must be a JSON object with "version", "modelId", "view" and "panels", got ${show(v)}`);
    if (v.version !== 1) throw new LayoutError(`version must be 1, got ${show(v.version)}`);
    if (typeof v.modelId !== 'string') throw new LayoutError(`modelId must be a string, got ${show(v.modelId)}`);
    if (v.view !== 'generic' && v.view !== 'sorted') throw new LayoutError(`view must be "generic" or "sorted", got ${show(v.view)}`);
    const panels = panelList(v.panels, 'panels', model);
    const sortedPanels =
      v.sortedPanels === undefined ? (model ? defaultSortedPanels(model) : undefined) : panelList(v.sortedPanels, 'sortedPanels', model);
    return { version: 1, modelId: model ? model.id : v.modelId, view: v.view, panels, ...(sortedPanels ? { sortedPanels } : {}) };
  } catch (e) {
    if (e instanceof LayoutError) throw new LayoutError(`${source}: ${e.message}`);
    throw e;
  }
}
