// The one contract between the renderer and whatever hosts the engine (Electron MessagePort or the
// browser-mode WebSocket). Both sides import this file; nothing here touches Node or the DOM.

/** How a model wants its camera crop turned into an input tensor. */
export interface Preprocess {
  /** Channel order of the input tensor. 'gray' gives one channel. */
  colour: 'gray' | 'rgb' | 'bgr';
  /**
   * MNIST-style digit pipeline: flatten uneven paper lighting, invert (dark ink → bright),
   * stretch contrast, fit the ink's bounding box into 20×20 and centre its mass in 28×28.
   */
  digit?: boolean;
  /** Invert 0–255 values (v → 255 − v) before scaling; implied by `digit`. */
  invert?: boolean;
  /** Per-channel values (0–255 scale, tensor channel order) subtracted before `scale`. */
  mean?: number[];
  /** Mean image (.binaryproto or raw float32 .npy), relative to the manifest; centre-cropped to the input size. */
  meanFile?: string;
  /** Per-channel divisor applied after mean subtraction, before `scale`. */
  std?: number[];
  /** Multiplier applied last: tensor = ((v − mean) / std) · scale. */
  scale?: number;
  /** Swap H and W of the tensor (networks trained through MATLAB, e.g. MTCNN). */
  transposeHW?: boolean;
}

export interface ManifestInput {
  /** Graph input name; defaults to the model's first input. */
  name?: string;
  /** Full shape including batch, in `layout` order, e.g. [1, 1, 28, 28]. */
  shape: number[];
  layout: 'NCHW' | 'NHWC';
  /** Element type the model expects; float16 inputs are converted in the engine. */
  dtype?: 'float32' | 'float16';
}

/** The manifest that travels with every model (a JSON file beside it). */
export interface ModelManifest {
  /** Stable identifier (used for saved layouts). */
  id: string;
  name: string;
  description?: string;
  format: 'onnx' | 'caffe' | 'keras';
  /** Paths relative to the manifest. Caffe: model = .prototxt, weights = .caffemodel. */
  files: { model: string; weights?: string };
  input: ManifestInput;
  output?: {
    /** Graph output holding the class scores; defaults to the model's first output. */
    name?: string;
    /** Apply softmax to the output (for models that end in logits). */
    softmax?: boolean;
    /**
     * What the classes are: plain classes (default), or ages — then the bars panel shows the
     * distribution over age and the expected age Σ p·age.
     */
    kind?: 'classes' | 'age';
    /**
     * For `kind: 'age'`, the age (years) each class stands for: a number, or a bucket [from, to]
     * (its midpoint counts), or [from, null] for an open-ended bucket such as "60+". Without it
     * the ages are read from the labels ("(25, 32)", "25-32", "60+", "31").
     */
    ages?: (number | [number, number | null])[];
  };
  /** How the crop square is placed when this model loads: by hand (default) or following the largest face. */
  crop?: CropModeSpec;
  preprocess: Preprocess;
  /** Class labels inline, or a path to a text file with one label per line. */
  labels: string[] | string;
  /** Layers shown by default. */
  panels?: { conv?: string[]; fc?: string[] };
  attribution?: string;
}

/** Crop placement: 'manual' (dragged by the user) or 'face' (follows the largest face the face finder sees). */
export interface CropModeSpec {
  mode: 'manual' | 'face';
  /** Side of the crop square as a multiple of the face box's side (face mode), e.g. 1.8. */
  margin?: number;
}

/** Face finder (MTCNN) parameters; they travel with every frame that asks for faces. */
export interface FaceFinderSettings {
  /** Smallest face looked for, as a fraction of the picture's shorter side. */
  minFace: number;
  /** Score a P-Net proposal and an R-Net refinement must reach (0–1). */
  thresholds: [number, number];
}

export const DEFAULT_FACE_FINDER: FaceFinderSettings = { minFace: 0.125, thresholds: [0.6, 0.7] };

/** The range of each face setting (UserSettings.faces); the settings file is checked against them. */
export const FACE_SETTING_LIMITS = {
  margin: [1, 4],
  smoothing: [0, 0.95],
  minFace: [0.02, 1],
  threshold: [0, 1],
} as const satisfies Record<string, readonly [number, number]>;

/** The whole picture, scaled down, for the face finder (RGBA, row-major). */
export interface DetectImage extends FaceFinderSettings {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A face the face finder found; the box in fractions of the picture's width and height. */
export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
  /** R-Net's face probability, 0–1. */
  score: number;
}

/** One tensor of the graph that can be shown. Shapes are without the batch dimension. */
export interface LayerInfo {
  /** Unique name used in subscriptions (for ONNX: the tensor name; for Caffe: the layer name). */
  name: string;
  /** Operator / layer type, e.g. 'Conv', 'Relu', 'Convolution'. */
  op: string;
  /** Shape without batch, e.g. [20, 24, 24] for maps, [500] for a vector. */
  shape: number[];
  /** 'maps' has channel + spatial dims, 'vector' is one value per neuron. */
  kind: 'maps' | 'vector';
  /** Position in graph (topological) order. */
  index: number;
  /** The layers whose values this one is computed from (absent where the data flow is unknown). */
  inputs?: string[];
}

export interface ModelInfo {
  /** Identifier of the loaded model (manifest id). */
  id: string;
  name: string;
  format: ModelManifest['format'];
  manifest: ModelManifest;
  labels: string[];
  /** Input tensor shape without batch in NCHW order ([C, H, W]). */
  input: { c: number; h: number; w: number };
  layers: LayerInfo[];
  /** Execution provider the session runs on, e.g. 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'. */
  provider: string;
  /** Providers tried before `provider` that failed to start, each with onnxruntime's reason. */
  providerSkipped?: string[];
  /** Where the model came from: 'bundled' or a file path. */
  source: string;
}

/** What the renderer wants the engine to send for one layer. */
export interface LayerSubscription {
  layer: string;
  /** Which maps: all (default), a range, an explicit list, or the k most active this frame. */
  channels?: { start: number; count: number } | { list: number[] } | { topK: number };
  /** Quantise per map (default) or with one min/max over the whole layer. */
  norm?: 'map' | 'layer';
  /** Quantise symmetrically around zero (for diverging colour maps). */
  signed?: boolean;
}

export interface Subscription {
  layers: LayerSubscription[];
}

/** A camera crop sent to the engine (RGBA, row-major). */
export interface FrameMessage {
  id: number;
  /** Capture time on the renderer's clock (performance.now()), echoed back for latency. */
  t: number;
  width: number;
  height: number;
  rgba: Uint8Array;
  /** The whole picture for the face finder (face mode only); the result then carries `faces`. */
  detect?: DetectImage;
}

export interface LayerPayload {
  layer: string;
  /** The layer's shape without batch. */
  shape: number[];
  /** Indices of the maps (or 0 for a vector) sent, in order. */
  channels: number[];
  /** Size of one map as sent: vectors are sent as one map of 1 × N. */
  mapH: number;
  mapW: number;
  /** channels.length × mapH × mapW bytes, each map row-major. */
  data: Uint8Array;
  /** Real value of byte 0 and byte 255, per sent map: value = min + byte / 255 · (max − min). */
  min: Float32Array;
  max: Float32Array;
}

export interface FrameResult {
  id: number;
  t: number;
  /** Class probabilities (softmax applied where the manifest asks). */
  probs: Float32Array;
  /** The tensor the network received, as bytes for display: c × h × w, NCHW, per-tensor min/max. */
  input: { c: number; h: number; w: number; data: Uint8Array; min: number; max: number };
  layers: LayerPayload[];
  timing: {
    preprocessMs: number;
    inferenceMs: number;
    encodeMs: number;
    facesMs?: number;
    /**
     * Wall-clock stamps (ms since the epoch, the engine host's clock, sub-ms): the frame reached the
     * engine, the result left its worker. With the page's own stamps they split the round trip into
     * send, engine queue wait and the way back (src-renderer/src/stores/frame-trace.ts).
     */
    inAt?: number;
    outAt?: number;
  };
  /** Frames replaced in the mailbox before the engine could take them, since the model loaded. */
  dropped: number;
  /** Frames processed since the model loaded. */
  processed: number;
  /** The digit pipeline found no ink in the crop: the input is blank, so the classes mean nothing. */
  noInk?: boolean;
  /** Faces in the frame's detect image, largest first: present when the frame asked for them and the face finder ran (a finder that cannot load is reported once as an error event). */
  faces?: FaceBox[];
}

/** Progress of long work (model conversion, loading). */
export interface Progress {
  task: string;
  /** 0–1, or -1 when unknown. */
  fraction: number;
  detail?: string;
}

export interface EngineSettings {
  /** Force the CPU execution provider even where a GPU provider is available. */
  forceCpu: boolean;
  /**
   * The execution provider to try first (then the CPU); absent: CONVSCOPE_PROVIDER if set, else the
   * automatic order. forceCpu wins over it.
   */
  provider?: ProviderName;
}

/** onnxruntime-node's execution providers by name. */
export const PROVIDER_NAMES = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Where a model comes from when the user asks to load one. */
export type ModelSource =
  | { bundled: string }
  /** Files on the engine's machine: the files of one model in a format listFormats names, optionally with its manifest .json. */
  | { paths: string[]; manifest?: Partial<ModelManifest> };

/** A model format the engine opens (from the importer registry). A manifest .json may accompany any of them. */
export interface ModelFormatInfo {
  format: ModelManifest['format'];
  /** Name for people, e.g. 'Caffe'. */
  label: string;
  /** Which files make one model, e.g. 'a deploy .prototxt with its .caffemodel, optionally a mean .binaryproto'. */
  description: string;
  /** Extensions of the format's files, lower case with the dot, e.g. ['.prototxt', '.pbtxt', '.caffemodel', '.binaryproto']. */
  extensions: string[];
}

export interface BundledModel {
  id: string;
  name: string;
  description?: string;
}

/** Requests the renderer sends; each gets exactly one Response with the same `rid`. */
export type Request =
  | { rid: number; type: 'listModels' }
  | { rid: number; type: 'loadModel'; source: ModelSource }
  | { rid: number; type: 'subscribe'; subscription: Subscription }
  | { rid: number; type: 'classWeights'; layer: string }
  | { rid: number; type: 'setEngineSettings'; settings: EngineSettings }
  | { rid: number; type: 'availableProviders' }
  | { rid: number; type: 'listFormats' }
  /** Stops a model load in progress; the previous model carries on. The result says whether one was cancelled. */
  | { rid: number; type: 'cancelLoad' };

export interface ClassWeights {
  /** The layer whose neurons are weighted (e.g. 'ip1'). */
  layer: string;
  /** The weight tensor read from the model (e.g. 'ip2' weights). */
  source: string;
  classes: number;
  neurons: number;
  /** classes × neurons, row c holds the weights from every neuron to class c. */
  weights: Float32Array;
}

export interface ResponseMap {
  listModels: BundledModel[];
  loadModel: ModelInfo;
  subscribe: null;
  classWeights: ClassWeights;
  setEngineSettings: ModelInfo | null;
  availableProviders: string[];
  listFormats: ModelFormatInfo[];
  cancelLoad: boolean;
}

export type Response =
  | { rid: number; ok: true; result: unknown }
  | { rid: number; ok: false; error: string };

/** Unsolicited messages from the engine host. */
export type EngineEvent =
  | { type: 'modelLoaded'; info: ModelInfo }
  | { type: 'progress'; progress: Progress }
  /** Something went wrong but the last good state is kept (message is for the user). */
  | { type: 'error'; message: string }
  /**
   * The engine process died and was restarted with the last good model, or, when `withoutModel`
   * says why (it kept crashing, or it could not be reloaded), without one.
   */
  | { type: 'engineRestarted'; reason: string; withoutModel?: string }
  | { type: 'ready' };

/** Persisted per-user settings (Electron: the app's user-data folder; browser mode: the server's). */
export interface UserSettings {
  engine: EngineSettings;
  lastModel?: ModelSource;
  /** Saved layouts, keyed by model id. Opaque to the host. */
  layouts: Record<string, unknown>;
  camera?: { deviceId?: string; width?: number; height?: number };
  /** How the crop square follows faces, and the face finder's parameters. */
  faces?: {
    finder?: FaceFinderSettings;
    /** How quickly the square follows a moving face: 0 jumps at once, 0.9 moves slowly. */
    smoothing?: number;
    /** The margin used when the model's manifest names none. */
    margin?: number;
  };
  /**
   * The user's edits to the proposed manifests of models opened from files, keyed by the model's
   * file names (see modelFilesKey), so reopening the same files applies them again.
   */
  manifests?: Record<string, Partial<ModelManifest>>;
  /**
   * How the panels are drawn. `resolution`: the scene's canvas at the screen's resolution ('full'),
   * at half of it ('half': less sharp, but where software draws the window the picture keeps up with
   * the camera), or 'auto' (the default): half where software draws, full where a GPU does.
   */
  display?: { resolution?: DrawResolution };
}

export const DRAW_RESOLUTIONS = ['auto', 'full', 'half'] as const;
export type DrawResolution = (typeof DRAW_RESOLUTIONS)[number];

/** Key of a model opened from files: its file names (not folders), sorted, joined with ' + '. */
export function modelFilesKey(paths: string[]): string {
  return paths
    .map((p) => p.split(/[\\/]/).pop() ?? p)
    .sort()
    .join(' + ');
}

/** What the renderer talks to. Implemented over an Electron MessagePort and over a WebSocket. */
export interface EngineChannel {
  sendFrame(frame: FrameMessage): void;
  request<K extends keyof ResponseMap>(
    msg: Extract<Request, { type: K }> extends infer R ? Omit<R & { type: K }, 'rid'> : never,
  ): Promise<ResponseMap[K]>;
  onResult(cb: (r: FrameResult) => void): () => void;
  onEvent(cb: (e: EngineEvent) => void): () => void;
}

/** Everything the renderer needs from its host. */
export interface ConvScopeHost {
  kind: 'electron' | 'web';
  engine: EngineChannel;
  loadSettings(): Promise<UserSettings>;
  saveSettings(s: UserSettings): Promise<void>;
  /**
   * Make files the user picked or dropped available to the engine and return their paths there.
   * Electron: the files' own paths. Browser mode: uploaded to the server.
   */
  stageFiles(files: File[]): Promise<string[]>;
  /** Native "Open model…" dialog, where there is one (null: cancelled or not available). */
  openModelDialog?(): Promise<string[] | null>;
}

export const DEFAULT_SETTINGS: UserSettings = {
  engine: { forceCpu: false },
  layouts: {},
};
