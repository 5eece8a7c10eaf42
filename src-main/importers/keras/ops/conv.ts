// Convolutions: Conv2D, SeparableConv2D, DepthwiseConv2D, Conv2DTranspose. Keras kernels are
// HWIO (height, width, in, out); ONNX wants OIHW, so each kernel is transposed once on import.
import { attr } from '../../../onnx/graph-builder';
import type { AttributeProto } from '../../../onnx/proto';
import type { Weight } from '../weights';
import { fusedActivation } from './activation';
import { permute, type Dim, type OpContext, type OpHandler, type Value } from './types';

/** The image input of a 2-D layer (rank 4, channels last). */
export function imageInput(ctx: OpContext): Value {
  const x = ctx.inputs[0];
  if (x.shape.length !== 4) ctx.fail(`expects an image tensor (batch, height, width, channels), got rank ${x.shape.length}`);
  if (ctx.cfg.get('data_format') === 'channels_first') ctx.fail('data_format channels_first is not supported');
  return x;
}

/**
 * Padding for one spatial axis. TensorFlow's "same" pads (out − 1)·stride + window − in in total
 * with the odd pixel at the end (bottom/right); null when the input size is unknown here, where
 * ONNX's SAME_UPPER computes exactly that at run time.
 */
export function samePads(size: Dim, window: number, stride: number): [number, number] | null {
  if (size === null) return null;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Output size of a "valid" or "same" window along one axis. */
export function windowOut(size: Dim, window: number, stride: number, padding: string): Dim {
  if (size === null) return null;
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

/** `pads` (or `auto_pad`) attributes for a 2-D window on an NHWC Keras shape. */
export function padAttrs(ctx: OpContext, shape: Dim[], window: number[], strides: number[], padding: string): AttributeProto[] {
  if (padding === 'valid') return [];
  if (padding !== 'same') ctx.fail(`padding '${padding}' is not supported (valid or same)`);
  const h = samePads(shape[1], window[0], strides[0]);
  const w = samePads(shape[2], window[1], strides[1]);
  if (!h || !w) return [attr.string('auto_pad', 'SAME_UPPER')];
  return [attr.ints('pads', [h[0], w[0], h[1], w[1]])];
}

const dilated = (k: number, d: number) => (k - 1) * d + 1;

function expectShape(ctx: OpContext, what: string, w: Weight, shape: Dim[]): void {
  const ok = w.shape.length === shape.length && shape.every((d, i) => d === null || d === w.shape[i]);
  if (!ok) ctx.fail(`${what} has shape [${w.shape.join(', ')}], expected [${shape.map((d) => d ?? '?').join(', ')}]`);
}

function bias(ctx: OpContext, n: number): string[] {
  if (!ctx.cfg.bool('use_bias')) return [];
  const b = ctx.w('bias');
  expectShape(ctx, 'bias', b, [n]);
  return [ctx.b.constF(`${ctx.base}/bias`, [n], b.data)];
}

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padding: string;
}

function window(ctx: OpContext, kernel: number[]): Window {
  const c = ctx.cfg;
  const strides = c.ints('strides', 2);
  const dilations = c.ints('dilation_rate', 2);
  return { kernel, strides, dilations, padding: c.str('padding').toLowerCase() };
}

function convAttrs(ctx: OpContext, x: Value, win: Window, group: number): AttributeProto[] {
  const eff = win.kernel.map((k, i) => dilated(k, win.dilations[i]));
  return [
    attr.ints('kernel_shape', win.kernel),
    attr.ints('strides', win.strides),
    attr.ints('dilations', win.dilations),
    attr.int('group', group),
    ...padAttrs(ctx, x.shape, eff, win.strides, win.padding),
  ];
}

function outShape(x: Value, win: Window, channels: number): Dim[] {
  const eff = win.kernel.map((k, i) => dilated(k, win.dilations[i]));
  return [x.shape[0], windowOut(x.shape[1], eff[0], win.strides[0], win.padding), windowOut(x.shape[2], eff[1], win.strides[1], win.padding), channels];
}

/** Depthwise kernel (kh, kw, in, multiplier) → grouped-conv weight (in·multiplier, 1, kh, kw): output channel c·m + j. */
function depthwiseWeight(ctx: OpContext, k: Weight, cin: Dim): { name: string; out: number } {
  if (k.shape.length !== 4) ctx.fail(`depthwise kernel has shape [${k.shape}], expected 4 dimensions`);
  const [kh, kw, ci, m] = k.shape;
  if (cin !== null && ci !== cin) ctx.fail(`depthwise kernel expects ${ci} input channels, the input has ${cin}`);
  const p = permute(k.data, k.shape, [2, 3, 0, 1]);
  return { name: ctx.b.constF(`${ctx.base}/depthwise_kernel`, [ci * m, 1, kh, kw], p.data), out: ci * m };
}

export const convOps: OpHandler[] = [
  {
    classes: ['Conv2D'],
    convert: (ctx) => {
      const x = imageInput(ctx);
      const k = ctx.w('kernel');
      const groups = ctx.cfg.num('groups');
      if (k.shape.length !== 4) ctx.fail(`kernel has shape [${k.shape}], expected 4 dimensions`);
      const [kh, kw, ci, co] = k.shape;
      const cin = x.shape[3];
      if (cin !== null && ci * groups !== cin) ctx.fail(`kernel expects ${ci * groups} input channels, the input has ${cin}`);
      const win = window(ctx, [kh, kw]);
      const w = permute(k.data, k.shape, [3, 2, 0, 1]);
      const name = ctx.b.op(`${ctx.base}/conv`, 'Conv', [x.name, ctx.b.constF(`${ctx.base}/kernel`, w.shape, w.data), ...bias(ctx, co)], convAttrs(ctx, x, win, groups));
      return fusedActivation(ctx, { name, shape: outShape(x, win, co) });
    },
  },
  {
    classes: ['DepthwiseConv2D'],
    convert: (ctx) => {
      const x = imageInput(ctx);
      const k = ctx.w('depthwise_kernel');
      const win = window(ctx, [k.shape[0], k.shape[1]]);
      const dw = depthwiseWeight(ctx, k, x.shape[3]);
      const name = ctx.b.op(`${ctx.base}/conv`, 'Conv', [x.name, dw.name, ...bias(ctx, dw.out)], convAttrs(ctx, x, win, k.shape[2]));
      return fusedActivation(ctx, { name, shape: outShape(x, win, dw.out) });
    },
  },
  {
    classes: ['SeparableConv2D'],
    convert: (ctx) => {
      // Depthwise (with the layer's strides, dilation and padding) then a 1×1 pointwise convolution.
      const x = imageInput(ctx);
      const k = ctx.w('depthwise_kernel');
      const pw = ctx.w('pointwise_kernel');
      const win = window(ctx, [k.shape[0], k.shape[1]]);
      const dw = depthwiseWeight(ctx, k, x.shape[3]);
      const mid = ctx.b.op(`${ctx.base}/depthwise`, 'Conv', [x.name, dw.name], convAttrs(ctx, x, win, k.shape[2]));
      expectShape(ctx, 'pointwise kernel', pw, [1, 1, dw.out, null]);
      const co = pw.shape[3];
      const pwW = permute(pw.data, pw.shape, [3, 2, 0, 1]);
      const name = ctx.b.op(`${ctx.base}/pointwise`, 'Conv', [mid, ctx.b.constF(`${ctx.base}/pointwise_kernel`, pwW.shape, pwW.data), ...bias(ctx, co)], [attr.ints('kernel_shape', [1, 1])]);
      return fusedActivation(ctx, { name, shape: outShape(x, win, co) });
    },
  },
  {
    classes: ['Conv2DTranspose'],
    convert: (ctx) => {
      const x = imageInput(ctx);
      const k = ctx.w('kernel');
      if (k.shape.length !== 4) ctx.fail(`kernel has shape [${k.shape}], expected 4 dimensions`);
      // Keras stores (kh, kw, out, in); ONNX ConvTranspose wants (in, out, kh, kw).
      const [kh, kw, co, ci] = k.shape;
      if (x.shape[3] !== null && ci !== x.shape[3]) ctx.fail(`kernel expects ${ci} input channels, the input has ${x.shape[3]}`);
      if (ctx.cfg.has('groups') && ctx.cfg.num('groups') !== 1) ctx.fail('grouped transposed convolution is not supported');
      const win = window(ctx, [kh, kw]);
      const outPad = ctx.cfg.has('output_padding') ? ctx.cfg.ints('output_padding', 2) : null;
      const pads = [0, 0, 0, 0];
      const extra = [0, 0];
      const out: Dim[] = [x.shape[0], null, null, co];
      for (let a = 0; a < 2; a++) {
        const s = win.strides[a];
        const eff = dilated(win.kernel[a], win.dilations[a]);
        // Output length as Keras computes it, relative to the input length `in`: O = in·s + delta.
        let delta: number;
        if (win.padding === 'valid') delta = outPad ? eff + outPad[a] - s : Math.max(eff, s) - s;
        else if (win.padding === 'same') delta = outPad ? (eff % 2) + outPad[a] - s : 0;
        else return ctx.fail(`padding '${win.padding}' is not supported (valid or same)`);
        // The full transposed convolution has (in − 1)·s + eff values; TensorFlow crops its
        // "same" padding from it (the smaller half at the start) and appends zeros when short.
        const surplus = eff - s - delta;
        const start = win.padding === 'same' ? Math.floor(Math.max(surplus, 0) / 2) : 0;
        const end = surplus - start;
        pads[a] = start;
        if (end >= 0) pads[a + 2] = end;
        else extra[a] = -end;
        const size = x.shape[1 + a];
        out[1 + a] = size === null ? null : size * s + delta;
      }
      const w = permute(k.data, k.shape, [3, 2, 0, 1]);
      const attrs = [attr.ints('kernel_shape', win.kernel), attr.ints('strides', win.strides), attr.ints('dilations', win.dilations), attr.ints('pads', pads)];
      if (extra[0] || extra[1]) attrs.push(attr.ints('output_padding', extra));
      const name = ctx.b.op(`${ctx.base}/deconv`, 'ConvTranspose', [x.name, ctx.b.constF(`${ctx.base}/kernel`, w.shape, w.data), ...bias(ctx, co)], attrs);
      return fusedActivation(ctx, { name, shape: out });
    },
  },
];
