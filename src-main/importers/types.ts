// The shape every model importer has (one folder per format, one line in registry.ts): it claims
// the files that form one model of its format, and turns them into ONNX (the one IR the engine
// runs) plus a proposed manifest and the list of user-visible layers. Importers never know the UI,
// the engine or the command line.
import type { ModelManifest } from '../../src-shared/contract';
import type { ModelProto } from '../onnx/proto';

export type ModelFormat = ModelManifest['format'];

export interface ImportedLayer {
  /** ONNX tensor holding this layer's output. */
  tensor: string;
  /** Name the user knows (the format's layer name, e.g. 'relu1'). */
  name: string;
  /** The format's layer type, e.g. 'Convolution', 'ReLU', 'Conv2D'. */
  op: string;
}

export interface ImportedModel {
  /** Serialised ONNX model, batch dimension dynamic. */
  onnx: Uint8Array;
  /** What the importer can tell about input shape, preprocessing and labels. */
  manifest: Partial<ModelManifest>;
  /**
   * Every user-visible layer in graph order; the engine shows exactly these. Absent for formats
   * whose every tensor is a layer (ONNX): the engine then finds the activations in the graph.
   */
  layers?: ImportedLayer[];
  /** Things the user should know (layers left out at inference, guesses made), one line each. */
  notes?: string[];
  /** `onnx` decoded, where the importer has it anyway (saves decoding a large model twice). */
  proto?: ModelProto;
}

/** The files of one model, as an importer sorted them. Paths are as given (absolute in the app). */
export interface ModelFiles {
  /** The file that names the model in messages and in `manifest.files.model`. */
  model: string;
  /** Trained weights kept in a separate file (Caffe .caffemodel), `manifest.files.weights`. */
  weights?: string;
  /** Further files of the model: a Caffe mean .binaryproto, TF.js weight shards. */
  extras: string[];
}

/** Reports progress of long conversions: fraction in 0–1 (or -1 unknown). */
export type ProgressFn = (fraction: number, detail?: string) => void;

/** What the user can tell an importer beyond the files (the command line's options). */
export interface ImportOptions {
  /** Full input shape with batch (e.g. [1, 3, 227, 227]) for models whose files do not give one. */
  inputShape?: number[];
}

export interface Importer {
  format: ModelFormat;
  /** Name of the format for people, e.g. 'Caffe'. */
  label: string;
  /** What files make one model, e.g. 'a deploy .prototxt + its .caffemodel (+ a mean .binaryproto)'. */
  description: string;
  /** Every file extension (lower case, with the dot) this format's files may have. */
  extensions: readonly string[];
  /** The ImportOptions this format reads (others would be ignored, so callers refuse them). */
  options?: readonly (keyof ImportOptions)[];
  /**
   * Claims the files of one model: null when none of `paths` is this format's; throws an Error
   * saying precisely what is missing or extra when they are this format's but do not form one model.
   * May read the beginning of a file to tell formats apart that share an extension.
   */
  match(paths: readonly string[]): ModelFiles | null;
  /** Converts the model. Errors name the file (and line, layer or byte offset where there is one). */
  import(files: ModelFiles, onProgress?: ProgressFn, options?: ImportOptions): Promise<ImportedModel>;
}
