// What a Keras layer handler receives and the layout helpers every handler shares.
//
// Layout: Keras computes in NHWC; the converted graph runs NCHW, the layout ONNX defines Conv and
// pooling in (an NHWC graph would need a Transpose around every convolution), and the one the
// app's panels read maps in. Every rank-4 tensor is held NCHW; every other rank in Keras's order.
// A Value carries the Keras shape, so handlers reason in Keras axes and map them with `axisOf`.
import { attr, type GraphBuilder } from '../../../onnx/graph-builder';
import type { KerasLayer } from '../config';
import type { Config } from '../layers';
import type { Weight } from '../weights';

export type Dim = number | null;

/** A tensor of the converted graph with its Keras shape (batch first, NHWC for images). */
export interface Value {
  name: string;
  shape: Dim[];
}

export interface KerasFlavour {
  /** The keras_version the file names ('2.0.5', '3.6.0', …), '' when unknown. */
  version: string;
  major: number;
  minor: number;
  /** A TF.js Layers model (its kernels follow TF.js's conventions where they differ). */
  tfjs: boolean;
}

export interface OpContext {
  b: GraphBuilder;
  layer: KerasLayer;
  /** The layer's config with the metadata's defaults. */
  cfg: Config;
  inputs: Value[];
  /** A variable of this layer (by its first name in the metadata); fails when the file lacks it. */
  w(name: string): Weight;
  keras: KerasFlavour;
  /** Prefix for helper tensors of this layer. */
  base: string;
  /** Throws an error naming the file and the layer. */
  fail(msg: string): never;
  /** A line for the user (a guess made, a layer left out at inference). */
  note(msg: string): void;
}

export interface OpHandler {
  /** Keras class names this handler converts (the metadata in layers.ts lists their defaults). */
  classes: readonly string[];
  convert(ctx: OpContext): Value;
}

/** Keras axis (negative counts from the end) → axis of the tensor as the graph holds it. */
export function axisOf(kerasAxis: number, rank: number): number {
  const a = kerasAxis < 0 ? kerasAxis + rank : kerasAxis;
  if (rank !== 4) return a;
  return [0, 2, 3, 1][a];
}

/** Permutation from the Keras order to the graph's order for a tensor of this rank. */
export const toGraphPerm = (rank: number): number[] => (rank === 4 ? [0, 3, 1, 2] : [...Array(rank).keys()]);
/** Permutation from the graph's order back to Keras's order. */
export const toKerasPerm = (rank: number): number[] => (rank === 4 ? [0, 2, 3, 1] : [...Array(rank).keys()]);

/** The tensor in Keras's axis order (a Transpose for rank-4 tensors). */
export function inKerasOrder(ctx: OpContext, v: Value): string {
  return v.shape.length === 4 ? ctx.b.op(`${ctx.base}/nhwc`, 'Transpose', [v.name], [attr.ints('perm', [0, 2, 3, 1])]) : v.name;
}

/** A tensor in Keras's axis order brought to the graph's order. */
export function fromKerasOrder(ctx: OpContext, name: string, rank: number): string {
  return rank === 4 ? ctx.b.op(`${ctx.base}/nchw`, 'Transpose', [name], [attr.ints('perm', [0, 3, 1, 2])]) : name;
}

/** Copies `data` (row-major, `shape`) into the axis order `perm` (out axis i = in axis perm[i]). */
export function permute(data: Float32Array, shape: number[], perm: number[]): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  if (perm.every((p, i) => p === i)) return { data, shape: outShape };
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i];
  }
  const strides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += strides[d];
      if (idx[d] < outShape[d]) break;
      src -= strides[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/**
 * A constant that broadcasts against a tensor of Keras rank `rank` along Keras `axes`: `values`
 * has the sizes of those axes (in Keras order); the result has the graph's axis order.
 */
export function axisConst(ctx: OpContext, name: string, values: Float32Array, rank: number, axes: number[], sizes: number[]): string {
  const norm = axes.map((a) => (a < 0 ? a + rank : a));
  const kerasShape = Array.from({ length: rank }, (_, i) => {
    const k = norm.indexOf(i);
    return k >= 0 ? sizes[k] : 1;
  });
  // `values` is ordered by the axes as listed; bring it to increasing axis order first.
  const order = [...norm.keys()].sort((a, b) => norm[a] - norm[b]);
  const sorted = permute(values, sizes, order).data;
  const g = permute(sorted, kerasShape, toGraphPerm(rank));
  return ctx.b.constF(`${ctx.base}/${name}`, g.shape, g.data);
}

/** Product of known dims, or null when one is unknown. */
export const known = (dims: Dim[]): number | null => (dims.some((d) => d === null) ? null : (dims as number[]).reduce((a, b) => a * b, 1));
