// Layers that move or copy values without computing new ones: Concat, Slice, Split, Flatten,
// Reshape, Permute, Crop, Dropout. Where a shape depends on the input size, the ONNX graph reads it
// at run time so fully convolutional nets keep working at any size.
import { attr } from '../../../onnx/graph-builder';
import { fmt, prod, type LayerContext, type LayerHandlers } from './context';

/** An axis given by `key`, or by its deprecated unsigned name (`concat_dim`, `slice_dim`) when not. */
function axisOrLegacy(ctx: LayerContext, key: string, legacy: string): number {
  const p = ctx.params;
  return ctx.axis(p.given(key) ?? p.num(legacy), ctx.shapes[0].length);
}

function concat(ctx: LayerContext): number[][] {
  const axis = axisOrLegacy(ctx, 'axis', 'concat_dim');
  ctx.g.add('Concat', ctx.inputs, [ctx.out], [attr.int('axis', axis)]);
  const s = [...ctx.shapes[0]];
  s[axis] = ctx.shapes.reduce((a, sh) => a + sh[axis], 0);
  return [s];
}

function slice(ctx: LayerContext): number[][] {
  const x = ctx.shapes[0];
  const axis = axisOrLegacy(ctx, 'axis', 'slice_dim');
  const points = ctx.params.nums('slice_point');
  const n = ctx.layer.tops.length;
  let sizes: number[];
  if (points.length > 0) {
    if (points.length !== n - 1) ctx.err(`has ${points.length} slice points for ${n} tops`);
    const b = [0, ...points, x[axis]];
    sizes = b.slice(1).map((e, i) => e - b[i]);
    if (sizes.some((s) => s <= 0)) ctx.err(`slice points ${points.join(', ')} do not fit an axis of size ${x[axis]}`);
  } else {
    if (x[axis] % n !== 0) ctx.err(`cannot split an axis of size ${x[axis]} into ${n} equal parts`);
    sizes = new Array(n).fill(x[axis] / n);
  }
  ctx.g.add('Split', [ctx.inputs[0], ctx.g.constI(ctx.tmp('sizes'), sizes)], ctx.outputs, [attr.int('axis', axis)]);
  return sizes.map((s) => x.map((d, i) => (i === axis ? s : d)));
}

/** Every top is the input: one Identity each, so every top has a tensor of its own. */
function split(ctx: LayerContext): number[][] {
  ctx.outputs.forEach((out) => ctx.g.add('Identity', [ctx.inputs[0]], [out]));
  return ctx.outputs.map(() => ctx.shapes[0]);
}

function flatten(ctx: LayerContext): number[][] {
  const x = ctx.shapes[0];
  const axis = ctx.axis(ctx.params.num('axis'), x.length);
  const end = ctx.axis(ctx.params.num('end_axis'), x.length);
  const s = [...x.slice(0, axis), prod(x.slice(axis, end + 1)), ...x.slice(end + 1)];
  if (axis === 1 && end === x.length - 1) ctx.g.add('Flatten', [ctx.inputs[0]], [ctx.out], [attr.int('axis', 1)]);
  else ctx.g.add('Reshape', [ctx.inputs[0], ctx.g.constI(ctx.tmp('shape'), s.map((d, i) => (i === 0 ? (axis === 0 ? -1 : 0) : d)))], [ctx.out]);
  return [s];
}

function reshape(ctx: LayerContext): number[][] {
  const p = ctx.params;
  const x = ctx.shapes[0];
  const dims = (p.nested<{ dim?: number[] }>('shape')?.dim ?? []).slice();
  const axis = p.num('axis');
  const a = axis < 0 ? x.length + 1 + axis : axis;
  const na = p.num('num_axes');
  const end = na === -1 ? x.length : a + na;
  if (a < 0 || a > x.length || end > x.length) ctx.err('axis / num_axes are out of range for the input');
  // Resolve 0 (copy) and −1 (infer) against the nominal shape.
  const mid = dims.map((d, i) => (d === 0 ? x[a + i] : d));
  const full = [...x.slice(0, a), ...mid, ...x.slice(end)];
  const known = full.filter((d) => d !== -1);
  if (full.filter((d) => d === -1).length > 1) ctx.err('more than one -1 in reshape_param.shape');
  const resolved = full.map((d) => (d === -1 ? prod(x) / prod(known) : d));
  if (prod(resolved) !== prod(x) || resolved.some((d) => !Number.isInteger(d))) ctx.err(`cannot reshape ${fmt(x)} to ${fmt(full)}`);
  // Batch stays dynamic: copy dim 0 where it is kept, infer it where Caffe names it explicitly
  // (an explicit value is only the batch at the nominal size) unless another dim is inferred.
  const spec = full.map((d, i) => {
    if (i > 0) return d;
    if (a > 0 || dims[0] === 0) return 0;
    return full.slice(1).includes(-1) ? d : -1;
  });
  ctx.g.add('Reshape', [ctx.inputs[0], ctx.g.constI(ctx.tmp('shape'), spec)], [ctx.out]);
  return [resolved];
}

function permute(ctx: LayerContext): number[][] {
  const x = ctx.shapes[0];
  const order = ctx.params.nums('order');
  // Axes the order leaves out follow in their own order.
  const perm = [...order];
  for (let i = 0; i < x.length; i++) if (!perm.includes(i)) perm.push(i);
  if (perm.length !== x.length || perm.some((v) => v >= x.length)) ctx.err(`order ${order.join(',')} does not fit a ${x.length}-D input`);
  ctx.g.add('Transpose', [ctx.inputs[0]], [ctx.out], [attr.ints('perm', perm)]);
  return [perm.map((i) => x[i])];
}

/** Crops the first bottom to the size of the second from `axis` on, at the given offsets. */
function crop(ctx: LayerContext): number[][] {
  const { g } = ctx;
  const [x, ref] = ctx.shapes;
  const axis = ctx.axis(ctx.params.num('axis'), x.length);
  const off = ctx.params.nums('offset');
  const count = x.length - axis;
  if (off.length > 1 && off.length !== count) ctx.err(`has ${off.length} offsets for ${count} cropped axes`);
  // One offset applies to every cropped axis.
  const offsets = Array.from({ length: count }, (_, i) => (off.length === 1 ? off[0] : off[i]));
  const axes = Array.from({ length: count }, (_, i) => axis + i);
  offsets.forEach((o, i) => {
    if (o + ref[axis + i] > x[axis + i]) ctx.err(`cropping ${ref[axis + i]} from ${x[axis + i]} at offset ${o} leaves the input`);
  });
  // Ends follow the reference's runtime shape, so fully convolutional nets keep working.
  const refDims = g.op(ctx.tmp('ref_dims'), 'Slice', [
    g.op(ctx.tmp('ref_shape'), 'Shape', [ctx.inputs[1]]),
    g.constI(ctx.tmp('r0'), [axis]),
    g.constI(ctx.tmp('r1'), [x.length]),
  ]);
  const ends = g.op(ctx.tmp('ends'), 'Add', [refDims, g.constI(ctx.tmp('offsets'), offsets)]);
  g.add('Slice', [ctx.inputs[0], g.constI(ctx.tmp('starts'), offsets), ends, g.constI(ctx.tmp('axes'), axes)], [ctx.out]);
  return [x.map((d, i) => (i < axis ? d : ref[i]))];
}

/** Dropout only acts in training: the identity at inference. */
function dropout(ctx: LayerContext): number[][] {
  ctx.g.add('Identity', [ctx.inputs[0]], [ctx.out]);
  return [ctx.shapes[0]];
}

export const tensorOps: LayerHandlers = {
  Concat: concat,
  Slice: slice,
  Split: split,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  Crop: crop,
  Dropout: dropout,
};
