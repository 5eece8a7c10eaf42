// Keras layer metadata as data: every supported class with its config defaults (Keras 2 and 3
// share them) and its variables in the order Keras creates and saves them. A .keras weights file
// stores variables by position, so this order is what maps `vars/0`, `vars/1`… to kernel, bias….
import type { Json, JsonObject } from './config';

export type Category = 'core' | 'convolution' | 'activation' | 'pooling' | 'normalization' | 'merge' | 'reshaping' | 'regularization' | 'preprocessing';

export interface VariableSpec {
  /** The variable's name; `a|b` lists the names different Keras versions give it. */
  name: string;
  /** Present only when this holds for the layer's config. */
  if?: (cfg: Config) => boolean;
}

export interface LayerSpec {
  category: Category;
  defaults: JsonObject;
  variables?: VariableSpec[];
}

const useBias = (c: Config) => c.bool('use_bias');
const conv = { strides: [1, 1], padding: 'valid', dilation_rate: [1, 1], groups: 1, use_bias: true, activation: 'linear', data_format: 'channels_last' };
const pool = { pool_size: [2, 2], strides: null, padding: 'valid', data_format: 'channels_last' };
const identity: LayerSpec = { category: 'regularization', defaults: {} };

export const LAYERS: Readonly<Record<string, LayerSpec>> = {
  InputLayer: { category: 'core', defaults: {} },
  Dense: { category: 'core', defaults: { use_bias: true, activation: 'linear' }, variables: [{ name: 'kernel' }, { name: 'bias', if: useBias }] },
  Activation: { category: 'activation', defaults: { activation: 'linear' } },

  Conv2D: { category: 'convolution', defaults: conv, variables: [{ name: 'kernel' }, { name: 'bias', if: useBias }] },
  SeparableConv2D: {
    category: 'convolution',
    defaults: { ...conv, depth_multiplier: 1 },
    variables: [{ name: 'depthwise_kernel' }, { name: 'pointwise_kernel' }, { name: 'bias', if: useBias }],
  },
  DepthwiseConv2D: {
    category: 'convolution',
    defaults: { ...conv, depth_multiplier: 1 },
    // Keras 2 calls it depthwise_kernel, Keras 3 kernel.
    variables: [{ name: 'depthwise_kernel|kernel' }, { name: 'bias', if: useBias }],
  },
  Conv2DTranspose: { category: 'convolution', defaults: { ...conv, output_padding: null }, variables: [{ name: 'kernel' }, { name: 'bias', if: useBias }] },

  ReLU: { category: 'activation', defaults: { max_value: null, negative_slope: 0, threshold: 0 } },
  LeakyReLU: { category: 'activation', defaults: { alpha: 0.3, negative_slope: null } },
  PReLU: { category: 'activation', defaults: { shared_axes: null }, variables: [{ name: 'alpha' }] },
  ELU: { category: 'activation', defaults: { alpha: 1.0 } },
  Softmax: { category: 'activation', defaults: { axis: -1 } },

  MaxPooling2D: { category: 'pooling', defaults: pool },
  AveragePooling2D: { category: 'pooling', defaults: pool },
  GlobalAveragePooling2D: { category: 'pooling', defaults: { keepdims: false, data_format: 'channels_last' } },
  GlobalMaxPooling2D: { category: 'pooling', defaults: { keepdims: false, data_format: 'channels_last' } },

  BatchNormalization: {
    category: 'normalization',
    defaults: { axis: -1, epsilon: 1e-3, center: true, scale: true, renorm: false },
    variables: [{ name: 'gamma', if: (c) => c.bool('scale') }, { name: 'beta', if: (c) => c.bool('center') }, { name: 'moving_mean' }, { name: 'moving_variance' }],
  },
  LayerNormalization: {
    category: 'normalization',
    defaults: { axis: -1, epsilon: 1e-3, center: true, scale: true, rms_scaling: false },
    variables: [
      { name: 'gamma', if: (c) => c.bool('scale') || c.bool('rms_scaling') },
      { name: 'beta', if: (c) => c.bool('center') && !c.bool('rms_scaling') },
    ],
  },

  Add: { category: 'merge', defaults: {} },
  Subtract: { category: 'merge', defaults: {} },
  Multiply: { category: 'merge', defaults: {} },
  Average: { category: 'merge', defaults: {} },
  Maximum: { category: 'merge', defaults: {} },
  Minimum: { category: 'merge', defaults: {} },
  Concatenate: { category: 'merge', defaults: { axis: -1 } },

  ZeroPadding2D: { category: 'reshaping', defaults: { padding: [[1, 1], [1, 1]], data_format: 'channels_last' } },
  Cropping2D: { category: 'reshaping', defaults: { cropping: [[0, 0], [0, 0]], data_format: 'channels_last' } },
  UpSampling2D: { category: 'reshaping', defaults: { size: [2, 2], interpolation: 'nearest', data_format: 'channels_last' } },
  Flatten: { category: 'reshaping', defaults: { data_format: 'channels_last' } },
  Reshape: { category: 'reshaping', defaults: {} },
  Permute: { category: 'reshaping', defaults: {} },
  RepeatVector: { category: 'reshaping', defaults: {} },

  Dropout: identity,
  SpatialDropout1D: identity,
  SpatialDropout2D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  ActivityRegularization: identity,

  Rescaling: { category: 'preprocessing', defaults: { offset: 0 } },
  Normalization: {
    category: 'preprocessing',
    defaults: { axis: -1, mean: null, variance: null, invert: false },
    // Adapted statistics are variables (then an integer count, unused at inference); statistics
    // given in the config are not.
    variables: [{ name: 'mean', if: (c) => c.get('mean') === null }, { name: 'variance', if: (c) => c.get('mean') === null }],
  },
};

/** Names Keras also accepts for a class (older spellings, short aliases). */
export const CLASS_ALIASES: Readonly<Record<string, string>> = {
  Convolution2D: 'Conv2D',
  SeparableConvolution2D: 'SeparableConv2D',
  Deconvolution2D: 'Conv2DTranspose',
  Convolution2DTranspose: 'Conv2DTranspose',
  MaxPool2D: 'MaxPooling2D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
};

/** A layer's config with its class's defaults filled in, read with the type each field has. */
export class Config {
  constructor(
    readonly raw: JsonObject,
    private readonly defaults: JsonObject,
    /** Called with a message when a field has the wrong type. */
    private readonly fail: (msg: string) => never,
  ) {}

  get(key: string): Json {
    const v = this.raw[key];
    return v === undefined ? (this.defaults[key] ?? null) : v;
  }
  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }
  num(key: string): number {
    const v = this.get(key);
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(`${key} must be a number (got ${JSON.stringify(v)})`);
    return v;
  }
  bool(key: string): boolean {
    const v = this.get(key);
    if (typeof v !== 'boolean') return this.fail(`${key} must be true or false (got ${JSON.stringify(v)})`);
    return v;
  }
  str(key: string): string {
    const v = this.get(key);
    if (typeof v !== 'string') return this.fail(`${key} must be a string (got ${JSON.stringify(v)})`);
    return v;
  }
  /** An int or a list of `n` ints (Keras's tuples), as `n` ints. */
  ints(key: string, n: number): number[] {
    const v = this.get(key);
    const list = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
    if (!Array.isArray(list) || list.length !== n || !list.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      return this.fail(`${key} must be an integer or ${n} integers (got ${JSON.stringify(v)})`);
    }
    return list as number[];
  }
  /** A list of ints of any length (target_shape, dims, axes); an int is a list of one. */
  intList(key: string): number[] {
    const v = this.get(key);
    const list = typeof v === 'number' ? [v] : v;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      return this.fail(`${key} must be a list of integers (got ${JSON.stringify(v)})`);
    }
    return list as number[];
  }
}
