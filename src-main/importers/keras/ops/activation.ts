// Activations: the functions layers name in `activation` (fused into Conv2D, Dense, …) and the
// activation layers (Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax).
import { attr } from '../../../onnx/graph-builder';
import type { Json } from '../config';
import { axisConst, axisOf, type OpContext, type OpHandler, type Value } from './types';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const scalar = (ctx: OpContext, name: string, v: number) => ctx.b.constF(`${ctx.base}/${name}`, [], [v]);

/** The activation's name from a config value: 'relu', or Keras 3's `{class_name: 'function', config: 'relu'}`. */
export function activationName(ctx: OpContext, v: Json): string {
  if (v === null) return 'linear';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !Array.isArray(v) && typeof v.config === 'string') return v.config;
  return ctx.fail(`activation ${JSON.stringify(v).slice(0, 80)} is not a built-in activation (custom activations need their Python code)`);
}

/** Keras 3's hard_sigmoid is relu6(x + 3) / 6; Keras 2's and TF.js's is clip(0.2·x + 0.5, 0, 1). */
const hardSigmoidSlope = (ctx: OpContext) => (ctx.keras.major >= 3 ? 1 / 6 : 0.2);

/** Applies a named activation to `x`; returns the output tensor name. */
export function activate(ctx: OpContext, x: Value, name: string, out = `${ctx.base}/${name}`): string {
  const { b } = ctx;
  const lastAxis = () => axisOf(-1, x.shape.length);
  switch (name) {
    case 'linear':
      return x.name;
    case 'relu':
      return b.op(out, 'Relu', [x.name]);
    case 'relu6':
      return b.op(out, 'Clip', [x.name, scalar(ctx, 'zero', 0), scalar(ctx, 'six', 6)]);
    case 'sigmoid':
      return b.op(out, 'Sigmoid', [x.name]);
    case 'hard_sigmoid':
      return b.op(out, 'HardSigmoid', [x.name], [attr.float('alpha', hardSigmoidSlope(ctx)), attr.float('beta', 0.5)]);
    case 'tanh':
      return b.op(out, 'Tanh', [x.name]);
    case 'softmax':
      return b.op(out, 'Softmax', [x.name], [attr.int('axis', lastAxis())]);
    case 'log_softmax':
      return b.op(out, 'LogSoftmax', [x.name], [attr.int('axis', lastAxis())]);
    case 'elu':
      return b.op(out, 'Elu', [x.name], [attr.float('alpha', 1)]);
    case 'selu':
      return b.op(out, 'Selu', [x.name], [attr.float('alpha', SELU_ALPHA), attr.float('gamma', SELU_SCALE)]);
    case 'softplus':
      return b.op(out, 'Softplus', [x.name]);
    case 'softsign':
      return b.op(out, 'Softsign', [x.name]);
    case 'swish':
    case 'silu':
      return b.op(out, 'Mul', [x.name, b.op(`${ctx.base}/sigmoid`, 'Sigmoid', [x.name])]);
    case 'hard_silu':
    case 'hard_swish':
      return b.op(out, 'Mul', [x.name, b.op(`${ctx.base}/hard_sigmoid`, 'HardSigmoid', [x.name], [attr.float('alpha', 1 / 6), attr.float('beta', 0.5)])]);
    case 'gelu': {
      // The exact form (Keras's default, approximate=False): x·(1 + erf(x/√2))/2.
      const e = b.op(`${ctx.base}/erf`, 'Erf', [b.op(`${ctx.base}/scaled`, 'Mul', [x.name, scalar(ctx, 'rsqrt2', Math.SQRT1_2)])]);
      const onePlus = b.op(`${ctx.base}/one_plus`, 'Add', [e, scalar(ctx, 'one', 1)]);
      return b.op(out, 'Mul', [b.op(`${ctx.base}/half_x`, 'Mul', [x.name, scalar(ctx, 'half', 0.5)]), onePlus]);
    }
    case 'mish':
      return b.op(out, 'Mul', [x.name, b.op(`${ctx.base}/tanh_softplus`, 'Tanh', [b.op(`${ctx.base}/softplus`, 'Softplus', [x.name])])]);
    case 'exponential':
      return b.op(out, 'Exp', [x.name]);
    case 'leaky_relu':
      return b.op(out, 'LeakyRelu', [x.name], [attr.float('alpha', 0.2)]);
    default:
      return ctx.fail(`activation '${name}' is not supported`);
  }
}

/** A layer's fused `activation` applied to its output (the layer's output is after it). */
export function fusedActivation(ctx: OpContext, x: Value): Value {
  const name = activationName(ctx, ctx.cfg.get('activation'));
  return { name: activate(ctx, x, name), shape: x.shape };
}

/** Keras's relu(x, negative_slope, max_value, threshold), step by step as Keras computes it. */
function relu(ctx: OpContext, x: Value, negativeSlope: number, maxValue: number | null, threshold: number): string {
  const { b } = ctx;
  if (negativeSlope !== 0 && maxValue === null && threshold === 0) return b.op(`${ctx.base}/leaky`, 'LeakyRelu', [x.name], [attr.float('alpha', negativeSlope)]);
  let y: string;
  if (threshold !== 0) {
    // x · (x > threshold)
    const mask = b.op(`${ctx.base}/above`, 'Cast', [b.op(`${ctx.base}/gt`, 'Greater', [x.name, scalar(ctx, 'threshold', threshold)])], [attr.int('to', 1)]);
    y = b.op(`${ctx.base}/kept`, 'Mul', [x.name, mask]);
  } else {
    y = b.op(`${ctx.base}/relu`, 'Relu', [x.name]);
  }
  if (maxValue !== null) y = b.op(`${ctx.base}/clip`, 'Clip', [y, scalar(ctx, 'zero', 0), scalar(ctx, 'max', maxValue)]);
  if (negativeSlope !== 0) {
    // − negative_slope · relu(threshold − x)
    const below = threshold !== 0 ? b.op(`${ctx.base}/below`, 'Sub', [scalar(ctx, 'thr', threshold), x.name]) : b.op(`${ctx.base}/neg`, 'Neg', [x.name]);
    const part = b.op(`${ctx.base}/neg_part`, 'Mul', [b.op(`${ctx.base}/neg_relu`, 'Relu', [below]), scalar(ctx, 'slope', negativeSlope)]);
    y = b.op(`${ctx.base}/out`, 'Sub', [y, part]);
  }
  return y;
}

export const activationOps: OpHandler[] = [
  {
    classes: ['Activation'],
    convert: (ctx) => fusedActivation(ctx, ctx.inputs[0]),
  },
  {
    classes: ['ReLU'],
    convert: (ctx) => {
      const c = ctx.cfg;
      const max = c.has('max_value') ? c.num('max_value') : null;
      return { name: relu(ctx, ctx.inputs[0], c.num('negative_slope'), max, c.num('threshold')), shape: ctx.inputs[0].shape };
    },
  },
  {
    classes: ['LeakyReLU'],
    convert: (ctx) => {
      // Keras 3 calls it negative_slope, Keras 2 and TF.js alpha.
      const slope = ctx.cfg.has('negative_slope') ? ctx.cfg.num('negative_slope') : ctx.cfg.num('alpha');
      return { name: ctx.b.op(`${ctx.base}/leaky`, 'LeakyRelu', [ctx.inputs[0].name], [attr.float('alpha', slope)]), shape: ctx.inputs[0].shape };
    },
  },
  {
    classes: ['PReLU'],
    convert: (ctx) => {
      const x = ctx.inputs[0];
      const alpha = ctx.w('alpha');
      const rank = x.shape.length;
      // alpha has the input's shape without batch, size 1 along shared axes.
      if (alpha.shape.length !== rank - 1) ctx.fail(`alpha has shape [${alpha.shape}], expected ${rank - 1} dimensions`);
      const axes = alpha.shape.map((_, i) => i + 1);
      const slope = axisConst(ctx, 'alpha', alpha.data, rank, axes, alpha.shape);
      return { name: ctx.b.op(`${ctx.base}/prelu`, 'PRelu', [x.name, slope]), shape: x.shape };
    },
  },
  {
    classes: ['ELU'],
    convert: (ctx) => ({ name: ctx.b.op(`${ctx.base}/elu`, 'Elu', [ctx.inputs[0].name], [attr.float('alpha', ctx.cfg.num('alpha'))]), shape: ctx.inputs[0].shape }),
  },
  {
    classes: ['Softmax'],
    convert: (ctx) => {
      const x = ctx.inputs[0];
      const axes = ctx.cfg.intList('axis');
      if (axes.length !== 1) ctx.fail(`softmax over ${axes.length} axes is not supported`);
      return { name: ctx.b.op(`${ctx.base}/softmax`, 'Softmax', [x.name], [attr.int('axis', axisOf(axes[0], x.shape.length))]), shape: x.shape };
    },
  },
];
