import type { Accessor } from 'solid-js';
import type { ClassWeights, FrameResult, ModelInfo } from '../../../src-shared/contract';
import type { PanelSpec } from '../layout/types';

/** The camera crop as sent to the engine (RGBA, row-major). */
export interface CropImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/**
 * What the shell hands every panel body. PanelBody fills its parent (the shell's
 * `[data-testid="panel-body"]` element) and draws according to `spec.kind`
 * ('crop' | 'probs' | 'conv' | 'fc' | 'sorted' | 'strip'; 'camera' is the shell's own).
 */
export interface PanelBodyProps {
  spec: PanelSpec;
  model: ModelInfo;
  /** Latest engine result (null before the first). */
  result: Accessor<FrameResult | null>;
  /** Latest camera crop (the crop view shows it). */
  crop: Accessor<CropImage | null>;
  /** While true the panel keeps showing the result it had when freezing began (layout changes still redraw). */
  frozen: Accessor<boolean>;
  onSpecChange: (spec: PanelSpec) => void;
  /** A probability bar was clicked (sorted view: choose that class). */
  onSelectClass: (classIndex: number) => void;
  /** The class-weight matrix for an FC layer (the weights of the layer that follows it). */
  classWeights: (layer: string) => Promise<ClassWeights>;
  /**
   * Optional, for the shell: the all-layers strip calls this when a thumbnail
   * (`[data-testid="strip-thumb"][data-layer]`) is clicked, so the shell can add a conv panel
   * for that layer.
   */
  onAddLayer?: (layer: string) => void;
}
