// What the user's layout is made of. Layouts are plain data: saved per model, exported as JSON.
// NOTE for SCENE (from APP SHELL): additive change only — Layout gained `sortedPanels` (the sorted
// view's own panels) and GRID constants; PanelSpec is unchanged.
import type { LayerSubscription } from '../../../src-shared/contract';

export const COLOUR_MAPS = ['gray', 'viridis', 'magma', 'inferno', 'plasma', 'cividis', 'turbo', 'jet', 'diverging'] as const;
export type ColourMap = (typeof COLOUR_MAPS)[number];

interface PanelBase {
  /** Unique within a layout. */
  id: string;
  /** Position and size on the layout grid (grid cells). */
  grid: { x: number; y: number; w: number; h: number };
  /** Optional title override. */
  title?: string;
}

export type PanelSpec = PanelBase &
  (
    | { kind: 'camera' }
    /** The crop enlarged beside the exact tensor the network receives. */
    | { kind: 'crop' }
    /** Class probabilities; with many classes only the top `topK`. */
    | { kind: 'probs'; topK?: number }
    /** Feature maps of a layer with spatial dimensions, tiled. */
    | {
        kind: 'conv';
        layer: string;
        channels?: LayerSubscription['channels'];
        /** Tile columns; 0 = automatic (near-square grid). */
        columns: number;
        norm: 'map' | 'layer';
        signed?: boolean;
        colourMap: ColourMap;
      }
    /** Neurons of a vector layer as a grid of cells. */
    | { kind: 'fc'; layer: string; range?: { start: number; count: number }; rows: number; colourMap: ColourMap }
    /** Neurons of `layer` ordered by their weight to class `classIndex`, row means on the right. */
    | { kind: 'sorted'; layer: string; classIndex: number; rows: number; colourMap: ColourMap }
    /** One thumbnail per layer in graph order (strongest map). */
    | { kind: 'strip' }
  );

export type PanelKind = PanelSpec['kind'];

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

/** The layout grid: 12 columns of equal width, rows of a fixed height (CSS pixels). */
export const GRID = { columns: 12, rowHeight: 44, gap: 8 } as const;
