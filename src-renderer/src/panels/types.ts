// What a panel kind is: one descriptor per kind (in panels/<kind>/), listed once in registry.ts.
// Everything else — the "Add panel" menu, layout files, the engine subscription, titles, settings
// and the panel bodies — asks the descriptor instead of switching on the kind.
import type { Accessor, Component } from 'solid-js';
import type { ClassWeights, FrameResult, LayerInfo, LayerSubscription, ModelInfo } from '../../../src-shared/contract';
import type { FaceMode } from '../sources/face-mode';
import type { Picture } from '../sources/picture';
import type { CropImage } from '../sources/types';

/** A rectangle on the layout grid, in grid cells. */
export interface GridRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** What every panel has, whatever its kind. */
export interface PanelBase {
  /** Unique within a layout. */
  id: string;
  /** Position and size on the layout grid. */
  grid: GridRect;
  /** The user's own title, instead of the generated one. */
  title?: string;
}

/** A title in two parts, so a narrow panel keeps the name and cuts the detail. */
export interface PanelTitle {
  /** What the panel shows, e.g. the layer name "conv1". */
  name: string;
  /** Sizes and counts, e.g. "24×24 · 20 feature maps". */
  detail?: string;
}

/** What a title may depend on besides the panel and the model. */
export interface TitleContext {
  /** What the picture comes from now, e.g. "Camera" or "Image". */
  source: string;
}

/** What the window lends the panels; each kind's body takes the parts its view uses. */
export interface PanelServices {
  /** Latest engine result (null before the first). */
  result: Accessor<FrameResult | null>;
  /** The crop the latest result was computed from. */
  crop: Accessor<CropImage | null>;
  /** While true the panel keeps showing the result it had when freezing began (layout changes still redraw). */
  frozen: Accessor<boolean>;
  /** The class-weight matrix for a vector layer (the weights of the layer that follows it). */
  classWeights: (layer: string) => Promise<ClassWeights>;
  /** A class was chosen (a probability bar was clicked). */
  onSelectClass: (classIndex: number) => void;
  /** A layer was chosen to get its own panel (a thumbnail of the all-layers strip was clicked). */
  onAddLayer: (layer: string) => void;
  /** The picture the camera panel shows, and its controls. */
  picture: Pick<Picture, 'state' | 'cropSquare' | 'setCropSquare' | 'useCamera' | 'listCameras' | 'openFiles' | 'fileAccept'>;
  /** Whether the crop square follows faces, the faces found, and the face settings. */
  faces: FaceMode;
}

/** What a kind's body is given: its panel, the model, and the window's services to pick from. */
export interface PanelBodyProps<S> {
  spec: S;
  model: ModelInfo;
  services: PanelServices;
}

export interface PanelSettingsProps<S> {
  spec: S;
  model: ModelInfo;
  onChange: (spec: S) => void;
}

/** What a new panel is made from. */
export interface NewPanel {
  id: string;
  model: ModelInfo;
  /** The layer chosen for it, for kinds that show a layer. */
  layer?: string;
  /** The class the sorted-neurons view is set to. */
  sortedClass: number;
}

/** A layout file's panel object, before it is checked. */
export type Fields = Record<string, unknown>;

export interface PanelKind<S extends PanelBase & { kind: string }> {
  kind: S['kind'];
  /** The entry in the "Add panel" menu. */
  label: string;
  /** The layers a panel of this kind can show, in graph order; absent when the kind shows no layer. */
  layers?(model: ModelInfo): LayerInfo[];
  /**
   * Reads the kind's own fields of a layout file's panel `v` (at `at`, e.g. "panels[3]"); with a
   * model, its layers must exist there. Throws LayoutError naming the field.
   */
  parse(v: Fields, base: PanelBase, at: string, model: ModelInfo | null): S;
  /** What the engine must send for this panel. */
  subscription?(spec: S, model: ModelInfo): LayerSubscription[];
  title(spec: S, model: ModelInfo | null, context?: TitleContext): PanelTitle;
  /** A new panel of this kind (its size in `grid`, placed later), or null when it cannot be made. */
  create(p: NewPanel): S | null;
  /** The kind's part of the panel's settings popover. */
  Settings?: Component<PanelSettingsProps<S>>;
  Body: Component<PanelBodyProps<S>>;
}
