// Pooling: MaxPooling2D, AveragePooling2D (TensorFlow "same": extra pixel at the bottom/right,
// and average pooling divides by the pixels inside the image only), global pooling.
import { attr } from '../../../onnx/graph-builder';
import { imageInput, padAttrs, windowOut } from './conv';
import type { OpContext, OpHandler, Value } from './types';

function pool(op: 'MaxPool' | 'AveragePool') {
  return (ctx: OpContext): Value => {
    const x = imageInput(ctx);
    const size = ctx.cfg.ints('pool_size', 2);
    const strides = ctx.cfg.has('strides') ? ctx.cfg.ints('strides', 2) : size;
    const padding = ctx.cfg.str('padding').toLowerCase();
    const attrs = [attr.ints('kernel_shape', size), attr.ints('strides', strides), ...padAttrs(ctx, x.shape, size, strides, padding)];
    // count_include_pad = 0 (ONNX's default): padded pixels are not counted, as in TensorFlow.
    if (op === 'AveragePool') attrs.push(attr.int('count_include_pad', 0));
    const name = ctx.b.op(`${ctx.base}/pool`, op, [x.name], attrs);
    return { name, shape: [x.shape[0], windowOut(x.shape[1], size[0], strides[0], padding), windowOut(x.shape[2], size[1], strides[1], padding), x.shape[3]] };
  };
}

function globalPool(op: 'GlobalAveragePool' | 'GlobalMaxPool') {
  return (ctx: OpContext): Value => {
    const x = imageInput(ctx);
    const pooled = ctx.b.op(`${ctx.base}/pool`, op, [x.name]);
    if (ctx.cfg.bool('keepdims')) return { name: pooled, shape: [x.shape[0], 1, 1, x.shape[3]] };
    return { name: ctx.b.op(`${ctx.base}/flat`, 'Flatten', [pooled], [attr.int('axis', 1)]), shape: [x.shape[0], x.shape[3]] };
  };
}

export const poolingOps: OpHandler[] = [
  { classes: ['MaxPooling2D'], convert: pool('MaxPool') },
  { classes: ['AveragePooling2D'], convert: pool('AveragePool') },
  { classes: ['GlobalAveragePooling2D'], convert: globalPool('GlobalAveragePool') },
  { classes: ['GlobalMaxPooling2D'], convert: globalPool('GlobalMaxPool') },
];
