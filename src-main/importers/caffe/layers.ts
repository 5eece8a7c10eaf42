// Caffe layer metadata as data: V1 enum names, what each type is for, which blobs it carries, and
// its parameter message with the defaults caffe.proto gives its fields. The converters in ops/
// read parameters only through these defaults; net.ts and error messages read the roles.

export type LayerRole =
  /** Becomes a graph input (Input, legacy `input:`, or the data layer of a train-style file). */
  | 'input'
  /** Converted to ONNX operators. */
  | 'compute'
  /** Training or evaluation only (losses, accuracy, silence): dropped at inference. */
  | 'train'
  /** Post-processing that is not an activation (ArgMax): dropped, reported in notes. */
  | 'postprocess';

/** A parameter's default: numbers, booleans, and enum values by name (as prototxt writes them). */
export type ParamDefault = number | boolean | string;

export interface CaffeLayerInfo {
  role: LayerRole;
  /** Names of the learned blobs, in the order Caffe stores them. */
  blobs?: string[];
  /** One line for tooltips / the CLI summary. */
  description: string;
  /** The layer's parameter message, e.g. 'lrn_param' (the same name in V1 and V2 layers). */
  params?: string;
  /** caffe.proto's defaults for the fields of that message; a repeated field's is its one value. */
  defaults?: Record<string, ParamDefault>;
  /** Fewest bottoms the layer can be converted with (compute layers; 1 when not given). */
  bottoms?: number;
}

/** V1 `layers { type: ENUM }` names → V2 `layer { type: "String" }` names. */
export const V1_TYPE_NAMES: Record<string, string> = {
  ABSVAL: 'AbsVal', ACCURACY: 'Accuracy', ARGMAX: 'ArgMax', BNLL: 'BNLL', CONCAT: 'Concat',
  CONTRASTIVE_LOSS: 'ContrastiveLoss', CONVOLUTION: 'Convolution', DATA: 'Data', DECONVOLUTION: 'Deconvolution',
  DROPOUT: 'Dropout', DUMMY_DATA: 'DummyData', EUCLIDEAN_LOSS: 'EuclideanLoss', ELTWISE: 'Eltwise', EXP: 'Exp',
  FLATTEN: 'Flatten', HDF5_DATA: 'HDF5Data', HDF5_OUTPUT: 'HDF5Output', HINGE_LOSS: 'HingeLoss', IM2COL: 'Im2col',
  IMAGE_DATA: 'ImageData', INFOGAIN_LOSS: 'InfogainLoss', INNER_PRODUCT: 'InnerProduct', LRN: 'LRN',
  MEMORY_DATA: 'MemoryData', MULTINOMIAL_LOGISTIC_LOSS: 'MultinomialLogisticLoss', MVN: 'MVN', POOLING: 'Pooling',
  POWER: 'Power', RELU: 'ReLU', SIGMOID: 'Sigmoid', SIGMOID_CROSS_ENTROPY_LOSS: 'SigmoidCrossEntropyLoss',
  SILENCE: 'Silence', SOFTMAX: 'Softmax', SOFTMAX_LOSS: 'SoftmaxWithLoss', SPLIT: 'Split', SLICE: 'Slice',
  TANH: 'TanH', WINDOW_DATA: 'WindowData', THRESHOLD: 'Threshold',
};

type ComputeInfo = Omit<CaffeLayerInfo, 'role' | 'description'>;
const compute = (description: string, more: ComputeInfo = {}): CaffeLayerInfo => ({ role: 'compute', description, ...more });
const input = (description: string): CaffeLayerInfo => ({ role: 'input', description });
const train = (description: string): CaffeLayerInfo => ({ role: 'train', description });

const convolution = {
  blobs: ['weights', 'bias'],
  params: 'convolution_param',
  defaults: { bias_term: true, group: 1, pad: 0, stride: 1, dilation: 1 },
};
const affine = { base: -1, scale: 1, shift: 0 };

export const CAFFE_LAYERS = {
  Input: input('network input'),
  Data: input('database input (its image becomes the network input)'),
  ImageData: input('image-list input (its image becomes the network input)'),
  MemoryData: input('in-memory input'),
  HDF5Data: input('HDF5 input'),
  WindowData: input('window input'),
  DummyData: input('constant input'),
  Convolution: compute('convolution', convolution),
  Deconvolution: compute('transposed convolution', convolution),
  Pooling: compute('pooling (max or average, Caffe ceil rounding)', {
    params: 'pooling_param',
    defaults: { pool: 'MAX', round_mode: 'CEIL', global_pooling: false, pad: 0, stride: 1 },
  }),
  InnerProduct: compute('fully connected', {
    blobs: ['weights', 'bias'],
    params: 'inner_product_param',
    defaults: { bias_term: true, axis: 1, transpose: false },
  }),
  ReLU: compute('rectified linear unit (leaky with negative_slope)', { params: 'relu_param', defaults: { negative_slope: 0 } }),
  PReLU: compute('parametric ReLU', { blobs: ['slopes'], params: 'prelu_param', defaults: { channel_shared: false } }),
  ELU: compute('exponential linear unit', { params: 'elu_param', defaults: { alpha: 1 } }),
  Sigmoid: compute('logistic sigmoid'),
  TanH: compute('hyperbolic tangent'),
  AbsVal: compute('absolute value'),
  Power: compute('(shift + scale·x)^power', { params: 'power_param', defaults: { power: 1, scale: 1, shift: 0 } }),
  Exp: compute('base^(shift + scale·x)', { params: 'exp_param', defaults: affine }),
  Log: compute('log_base(shift + scale·x)', { params: 'log_param', defaults: affine }),
  BNLL: compute('log(1 + exp(x))'),
  Softmax: compute('softmax', { params: 'softmax_param', defaults: { axis: 1 } }),
  LRN: compute('local response normalisation', {
    params: 'lrn_param',
    defaults: { local_size: 5, alpha: 1, beta: 0.75, k: 1, norm_region: 'ACROSS_CHANNELS' },
  }),
  BatchNorm: compute('batch normalisation (stored statistics)', {
    blobs: ['mean', 'variance', 'scale factor'],
    params: 'batch_norm_param',
    defaults: { eps: 1e-5 },
  }),
  Scale: compute('per-channel scale', {
    blobs: ['scale', 'bias'],
    params: 'scale_param',
    defaults: { axis: 1, num_axes: 1, bias_term: false },
  }),
  Bias: compute('per-channel bias', { blobs: ['bias'], params: 'bias_param', defaults: { axis: 1, num_axes: 1 } }),
  Eltwise: compute('element-wise sum / product / max', { params: 'eltwise_param', defaults: { operation: 'SUM' }, bottoms: 2 }),
  Concat: compute('concatenation', { params: 'concat_param', defaults: { axis: 1, concat_dim: 1 } }),
  Slice: compute('slice into parts', { params: 'slice_param', defaults: { axis: 1, slice_dim: 1 } }),
  Split: compute('copies of its input'),
  Flatten: compute('flatten', { params: 'flatten_param', defaults: { axis: 1, end_axis: -1 } }),
  Reshape: compute('reshape', { params: 'reshape_param', defaults: { axis: 0, num_axes: -1 } }),
  Permute: compute('axis permutation', { params: 'permute_param' }),
  Crop: compute('crop to the size of a reference', { params: 'crop_param', defaults: { axis: 2, offset: 0 }, bottoms: 2 }),
  Dropout: compute('dropout (identity at inference)', { params: 'dropout_param', defaults: { dropout_ratio: 0.5 } }),
  Accuracy: train('accuracy (evaluation only)'),
  ArgMax: { role: 'postprocess', description: 'arg-max of the scores (post-processing)' },
  Silence: train('silence (training only)'),
} satisfies Record<string, CaffeLayerInfo>;

/** A layer type ConvScope knows (converts, turns into an input, or drops). */
export type CaffeLayerType = keyof typeof CAFFE_LAYERS;

/** Training losses are dropped whatever their exact name. */
export function layerInfo(type: string): CaffeLayerInfo | undefined {
  const known: Record<string, CaffeLayerInfo> = CAFFE_LAYERS;
  return Object.hasOwn(known, type) ? known[type] : /Loss$/.test(type) ? train('loss (training only)') : undefined;
}
