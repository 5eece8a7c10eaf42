// Network layers with learned weights or windows: Convolution, Deconvolution, Pooling,
// InnerProduct, LRN, BatchNorm, Scale, Bias. Caffe's semantics are reproduced exactly where ONNX
// differs (pooling rounding and divisors, WITHIN_CHANNEL LRN, BatchNorm's scale factor).
import { attr } from '../../../onnx/graph-builder';
import { bcast, fmt, prod, type LayerContext, type LayerHandlers } from './context';

/** Convolution and its transpose: same parameters, weights [out, in/g, kh, kw] vs [in, out/g, kh, kw]. */
function convolution(ctx: LayerContext, transposed: boolean): number[][] {
  const { g, params: p } = ctx;
  const x = ctx.shapes[0];
  if (x.length !== 4) ctx.err(`only 2-D convolution of N×C×H×W inputs is supported (input is ${fmt(x)})`);
  const nOut = p.given('num_output');
  if (!nOut) ctx.err('convolution_param.num_output is missing');
  const ks = p.nums('kernel_size');
  if (ks.length > 2) ctx.err('only 2-D kernels are supported');
  const kh = p.given('kernel_h') ?? ks[0];
  const kw = p.given('kernel_w') ?? ks[1] ?? ks[0];
  if (!kh || !kw) ctx.err('kernel size is missing');
  // pad, stride and dilation are repeated: one value for both axes, or one per axis.
  const pad = p.nums('pad');
  const ph = p.given('pad_h') ?? pad[0];
  const pw = p.given('pad_w') ?? pad[1] ?? pad[0];
  const st = p.nums('stride');
  const sh = p.given('stride_h') ?? st[0];
  const sw = p.given('stride_w') ?? st[1] ?? st[0];
  const dil = p.nums('dilation');
  const dh = dil[0];
  const dw = dil[1] ?? dil[0];
  const group = p.num('group');
  const cin = x[1];
  if (cin % group !== 0 || nOut % group !== 0) ctx.err(`group ${group} does not divide ${cin} input and ${nOut} output channels`);
  const wShape = transposed ? [cin, nOut / group, kh, kw] : [nOut, cin / group, kh, kw];
  const w = g.constF(ctx.tmp('weights'), wShape, ctx.blob(0, 'weights', wShape).bytes);
  const ins = [ctx.inputs[0], w];
  if (p.bool('bias_term')) ins.push(g.constF(ctx.tmp('bias'), [nOut], ctx.blob(1, 'bias', [nOut]).bytes));
  const attrs = [
    attr.ints('kernel_shape', [kh, kw]),
    attr.ints('pads', [ph, pw, ph, pw]),
    attr.ints('strides', [sh, sw]),
    attr.ints('dilations', [dh, dw]),
    attr.int('group', group),
  ];
  g.add(transposed ? 'ConvTranspose' : 'Conv', ins, [ctx.out], attrs);
  const ekh = dh * (kh - 1) + 1;
  const ekw = dw * (kw - 1) + 1;
  return [
    transposed
      ? [x[0], nOut, sh * (x[2] - 1) + ekh - 2 * ph, sw * (x[3] - 1) + ekw - 2 * pw]
      : [x[0], nOut, Math.floor((x[2] + 2 * ph - ekh) / sh) + 1, Math.floor((x[3] + 2 * pw - ekw) / sw) + 1],
  ];
}

function pooling(ctx: LayerContext): number[][] {
  const { g, params: p } = ctx;
  const [input] = ctx.inputs;
  const x = ctx.shapes[0];
  const tmp = (what: string) => ctx.tmp(what);
  if (x.length !== 4) ctx.err(`pooling needs an N×C×H×W input (input is ${fmt(x)})`);
  const method = p.str('pool');
  if (method === 'STOCHASTIC') ctx.err('STOCHASTIC pooling is not supported');
  if (p.bool('global_pooling')) {
    g.add(method === 'MAX' ? 'GlobalMaxPool' : 'GlobalAveragePool', [input], [ctx.out]);
    return [[x[0], x[1], 1, 1]];
  }
  const k = p.given('kernel_size');
  const kh = p.given('kernel_h') ?? k;
  const kw = p.given('kernel_w') ?? k;
  if (!kh || !kw) ctx.err('kernel size is missing');
  const ph = p.given('pad_h') ?? p.num('pad');
  const pw = p.given('pad_w') ?? p.num('pad');
  const sh = p.given('stride_h') ?? p.num('stride');
  const sw = p.given('stride_w') ?? p.num('stride');
  if (ph >= kh || pw >= kw) ctx.err('padding must be smaller than the kernel');
  const ceil = p.str('round_mode') === 'CEIL';
  // Caffe: out = ceil((H + 2p − k) / s) + 1, minus the last window if it starts in the padding.
  const size = (H: number, kk: number, pp: number, ss: number) => {
    let o = (ceil ? Math.ceil((H + 2 * pp - kk) / ss) : Math.floor((H + 2 * pp - kk) / ss)) + 1;
    if (pp > 0 && (o - 1) * ss >= H + pp) o--;
    return o;
  };
  const attrs = [attr.ints('kernel_shape', [kh, kw]), attr.ints('strides', [sh, sw]), attr.int('ceil_mode', ceil ? 1 : 0)];
  const mayDrop = ceil && (ph > 0 || pw > 0 || sh > kh || sw > kw);
  const pooled = mayDrop ? g.unique(tmp('pooled')) : ctx.out;
  if (method === 'MAX') {
    // Padding never wins a max: ONNX MaxPool ignores padded cells like Caffe does.
    g.add('MaxPool', [input], [pooled], [...attrs, attr.ints('pads', [ph, pw, ph, pw])]);
  } else {
    // Caffe divides by the window clipped to the padded input (padding counts, the ceil
    // overhang past the padding does not). Zero-pad explicitly, then average without
    // counting cells outside the padded tensor: exactly that divisor.
    const src = ph > 0 || pw > 0 ? g.op(tmp('padded'), 'Pad', [input, g.constI(tmp('pads'), [0, 0, ph, pw, 0, 0, ph, pw])]) : input;
    g.add('AveragePool', [src], [pooled], [...attrs, attr.int('count_include_pad', 0)]);
  }
  if (mayDrop) {
    // Keep the windows that start inside input + leading padding: ceil((H + p) / s) of them,
    // computed from the runtime shape so fully convolutional nets stay exact at any size.
    const hw = g.op(tmp('hw'), 'Slice', [g.op(tmp('shape'), 'Shape', [input]), g.constI(tmp('s0'), [2]), g.constI(tmp('s1'), [4])]);
    const ends = g.op(tmp('ends'), 'Div', [g.op(tmp('sum'), 'Add', [hw, g.constI(tmp('round'), [ph + sh - 1, pw + sw - 1])]), g.constI(tmp('stride'), [sh, sw])]);
    g.add('Slice', [pooled, g.constI(tmp('starts'), [0, 0]), ends, g.constI(tmp('axes'), [2, 3])], [ctx.out]);
  }
  return [[x[0], x[1], size(x[2], kh, ph, sh), size(x[3], kw, pw, sw)]];
}

function innerProduct(ctx: LayerContext): number[][] {
  const { g, params: p } = ctx;
  const x = ctx.shapes[0];
  const axis = ctx.axis(p.num('axis'), x.length);
  const nOut = p.given('num_output');
  if (!nOut) ctx.err('inner_product_param.num_output is missing');
  const K = prod(x.slice(axis));
  let w: Float32Array | Uint8Array;
  if (p.bool('transpose')) {
    // Stored [K, N]: transpose so the initializer is [out, in] like every other Gemm here.
    const wt = ctx.blob(0, 'weights', [K, nOut]).floats();
    w = new Float32Array(nOut * K);
    for (let i = 0; i < K; i++) for (let j = 0; j < nOut; j++) w[j * K + i] = wt[i * nOut + j];
  } else w = ctx.blob(0, 'weights', [nOut, K]).bytes;
  const flat = x.length === axis + 1 && axis === 1 ? ctx.inputs[0] : g.op(ctx.tmp('flatten'), 'Flatten', [ctx.inputs[0]], [attr.int('axis', axis)]);
  const ins = [flat, g.constF(ctx.tmp('weights'), [nOut, K], w)];
  if (p.bool('bias_term')) ins.push(g.constF(ctx.tmp('bias'), [nOut], ctx.blob(1, 'bias', [nOut]).bytes));
  if (axis === 1) g.add('Gemm', ins, [ctx.out], [attr.int('transB', 1)]);
  else {
    const gemm = g.op(ctx.tmp('gemm'), 'Gemm', ins, [attr.int('transB', 1)]);
    g.add('Reshape', [gemm, g.constI(ctx.tmp('shape'), [-1, ...x.slice(1, axis), nOut])], [ctx.out]);
  }
  return [[...x.slice(0, axis), nOut]];
}

function lrn(ctx: LayerContext): number[][] {
  const { g, params: p } = ctx;
  const [input] = ctx.inputs;
  const tmp = (what: string) => ctx.tmp(what);
  const size = p.num('local_size');
  const alpha = p.num('alpha');
  const beta = p.num('beta');
  const k = p.num('k');
  if (size % 2 !== 1) ctx.err(`local_size must be odd, got ${size}`);
  if (ctx.shapes[0].length !== 4) ctx.err(`LRN needs an N×C×H×W input (input is ${fmt(ctx.shapes[0])})`);
  if (p.str('norm_region') === 'ACROSS_CHANNELS') {
    g.add('LRN', [input], [ctx.out], [attr.int('size', size), attr.float('alpha', alpha), attr.float('beta', beta), attr.float('bias', k)]);
  } else {
    // WITHIN_CHANNEL has no ONNX op. Caffe computes x · (1 + α · mean_{n×n}(x²))^−β with a
    // zero-padded n×n window always divided by n² (k is not used in this mode).
    const pad = (size - 1) / 2;
    const sq = g.op(tmp('square'), 'Mul', [input, input]);
    const avg = g.op(tmp('window_mean'), 'AveragePool', [sq], [
      attr.ints('kernel_shape', [size, size]),
      attr.ints('pads', [pad, pad, pad, pad]),
      attr.ints('strides', [1, 1]),
      attr.int('count_include_pad', 1),
    ]);
    const scaled = g.op(tmp('scaled'), 'Mul', [avg, g.constF(tmp('alpha'), [], [alpha])]);
    const shifted = g.op(tmp('shifted'), 'Add', [scaled, g.constF(tmp('one'), [], [1])]);
    const factor = g.op(tmp('factor'), 'Pow', [shifted, g.constF(tmp('minus_beta'), [], [-beta])]);
    g.add('Mul', [input, factor], [ctx.out]);
  }
  return [ctx.shapes[0]];
}

function batchNorm(ctx: LayerContext): number[][] {
  const { g } = ctx;
  const x = ctx.shapes[0];
  if (x.length < 2) ctx.err(`BatchNorm needs a channel axis (input is ${fmt(x)})`);
  const c = x[1];
  const mean = ctx.blob(0, 'mean', [c]).floats();
  const variance = ctx.blob(1, 'variance', [c]).floats();
  const sf = ctx.blob(2, 'scale factor', [1]).floats()[0];
  // Caffe stores running sums; the true statistics are the blobs divided by the factor.
  const f = sf === 0 ? 0 : 1 / sf;
  g.add(
    'BatchNormalization',
    [
      ctx.inputs[0],
      g.constF(ctx.tmp('ones'), [c], new Float32Array(c).fill(1)),
      g.constF(ctx.tmp('zeros'), [c], new Float32Array(c)),
      g.constF(ctx.tmp('mean'), [c], mean.map((v) => v * f)),
      g.constF(ctx.tmp('variance'), [c], variance.map((v) => v * f)),
    ],
    [ctx.out],
    [attr.float('epsilon', ctx.params.num('eps'))],
  );
  return [x];
}

/**
 * Scale (x · s, optionally + b) and Bias (x + b): the parameter is a blob, or the second bottom,
 * broadcast over `num_axes` dims from `axis`.
 */
function scaleOrBias(ctx: LayerContext, what: 'scale' | 'bias'): number[][] {
  const { g, params: p } = ctx;
  const x = ctx.shapes[0];
  const axis = ctx.axis(p.num('axis'), x.length);
  const numAxes = p.num('num_axes');
  const fromInput = ctx.inputs.length > 1;
  const pdims = fromInput ? ctx.shapes[1] : numAxes === -1 ? x.slice(axis) : x.slice(axis, axis + numAxes);
  const shape = bcast(pdims, axis, x.length);
  if (fromInput && pdims.some((d, i) => x[axis + i] !== d)) ctx.err(`second input ${fmt(pdims)} does not match ${fmt(x)} from axis ${axis}`);
  // A parameter coming from another layer keeps its own dims (0 = copy, so the batch may vary).
  const second = fromInput
    ? g.op(ctx.tmp('param'), 'Reshape', [ctx.inputs[1], g.constI(ctx.tmp('param_shape'), shape.map((d, i) => (i < pdims.length ? 0 : d)))])
    : g.constF(ctx.tmp(what), shape, ctx.blob(0, what, pdims).bytes);
  if (what === 'bias') g.add('Add', [ctx.inputs[0], second], [ctx.out]);
  else if (p.bool('bias_term')) {
    const scaled = g.op(ctx.tmp('scaled'), 'Mul', [ctx.inputs[0], second]);
    const bias = ctx.blob(fromInput ? 0 : 1, 'bias', pdims).bytes;
    g.add('Add', [scaled, g.constF(ctx.tmp('bias'), shape, bias)], [ctx.out]);
  } else g.add('Mul', [ctx.inputs[0], second], [ctx.out]);
  return [x];
}

export const nnOps: LayerHandlers = {
  Convolution: (ctx) => convolution(ctx, false),
  Deconvolution: (ctx) => convolution(ctx, true),
  Pooling: pooling,
  InnerProduct: innerProduct,
  LRN: lrn,
  BatchNorm: batchNorm,
  Scale: (ctx) => scaleOrBias(ctx, 'scale'),
  Bias: (ctx) => scaleOrBias(ctx, 'bias'),
};
