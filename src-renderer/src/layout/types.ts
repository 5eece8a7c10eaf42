// What the user's layout is made of. Layouts are plain data: saved per model, exported as JSON.
import type { PanelSpec } from '../panels/registry';

export interface Layout {
  version: 1;
  /** Model the layout was made for. */
  modelId: string;
  /** Which view is showing. */
  view: 'generic' | 'sorted';
  /** Panels of the generic view. */
  panels: PanelSpec[];
  /** Panels of the sorted-neurons view (its own layout); generated from the model when absent. */
  sortedPanels?: PanelSpec[];
}

/**
 * The layout grid: 12 columns of equal width; rows share the window's height between them, between
 * a smallest and a largest height (CSS pixels), so the default layouts fit the window.
 */
export const GRID = { columns: 12, minRowHeight: 20, maxRowHeight: 60, gap: 8 } as const;
