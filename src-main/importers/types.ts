// The shape every model importer has: format bytes in, an ONNX model (the one IR the engine runs)
// plus a proposed manifest out. Importers never know the UI.
import type { ModelManifest } from '../../src-preload/contract';

export interface ImportedLayer {
  /** ONNX tensor holding this layer's output. */
  tensor: string;
  /** Name the user knows (the format's layer name, e.g. 'relu1'). */
  name: string;
  /** The format's layer type, e.g. 'Convolution', 'ReLU'. */
  op: string;
}

export interface ImportedModel {
  /** Serialised ONNX model, batch dimension dynamic. */
  onnx: Uint8Array;
  /** What the importer can tell about input shape, preprocessing and labels. */
  manifest: Partial<ModelManifest>;
  /** Every user-visible layer in graph order; the engine shows exactly these. */
  layers: ImportedLayer[];
}

/** Reports progress of long conversions: fraction in 0–1 (or -1 unknown). */
export type ProgressFn = (fraction: number, detail?: string) => void;
