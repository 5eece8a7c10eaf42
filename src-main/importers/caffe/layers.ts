// Caffe layer metadata as data: V1 enum names, what each type is for, and which blobs it carries.
// convert.ts holds the conversion of each type; this table is what the rest of the app (and error
// messages) may know about the format.

export type LayerRole =
  /** Becomes a graph input (Input, legacy `input:`, or the data layer of a train-style file). */
  | 'input'
  /** Converted to ONNX operators. */
  | 'compute'
  /** Training or evaluation only (losses, accuracy, silence): dropped at inference. */
  | 'train'
  /** Post-processing that is not an activation (ArgMax): dropped, reported in notes. */
  | 'postprocess';

export interface CaffeLayerInfo {
  role: LayerRole;
  /** Names of the learned blobs, in the order Caffe stores them. */
  blobs?: string[];
  /** One line for tooltips / the CLI summary. */
  description: string;
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

const compute = (description: string, blobs?: string[]): CaffeLayerInfo => ({ role: 'compute', description, blobs });
const input = (description: string): CaffeLayerInfo => ({ role: 'input', description });
const train = (description: string): CaffeLayerInfo => ({ role: 'train', description });

export const CAFFE_LAYERS: Record<string, CaffeLayerInfo> = {
  Input: input('network input'),
  Data: input('database input (its image becomes the network input)'),
  ImageData: input('image-list input (its image becomes the network input)'),
  MemoryData: input('in-memory input'),
  HDF5Data: input('HDF5 input'),
  WindowData: input('window input'),
  DummyData: input('constant input'),
  Convolution: compute('convolution', ['weights', 'bias']),
  Deconvolution: compute('transposed convolution', ['weights', 'bias']),
  Pooling: compute('pooling (max or average, Caffe ceil rounding)'),
  InnerProduct: compute('fully connected', ['weights', 'bias']),
  ReLU: compute('rectified linear unit (leaky with negative_slope)'),
  PReLU: compute('parametric ReLU', ['slopes']),
  ELU: compute('exponential linear unit'),
  Sigmoid: compute('logistic sigmoid'),
  TanH: compute('hyperbolic tangent'),
  AbsVal: compute('absolute value'),
  Power: compute('(shift + scale·x)^power'),
  Exp: compute('base^(shift + scale·x)'),
  Log: compute('log_base(shift + scale·x)'),
  BNLL: compute('log(1 + exp(x))'),
  Softmax: compute('softmax'),
  LRN: compute('local response normalisation'),
  BatchNorm: compute('batch normalisation (stored statistics)', ['mean', 'variance', 'scale factor']),
  Scale: compute('per-channel scale', ['scale', 'bias']),
  Bias: compute('per-channel bias', ['bias']),
  Eltwise: compute('element-wise sum / product / max'),
  Concat: compute('concatenation'),
  Slice: compute('slice into parts'),
  Split: compute('copies of its input'),
  Flatten: compute('flatten'),
  Reshape: compute('reshape'),
  Permute: compute('axis permutation'),
  Crop: compute('crop to the size of a reference'),
  Dropout: compute('dropout (identity at inference)'),
  Accuracy: train('accuracy (evaluation only)'),
  ArgMax: { role: 'postprocess', description: 'arg-max of the scores (post-processing)' },
  Silence: train('silence (training only)'),
};

/** Training losses are dropped whatever their exact name. */
export function layerInfo(type: string): CaffeLayerInfo | undefined {
  return CAFFE_LAYERS[type] ?? (/Loss$/.test(type) ? train('loss (training only)') : undefined);
}

export const SUPPORTED_TYPES = Object.keys(CAFFE_LAYERS).filter((t) => CAFFE_LAYERS[t].role === 'compute');
