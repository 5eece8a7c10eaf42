// A functional model that uses every supported layer class, on odd image sizes (17×15) where
// TensorFlow's "same" padding is asymmetric, with branches, merges, Flatten → Dense and a nested
// Sequential model; all branches end in the one softmax output, as in a model Keras would save.
import { weight, type TestLayer, type TestModel } from './model-spec';

export function zooModel(): TestModel {
  const L: TestLayer[] = [];
  const add = (name: string, className: string, inputs: string[], config: Record<string, unknown> = {}, weights: TestLayer['weights'] = []) => {
    L.push({ name, className, inputs, config, weights });
    return name;
  };
  const act = (name: string, from: string, activation: string) => add(name, 'Activation', [from], { activation });

  add('image', 'InputLayer', [], { batch_input_shape: [null, 17, 15, 3], dtype: 'float32' });
  add('rescale', 'Rescaling', ['image'], { scale: 0.5, offset: 0.1 });
  add('norm', 'Normalization', ['rescale'], { axis: -1 }, [['mean', weight([3], 0.2)], ['variance', weight([3], 0.5, true)], ['count', { shape: [], data: new Float32Array([10]) }]]);
  add('norm_cfg', 'Normalization', ['norm'], { axis: -1, mean: [0.1, -0.2, 0.05], variance: [1.5, 0.8, 2.0] });
  add('c1', 'Conv2D', ['norm_cfg'], { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }, [['kernel', weight([3, 3, 3, 4])], ['bias', weight([4], 0.1)]]);
  add('drop', 'Dropout', ['c1'], { rate: 0.5 });
  add('sdrop', 'SpatialDropout2D', ['drop'], { rate: 0.5 });
  add('noise', 'GaussianNoise', ['sdrop'], { stddev: 0.1 });
  add('gdrop', 'GaussianDropout', ['noise'], { rate: 0.1 });
  add('actreg', 'ActivityRegularization', ['gdrop'], { l1: 0.01 });
  // 9×8×4 from here on.
  add('sep', 'SeparableConv2D', ['actreg'], { filters: 6, kernel_size: [3, 3], padding: 'same', depth_multiplier: 2, activation: 'gelu' }, [['depthwise_kernel', weight([3, 3, 4, 2])], ['pointwise_kernel', weight([1, 1, 8, 6])], ['bias', weight([6], 0.1)]]);
  add('dw', 'DepthwiseConv2D', ['actreg'], { kernel_size: [3, 3], strides: [2, 2], padding: 'same', depth_multiplier: 2, activation: 'hard_sigmoid' }, [['depthwise_kernel', weight([3, 3, 4, 2])], ['bias', weight([8], 0.1)]]);
  add('deconv', 'Conv2DTranspose', ['dw'], { filters: 3, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'elu' }, [['kernel', weight([3, 3, 3, 8])], ['bias', weight([3], 0.1)]]);
  add('deconv_k1', 'Conv2DTranspose', ['dw'], { filters: 2, kernel_size: [1, 1], strides: [2, 2], padding: 'valid', use_bias: false }, [['kernel', weight([1, 1, 2, 8])]]);
  add('grouped', 'Conv2D', ['actreg'], { filters: 6, kernel_size: [3, 3], dilation_rate: [2, 2], groups: 2, activation: 'swish' }, [['kernel', weight([3, 3, 2, 6])], ['bias', weight([6], 0.1)]]);
  add('bn', 'BatchNormalization', ['sep'], { epsilon: 0.01, center: false }, [['gamma', weight([6])], ['moving_mean', weight([6], 0.2)], ['moving_variance', weight([6], 0.5, true)]]);
  add('ln', 'LayerNormalization', ['bn'], { axis: -1, epsilon: 0.001 }, [['gamma', weight([6])], ['beta', weight([6], 0.1)]]);
  add('ln_all', 'LayerNormalization', ['ln'], { axis: [1, 2, 3], epsilon: 0.001 }, [['gamma', weight([9, 8, 6])], ['beta', weight([9, 8, 6], 0.1)]]);
  const acts = ['relu6', 'sigmoid', 'tanh', 'softmax', 'linear', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'gelu', 'exponential', 'hard_sigmoid'];
  for (const a of acts) act(`a_${a}`, 'ln_all', a);
  add('relu_full', 'ReLU', ['ln_all'], { max_value: 1.5, negative_slope: 0.1, threshold: 0.2 });
  add('relu_max', 'ReLU', ['ln_all'], { max_value: 6 });
  add('leaky', 'LeakyReLU', ['ln_all'], { alpha: 0.2 });
  add('prelu', 'PReLU', ['ln_all'], { shared_axes: [1, 2] }, [['alpha', weight([1, 1, 6], 0.3)]]);
  add('elu_layer', 'ELU', ['ln_all'], { alpha: 0.7 });
  add('softmax_layer', 'Softmax', ['ln_all'], { axis: -1 });
  add('m_add', 'Add', ['a_relu6', 'a_sigmoid', 'a_tanh']);
  add('m_sub', 'Subtract', ['a_elu', 'a_selu']);
  add('m_mul', 'Multiply', ['a_softplus', 'a_softsign']);
  add('m_avg', 'Average', ['a_swish', 'a_gelu']);
  add('m_max', 'Maximum', ['a_exponential', 'a_linear']);
  add('m_min', 'Minimum', ['relu_full', 'leaky', 'relu_max']);
  add('cat', 'Concatenate', ['m_add', 'm_sub', 'm_mul', 'm_avg', 'm_max', 'm_min', 'prelu', 'elu_layer', 'softmax_layer'], { axis: -1 });
  add('cat_h', 'Concatenate', ['a_softmax', 'a_hard_sigmoid'], { axis: 1 });
  add('block', 'Sequential', ['sep']);
  L[L.length - 1].model = {
    name: 'block', className: 'Sequential', input: 'block_in', output: 'block_bn',
    layers: [
      { name: 'block_in', className: 'InputLayer', inputs: [], config: { batch_input_shape: [null, 9, 8, 6], dtype: 'float32' } },
      { name: 'block_conv', className: 'Conv2D', inputs: [], config: { filters: 4, kernel_size: [1, 1], activation: 'tanh' }, weights: [['kernel', weight([1, 1, 6, 4])], ['bias', weight([4], 0.1)]] },
      { name: 'block_bn', className: 'BatchNormalization', inputs: [], config: {}, weights: [['gamma', weight([4])], ['beta', weight([4], 0.1)], ['moving_mean', weight([4], 0.2)], ['moving_variance', weight([4], 0.5, true)]] },
    ],
  };
  add('max_pool', 'MaxPooling2D', ['actreg'], { pool_size: [3, 3], strides: [2, 2], padding: 'same' });
  add('avg_pool', 'AveragePooling2D', ['cat'], { pool_size: [3, 3], strides: [2, 2], padding: 'same' });
  add('avg_valid', 'AveragePooling2D', ['grouped'], { pool_size: [2, 2], padding: 'valid' });
  add('zero_pad', 'ZeroPadding2D', ['max_pool'], { padding: [[1, 2], [0, 1]] });
  add('crop', 'Cropping2D', ['deconv'], { cropping: [[1, 0], [2, 1]] });
  add('up_nearest', 'UpSampling2D', ['max_pool'], { size: [2, 3], interpolation: 'nearest' });
  add('up_bilinear', 'UpSampling2D', ['block'], { size: [2, 2], interpolation: 'bilinear' });
  add('dense_maps', 'Dense', ['avg_pool'], { units: 5, activation: 'tanh' }, [['kernel', weight([54, 5], 0.2)], ['bias', weight([5], 0.1)]]);
  add('flat', 'Flatten', ['avg_valid']);
  add('dense', 'Dense', ['flat'], { units: 7, activation: 'relu' }, [['kernel', weight([24, 7], 0.3)], ['bias', weight([7], 0.1)]]);
  add('reshape3', 'Reshape', ['flat'], { target_shape: [4, -1] });
  add('dense_seq', 'Dense', ['reshape3'], { units: 3, use_bias: true }, [['kernel', weight([6, 3])], ['bias', weight([3], 0.1)]]);
  add('permute3', 'Permute', ['dense_seq'], { dims: [2, 1] });
  add('repeat', 'RepeatVector', ['dense'], { n: 3 });
  add('reshape4', 'Reshape', ['flat'], { target_shape: [2, 3, 4] });
  add('permute4', 'Permute', ['reshape4'], { dims: [3, 1, 2] });
  add('gap', 'GlobalAveragePooling2D', ['up_nearest'], { keepdims: true });
  add('gmp', 'GlobalMaxPooling2D', ['crop']);
  const vec = (name: string, from: string) => add(name, 'Flatten', [from]);
  const parts = [
    vec('v_gap', 'gap'), 'gmp', 'dense', vec('v_perm3', 'permute3'), vec('v_repeat', 'repeat'), vec('v_perm4', 'permute4'),
    vec('v_dense_maps', 'dense_maps'), vec('v_zero_pad', 'zero_pad'), vec('v_deconv_k1', 'deconv_k1'), vec('v_up_bilinear', 'up_bilinear'), vec('v_cat_h', 'cat_h'),
  ];
  add('features', 'Concatenate', parts, { axis: -1 });
  add('scores', 'Dense', ['features'], { units: 3, activation: 'softmax' }, [['kernel', weight([FEATURES, 3], 0.05)], ['bias', weight([3], 0.1)]]);
  return { name: 'zoo', className: 'Functional', layers: L, input: 'image', output: 'scores' };
}

/** Length of the `features` vector (checked by the converter against the Dense kernel). */
const FEATURES = 4 + 3 + 7 + 12 + 21 + 24 + 5 * 4 * 5 + 8 * 5 * 4 + 10 * 8 * 2 + 18 * 16 * 4 + 18 * 8 * 6;
