// Reshaping: ZeroPadding2D, Cropping2D, UpSampling2D, Flatten, Reshape, Permute, RepeatVector.
// Flatten and Reshape work in Keras's NHWC order (it decides which value lands where, and so what
// the next Dense layer's kernel rows mean), so image tensors are brought to it first.
import { attr } from '../../../onnx/graph-builder';
import type { Json } from '../config';
import { imageInput } from './conv';
import { fromKerasOrder, inKerasOrder, known, toGraphPerm, toKerasPerm, type Dim, type OpContext, type OpHandler, type Value } from './types';

/** ZeroPadding2D / Cropping2D amounts: n, [h, w] or [[top, bottom], [left, right]]. */
function amounts(ctx: OpContext, key: string): [[number, number], [number, number]] {
  const v: Json = ctx.cfg.get(key);
  const isInt = (x: Json): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  if (isInt(v)) return [[v, v], [v, v]];
  if (Array.isArray(v) && v.length === 2) {
    if (isInt(v[0]) && isInt(v[1])) return [[v[0], v[0]], [v[1], v[1]]];
    const [h, w] = v;
    if (Array.isArray(h) && Array.isArray(w) && h.length === 2 && w.length === 2 && [...h, ...w].every(isInt)) {
      return [[h[0] as number, h[1] as number], [w[0] as number, w[1] as number]];
    }
  }
  return ctx.fail(`${key} ${JSON.stringify(v)} is not n, [h, w] or [[top, bottom], [left, right]]`);
}

const plus = (d: Dim, n: number): Dim => (d === null ? null : d + n);

export const reshapingOps: OpHandler[] = [
  {
    classes: ['ZeroPadding2D'],
    convert: (ctx): Value => {
      const x = imageInput(ctx);
      const [[t, bo], [l, r]] = amounts(ctx, 'padding');
      const pads = ctx.b.constI(`${ctx.base}/pads`, [0, 0, t, l, 0, 0, bo, r]);
      return { name: ctx.b.op(`${ctx.base}/pad`, 'Pad', [x.name, pads]), shape: [x.shape[0], plus(x.shape[1], t + bo), plus(x.shape[2], l + r), x.shape[3]] };
    },
  },
  {
    classes: ['Cropping2D'],
    convert: (ctx): Value => {
      const x = imageInput(ctx);
      const [[t, bo], [l, r]] = amounts(ctx, 'cropping');
      const end = (n: number) => (n === 0 ? Number.MAX_SAFE_INTEGER : -n);
      const { b } = ctx;
      const name = b.op(`${ctx.base}/crop`, 'Slice', [x.name, b.constI(`${ctx.base}/starts`, [t, l]), b.constI(`${ctx.base}/ends`, [end(bo), end(r)]), b.constI(`${ctx.base}/axes`, [2, 3])]);
      return { name, shape: [x.shape[0], plus(x.shape[1], -t - bo), plus(x.shape[2], -l - r), x.shape[3]] };
    },
  },
  {
    classes: ['UpSampling2D'],
    convert: (ctx): Value => {
      const x = imageInput(ctx);
      const [sh, sw] = ctx.cfg.ints('size', 2);
      const mode = ctx.cfg.str('interpolation');
      const attrs = [];
      if (mode === 'nearest') {
        attrs.push(attr.string('mode', 'nearest'), attr.string('coordinate_transformation_mode', 'asymmetric'), attr.string('nearest_mode', 'floor'));
      } else if (mode === 'bilinear') {
        // TF 2 (tf.keras ≥ 2.4, Keras 3) resizes with half-pixel centres; TF 1 era Keras and
        // TF.js with the corner-aligned ("asymmetric") grid.
        const v = ctx.keras;
        const halfPixel = !v.tfjs && (v.major >= 3 || (v.major === 2 && (v.minor >= 4 || v.version.endsWith('-tf'))));
        attrs.push(attr.string('mode', 'linear'), attr.string('coordinate_transformation_mode', halfPixel ? 'half_pixel' : 'asymmetric'));
        ctx.note(`${ctx.layer.name}: bilinear upsampling with ${halfPixel ? 'half-pixel centres (TensorFlow 2)' : 'corner-aligned sampling (TensorFlow 1 / TF.js)'}, as Keras ${v.version || '(unknown version)'} computes it`);
      } else {
        ctx.fail(`interpolation '${mode}' is not supported (nearest or bilinear)`);
      }
      const scales = ctx.b.constF(`${ctx.base}/scales`, [4], [1, 1, sh, sw]);
      const name = ctx.b.op(`${ctx.base}/resize`, 'Resize', [x.name, '', scales], attrs);
      return { name, shape: [x.shape[0], x.shape[1] === null ? null : x.shape[1] * sh, x.shape[2] === null ? null : x.shape[2] * sw, x.shape[3]] };
    },
  },
  {
    classes: ['Flatten'],
    convert: (ctx): Value => {
      const x = ctx.inputs[0];
      if (ctx.cfg.get('data_format') === 'channels_first') ctx.fail('data_format channels_first is not supported');
      if (x.shape.length <= 2) return x;
      const name = ctx.b.op(`${ctx.base}/flatten`, 'Flatten', [inKerasOrder(ctx, x)], [attr.int('axis', 1)]);
      return { name, shape: [x.shape[0], known(x.shape.slice(1))] };
    },
  },
  {
    classes: ['Reshape'],
    convert: (ctx): Value => {
      const x = ctx.inputs[0];
      const target = ctx.cfg.intList('target_shape');
      if (target.filter((d) => d === -1).length > 1 || target.some((d) => d === 0 || d < -1)) ctx.fail(`target_shape ${JSON.stringify(target)} is not valid`);
      const total = known(x.shape.slice(1));
      const fixed = target.filter((d) => d > 0).reduce((p, q) => p * q, 1);
      if (total !== null && !target.includes(-1) && fixed !== total) ctx.fail(`cannot reshape ${total} values to ${JSON.stringify(target)}`);
      const shape: Dim[] = [x.shape[0], ...target.map((d) => (d === -1 ? (total === null ? null : total / fixed) : d))];
      const reshaped = ctx.b.op(`${ctx.base}/reshape`, 'Reshape', [inKerasOrder(ctx, x), ctx.b.constI(`${ctx.base}/shape`, [0, ...target])]);
      return { name: fromKerasOrder(ctx, reshaped, shape.length), shape };
    },
  },
  {
    classes: ['Permute'],
    convert: (ctx): Value => {
      const x = ctx.inputs[0];
      const rank = x.shape.length;
      const dims = ctx.cfg.intList('dims');
      const d = [0, ...dims];
      if (d.length !== rank || [...d].sort((a, b) => a - b).some((v, i) => v !== i)) ctx.fail(`dims ${JSON.stringify(dims)} is not a permutation of 1…${rank - 1}`);
      const shape = d.map((i) => x.shape[i]);
      // One Transpose from the input's graph order to the output's: output graph axis i holds
      // Keras output axis P[i], which is Keras input axis d[P[i]], held at graph axis K[d[P[i]]].
      const P = toGraphPerm(rank);
      const K = toKerasPerm(rank);
      const perm = P.map((k) => K[d[k]]);
      if (perm.every((p, i) => p === i)) return { name: x.name, shape };
      return { name: ctx.b.op(`${ctx.base}/transpose`, 'Transpose', [x.name], [attr.ints('perm', perm)]), shape };
    },
  },
  {
    classes: ['RepeatVector'],
    convert: (ctx): Value => {
      const x = ctx.inputs[0];
      if (x.shape.length !== 2) ctx.fail(`expects a vector input (batch, features), got rank ${x.shape.length}`);
      const n = ctx.cfg.num('n');
      const { b } = ctx;
      const expanded = b.op(`${ctx.base}/unsqueeze`, 'Unsqueeze', [x.name, b.constI(`${ctx.base}/axis`, [1])]);
      return { name: b.op(`${ctx.base}/tile`, 'Tile', [expanded, b.constI(`${ctx.base}/repeats`, [1, n, 1])]), shape: [x.shape[0], n, x.shape[1]] };
    },
  },
];
