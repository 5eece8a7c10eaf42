// Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate.
import { attr } from '../../../onnx/graph-builder';
import { axisOf, type Dim, type OpContext, type OpHandler, type Value } from './types';

/** At least two inputs of one rank; the output shape is their broadcast. */
function merged(ctx: OpContext, min = 2): Dim[] {
  const xs = ctx.inputs;
  if (xs.length < min) ctx.fail(`needs at least ${min} inputs, got ${xs.length}`);
  const rank = xs[0].shape.length;
  if (xs.some((x) => x.shape.length !== rank)) ctx.fail(`inputs have different ranks (${xs.map((x) => x.shape.length).join(', ')})`);
  return xs[0].shape.map((_, i) => {
    const dims = xs.map((x) => x.shape[i]);
    if (dims.some((d) => d === null)) return null;
    return (dims as number[]).reduce((a, b) => Math.max(a, b));
  });
}

/** Folds the inputs pairwise with a binary op (Mul has no n-ary form). */
function fold(ctx: OpContext, op: string): string {
  let acc = ctx.inputs[0].name;
  for (let i = 1; i < ctx.inputs.length; i++) acc = ctx.b.op(`${ctx.base}/${op.toLowerCase()}`, op, [acc, ctx.inputs[i].name]);
  return acc;
}

const names = (ctx: OpContext) => ctx.inputs.map((x) => x.name);

export const mergeOps: OpHandler[] = [
  { classes: ['Add'], convert: (ctx): Value => ({ shape: merged(ctx), name: ctx.b.op(`${ctx.base}/sum`, 'Sum', names(ctx)) }) },
  {
    classes: ['Subtract'],
    convert: (ctx): Value => {
      const shape = merged(ctx);
      if (ctx.inputs.length !== 2) ctx.fail(`needs exactly 2 inputs, got ${ctx.inputs.length}`);
      return { shape, name: ctx.b.op(`${ctx.base}/sub`, 'Sub', names(ctx)) };
    },
  },
  { classes: ['Multiply'], convert: (ctx): Value => ({ shape: merged(ctx), name: fold(ctx, 'Mul') }) },
  {
    classes: ['Average'],
    convert: (ctx): Value => {
      const shape = merged(ctx);
      const sum = ctx.b.op(`${ctx.base}/sum`, 'Sum', names(ctx));
      return { shape, name: ctx.b.op(`${ctx.base}/mean`, 'Div', [sum, ctx.b.constF(`${ctx.base}/count`, [], [ctx.inputs.length])]) };
    },
  },
  { classes: ['Maximum'], convert: (ctx): Value => ({ shape: merged(ctx), name: ctx.b.op(`${ctx.base}/max`, 'Max', names(ctx)) }) },
  { classes: ['Minimum'], convert: (ctx): Value => ({ shape: merged(ctx), name: ctx.b.op(`${ctx.base}/min`, 'Min', names(ctx)) }) },
  {
    classes: ['Concatenate'],
    convert: (ctx): Value => {
      const xs = ctx.inputs;
      if (xs.length < 1) ctx.fail('needs inputs');
      const rank = xs[0].shape.length;
      if (xs.some((x) => x.shape.length !== rank)) ctx.fail(`inputs have different ranks (${xs.map((x) => x.shape.length).join(', ')})`);
      const a = ctx.cfg.num('axis');
      const k = a < 0 ? a + rank : a;
      if (k <= 0 || k >= rank) ctx.fail(`axis ${a} is outside the inputs' ${rank} dimensions (or the batch axis)`);
      const shape = xs[0].shape.map((d, i) => {
        if (i !== k) return d;
        const ds = xs.map((x) => x.shape[k]);
        return ds.some((v) => v === null) ? null : (ds as number[]).reduce((p, q) => p + q, 0);
      });
      return { shape, name: ctx.b.op(`${ctx.base}/concat`, 'Concat', names(ctx), [attr.int('axis', axisOf(k, rank))]) };
    },
  },
];
