// Element-wise activations and Softmax: ReLU, PReLU, ELU, Sigmoid, TanH, AbsVal, BNLL, Softmax.
// Each output has its input's shape.
import { attr } from '../../../onnx/graph-builder';
import { bcast, type LayerContext, type LayerHandler, type LayerHandlers } from './context';

/** A layer that is one ONNX operator without attributes. */
const unary =
  (op: string): LayerHandler =>
  (ctx) => {
    ctx.g.add(op, [ctx.inputs[0]], [ctx.out]);
    return [ctx.shapes[0]];
  };

function relu(ctx: LayerContext): number[][] {
  const slope = ctx.params.num('negative_slope');
  ctx.g.add(slope === 0 ? 'Relu' : 'LeakyRelu', [ctx.inputs[0]], [ctx.out], slope === 0 ? [] : [attr.float('alpha', slope)]);
  return [ctx.shapes[0]];
}

function prelu(ctx: LayerContext): number[][] {
  const x = ctx.shapes[0];
  const shared = ctx.params.bool('channel_shared');
  const c = shared ? 1 : x[1];
  const slopes = ctx.blob(0, 'slopes', [c]).bytes;
  const dims = shared ? [1] : bcast([c], 1, x.length);
  ctx.g.add('PRelu', [ctx.inputs[0], ctx.g.constF(ctx.tmp('slopes'), dims, slopes)], [ctx.out]);
  return [x];
}

function elu(ctx: LayerContext): number[][] {
  ctx.g.add('Elu', [ctx.inputs[0]], [ctx.out], [attr.float('alpha', ctx.params.num('alpha'))]);
  return [ctx.shapes[0]];
}

function softmax(ctx: LayerContext): number[][] {
  const axis = ctx.axis(ctx.params.num('axis'), ctx.shapes[0].length);
  ctx.g.add('Softmax', [ctx.inputs[0]], [ctx.out], [attr.int('axis', axis)]);
  return [ctx.shapes[0]];
}

export const activationOps: LayerHandlers = {
  ReLU: relu,
  PReLU: prelu,
  ELU: elu,
  Sigmoid: unary('Sigmoid'),
  TanH: unary('Tanh'),
  AbsVal: unary('Abs'),
  // log(1 + exp(x)) is ONNX's Softplus.
  BNLL: unary('Softplus'),
  Softmax: softmax,
};
