// Normalisation: BatchNormalization (moving statistics, epsilon, center/scale flags) and
// LayerNormalization (over any axes; Keras 3's rms_scaling variant).
import { attr } from '../../../onnx/graph-builder';
import { axisConst, axisOf, known, type OpContext, type OpHandler, type Value } from './types';

const filled = (n: number, v: number) => new Float32Array(n).fill(v);

/** Keras axis list (int or list), normalised to non-negative and sorted. */
function axes(ctx: OpContext, rank: number): number[] {
  const list = ctx.cfg.intList('axis').map((a) => (a < 0 ? a + rank : a));
  if (list.some((a) => a <= 0 || a >= rank)) ctx.fail(`axis ${JSON.stringify(ctx.cfg.get('axis'))} is outside the input's ${rank} dimensions (or the batch axis)`);
  return [...new Set(list)].sort((a, b) => a - b);
}

function vector(ctx: OpContext, name: string, n: number): Float32Array {
  const w = ctx.w(name);
  if (w.data.length !== n) ctx.fail(`${name} has ${w.data.length} values, expected ${n}`);
  return w.data;
}

export const normalizationOps: OpHandler[] = [
  {
    classes: ['BatchNormalization'],
    convert: (ctx): Value => {
      const x = ctx.inputs[0];
      const rank = x.shape.length;
      if (ctx.cfg.has('renorm') && ctx.cfg.bool('renorm')) ctx.fail('batch renormalization (renorm=True) is not supported');
      const ax = axes(ctx, rank);
      if (ax.length !== 1) ctx.fail('batch normalization over several axes is not supported');
      const mean = ctx.w('moving_mean');
      const n = mean.data.length;
      const variance = vector(ctx, 'moving_variance', n);
      const gamma = ctx.cfg.bool('scale') ? vector(ctx, 'gamma', n) : filled(n, 1);
      const beta = ctx.cfg.bool('center') ? vector(ctx, 'beta', n) : filled(n, 0);
      const size = x.shape[ax[0]];
      if (size !== null && size !== n) ctx.fail(`moving_mean has ${n} values, the normalised axis has ${size}`);
      const eps = ctx.cfg.num('epsilon');
      const { b } = ctx;
      if (axisOf(ax[0], rank) === 1) {
        const name = b.op(`${ctx.base}/bn`, 'BatchNormalization', [
          x.name,
          b.constF(`${ctx.base}/gamma`, [n], gamma),
          b.constF(`${ctx.base}/beta`, [n], beta),
          b.constF(`${ctx.base}/moving_mean`, [n], mean.data),
          b.constF(`${ctx.base}/moving_variance`, [n], variance),
        ], [attr.float('epsilon', eps)]);
        return { name, shape: x.shape };
      }
      // Another axis: y = x·a + c with a = γ/√(σ² + ε), c = β − μ·a.
      const a = new Float32Array(n);
      const c = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        a[i] = gamma[i] / Math.sqrt(variance[i] + eps);
        c[i] = beta[i] - mean.data[i] * a[i];
      }
      const scaled = b.op(`${ctx.base}/scaled`, 'Mul', [x.name, axisConst(ctx, 'scale', a, rank, ax, [n])]);
      return { name: b.op(`${ctx.base}/shifted`, 'Add', [scaled, axisConst(ctx, 'shift', c, rank, ax, [n])]), shape: x.shape };
    },
  },
  {
    classes: ['LayerNormalization'],
    convert: (ctx): Value => {
      const x = ctx.inputs[0];
      const rank = x.shape.length;
      const ax = axes(ctx, rank);
      const sizes = ax.map((a) => x.shape[a]);
      const n = known(sizes) ?? ctx.fail('normalised axes must have a known size');
      const g = ax.map((a) => axisOf(a, rank));
      const { b } = ctx;
      const eps = b.constF(`${ctx.base}/epsilon`, [], [ctx.cfg.num('epsilon')]);
      const mean = b.op(`${ctx.base}/mean`, 'ReduceMean', [x.name], [attr.ints('axes', g), attr.int('keepdims', 1)]);
      const centred = b.op(`${ctx.base}/centred`, 'Sub', [x.name, mean]);
      const variance = b.op(`${ctx.base}/variance`, 'ReduceMean', [b.op(`${ctx.base}/square`, 'Mul', [centred, centred])], [attr.ints('axes', g), attr.int('keepdims', 1)]);
      const std = b.op(`${ctx.base}/std`, 'Sqrt', [b.op(`${ctx.base}/var_eps`, 'Add', [variance, eps])]);
      const rms = ctx.cfg.bool('rms_scaling');
      // rms_scaling scales x itself (not x − mean) by 1/√(var + ε), as Keras 3 computes it.
      let y = b.op(`${ctx.base}/normalised`, 'Div', [rms ? x.name : centred, std]);
      if (ctx.cfg.bool('scale') || rms) y = b.op(`${ctx.base}/scaled`, 'Mul', [y, axisConst(ctx, 'gamma', vector(ctx, 'gamma', n), rank, ax, sizes as number[])]);
      if (ctx.cfg.bool('center') && !rms) y = b.op(`${ctx.base}/shifted`, 'Add', [y, axisConst(ctx, 'beta', vector(ctx, 'beta', n), rank, ax, sizes as number[])]);
      return { name: y, shape: x.shape };
    },
  },
];
