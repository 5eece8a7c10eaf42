// Layouts as JSON: saved per model in the user's settings and exported to / imported from files.
// Validation names the exact field that is wrong, so a hand-edited file can be fixed; a layout that
// fails validation is never applied (the caller keeps the previous one). Each panel kind checks its
// own fields.
import type { ModelInfo } from '../../../src-shared/contract';
import { int, isObj, LayoutError, show } from '../panels/fields';
import { isPanelKind, kindNamed, PANEL_KINDS, type PanelSpec } from '../panels/registry';
import { defaultSortedPanels } from './default-layout';
import { compact, isValidPlacement } from './grid';
import { GRID, type Layout } from './types';

export function serialiseLayout(layout: Layout): string {
  return `${JSON.stringify(layout, null, 2)}\n`;
}

function panel(v: unknown, at: string, model: ModelInfo | null): PanelSpec {
  if (!isObj(v)) throw new LayoutError(`${at} must be an object, got ${show(v)}`);
  if (typeof v.id !== 'string' || v.id === '') throw new LayoutError(`${at}.id must be a non-empty string, got ${show(v.id)}`);
  if (!isObj(v.grid)) throw new LayoutError(`${at}.grid must be {"x","y","w","h"}, got ${show(v.grid)}`);
  const g = v.grid;
  const grid = { x: int(g, 'x', `${at}.grid`, 0), y: int(g, 'y', `${at}.grid`, 0), w: int(g, 'w', `${at}.grid`, 1), h: int(g, 'h', `${at}.grid`, 1) };
  if (grid.x + grid.w > GRID.columns) throw new LayoutError(`${at}.grid: x + w = ${grid.x + grid.w} exceeds the ${GRID.columns} grid columns`);
  const base = { id: v.id, grid, ...(typeof v.title === 'string' ? { title: v.title } : {}) };
  if (!isPanelKind(v.kind)) throw new LayoutError(`${at}.kind must be one of ${PANEL_KINDS.map((k) => k.kind).join(', ')}, got ${show(v.kind)}`);
  return kindNamed(v.kind).parse(v, base, at, model);
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
