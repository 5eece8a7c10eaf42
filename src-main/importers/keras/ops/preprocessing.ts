// Preprocessing layers kept in the model: Rescaling (x·scale + offset) and Normalization
// ((x − mean) / max(√variance, 1e-7), or its inverse), with statistics from the config or the file.
import type { Json } from '../config';
import { axisConst, known, type OpContext, type OpHandler, type Value } from './types';

/** Keras's backend epsilon, the floor of Normalization's standard deviation. */
const EPSILON = 1e-7;

/** A scalar or a per-channel list (broadcast along the last axis), as a constant for `x`. */
function broadcastable(ctx: OpContext, name: string, v: Json, x: Value): string {
  if (typeof v === 'number') return ctx.b.constF(`${ctx.base}/${name}`, [], [v]);
  if (Array.isArray(v) && v.every((e) => typeof e === 'number')) {
    const data = Float32Array.from(v as number[]);
    return axisConst(ctx, name, data, x.shape.length, [-1], [data.length]);
  }
  return ctx.fail(`${name} ${JSON.stringify(v)?.slice(0, 60)} is not a number or a list of numbers`);
}

/** Flattens nested lists of numbers (statistics given in the config). */
function numbers(ctx: OpContext, key: string, v: Json): Float32Array {
  const out: number[] = [];
  const walk = (e: Json) => {
    if (typeof e === 'number') out.push(e);
    else if (Array.isArray(e)) e.forEach(walk);
    else ctx.fail(`${key} must hold numbers`);
  };
  walk(v);
  return Float32Array.from(out);
}

export const preprocessingOps: OpHandler[] = [
  {
    classes: ['Rescaling'],
    convert: (ctx): Value => {
      const x = ctx.inputs[0];
      const scaled = ctx.b.op(`${ctx.base}/scaled`, 'Mul', [x.name, broadcastable(ctx, 'scale', ctx.cfg.get('scale'), x)]);
      return { name: ctx.b.op(`${ctx.base}/offset`, 'Add', [scaled, broadcastable(ctx, 'offset', ctx.cfg.get('offset'), x)]), shape: x.shape };
    },
  },
  {
    classes: ['Normalization'],
    convert: (ctx): Value => {
      const x = ctx.inputs[0];
      const rank = x.shape.length;
      const fromConfig = ctx.cfg.get('mean') !== null;
      const mean = fromConfig ? numbers(ctx, 'mean', ctx.cfg.get('mean')) : ctx.w('mean').data;
      const variance = fromConfig ? numbers(ctx, 'variance', ctx.cfg.get('variance')) : ctx.w('variance').data;
      if (mean.length !== variance.length) ctx.fail(`mean has ${mean.length} values, variance ${variance.length}`);
      const axisRaw = ctx.cfg.get('axis');
      const axes = axisRaw === null ? [] : ctx.cfg.intList('axis').map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
      const sizes = axes.map((a) => x.shape[a]);
      const n = mean.length;
      const expected = known(sizes);
      const scalar = n === 1;
      if (!scalar && expected !== null && expected !== n) ctx.fail(`mean has ${n} values, the kept axes hold ${expected}`);
      const std = new Float32Array(n);
      for (let i = 0; i < n; i++) std[i] = Math.max(Math.sqrt(variance[i]), EPSILON);
      const constant = (name: string, data: Float32Array) =>
        scalar ? ctx.b.constF(`${ctx.base}/${name}`, [], data) : axisConst(ctx, name, data, rank, axes, sizes as number[]);
      const { b } = ctx;
      if (ctx.cfg.bool('invert')) {
        const scaled = b.op(`${ctx.base}/scaled`, 'Mul', [x.name, constant('std', std)]);
        return { name: b.op(`${ctx.base}/shifted`, 'Add', [scaled, constant('mean', mean)]), shape: x.shape };
      }
      const centred = b.op(`${ctx.base}/centred`, 'Sub', [x.name, constant('mean', mean)]);
      return { name: b.op(`${ctx.base}/normalised`, 'Div', [centred, constant('std', std)]), shape: x.shape };
    },
  },
];
