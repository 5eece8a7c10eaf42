// What a layer handler works with: the layer, its input tensors and their nominal shapes, the
// names of its output tensors, its parameters with caffe.proto's defaults (from layers.ts), its
// learned blobs checked against the shapes the prototxt implies, and the graph to add nodes to.
// The shape helpers the domain files share sit here too.
import { floatsOf, rawFloatBytes } from '../../../formats/protobuf/wire';
import type { GraphBuilder } from '../../../onnx/graph-builder';
import { layerInfo, type CaffeLayerType, type ParamDefault } from '../layers';
import { blobData, blobShape, type CaffeLayer } from '../net';
import type { BlobProto } from '../schema';

export class CaffeConvertError extends Error {}

/** Converts one layer: adds its nodes to `ctx.g` and returns the nominal shape of each output. */
export type LayerHandler = (ctx: LayerContext) => number[][];

/** Handlers of one domain file, keyed by the Caffe layer type they convert. */
export type LayerHandlers = Partial<Record<CaffeLayerType, LayerHandler>>;

/** A layer's learned blob: its raw float32 bytes, and the values when a conversion needs them. */
export interface Weights {
  bytes: Uint8Array;
  floats: () => Float32Array;
}

export const fmt = (s: number[]) => (s.length ? s.join('×') : 'scalar');
export const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const stripOnes = (s: number[]) => {
  let i = 0;
  while (i < s.length && s[i] === 1) i++;
  return s.slice(i);
};
const bytesOf = (f: Float32Array) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength);

/** Shape of a per-channel parameter `dims` broadcast against an input of rank `rank` from `axis`. */
export const bcast = (dims: number[], axis: number, rank: number) => [...dims, ...new Array(Math.max(0, rank - axis - dims.length)).fill(1)];

/**
 * A layer's parameter message read with caffe.proto's defaults. Handlers ask for a field by name;
 * a field the file leaves out takes the default from layers.ts.
 */
export class LayerParams {
  constructor(
    private readonly values: Record<string, unknown>,
    private readonly defaults: Record<string, ParamDefault>,
    /** The message's name, e.g. 'lrn_param', for messages. */
    readonly message: string,
  ) {}

  /** The number the file gives, or undefined (no default): fields such as num_output or kernel_h. */
  given(key: string): number | undefined {
    const v = this.values[key];
    return typeof v === 'number' ? v : undefined;
  }
  num(key: string): number {
    return this.given(key) ?? (this.default(key, 'number') as number);
  }
  bool(key: string): boolean {
    const v = this.values[key];
    return typeof v === 'boolean' ? v : (this.default(key, 'boolean') as boolean);
  }
  /** An enum value by name (or a string field). */
  str(key: string): string {
    const v = this.values[key];
    return typeof v === 'string' ? v : (this.default(key, 'string') as string);
  }
  /** A repeated number field as given; when the file gives none, the default as one value, or []. */
  nums(key: string): number[] {
    const v = this.values[key];
    if (Array.isArray(v) && v.length > 0) return v as number[];
    const d = this.defaults[key];
    return typeof d === 'number' ? [d] : [];
  }
  /** A nested message field as parsed (e.g. reshape_param.shape). */
  nested<T>(key: string): T | undefined {
    return this.values[key] as T | undefined;
  }

  private default(key: string, kind: 'number' | 'boolean' | 'string'): ParamDefault {
    const d = this.defaults[key];
    // A handler asking for a field layers.ts gives no default is a converter bug, not bad input.
    if (typeof d !== kind) throw new Error(`Caffe layer metadata has no ${kind} default for ${this.message}.${key}`);
    return d;
  }
}

/** The parameters of `layer` (its message named in layers.ts, e.g. lrn_param) with their defaults. */
export function layerParams(layer: CaffeLayer): LayerParams {
  const info = layerInfo(layer.type);
  const values = info?.params ? layer.raw[info.params] : undefined;
  return new LayerParams(
    typeof values === 'object' && values !== null ? (values as Record<string, unknown>) : {},
    info?.defaults ?? {},
    info?.params ?? `${layer.type} parameters`,
  );
}

export interface LayerSetup {
  layer: CaffeLayer;
  g: GraphBuilder;
  /** Input tensors, one per bottom, and their nominal shapes. */
  inputs: string[];
  shapes: number[][];
  /** Output tensors, one per top. */
  outputs: string[];
  params: LayerParams;
  /** The layer's blobs from the caffemodel (matched by layer name), if it has any there. */
  blobs: BlobProto[] | undefined;
  /** "net.prototxt: layer 'conv1' (line 8) (Convolution)", the start of every error message. */
  where: string;
  caffemodelName: string;
}

export class LayerContext {
  readonly layer: CaffeLayer;
  readonly g: GraphBuilder;
  readonly inputs: string[];
  readonly shapes: number[][];
  readonly outputs: string[];
  /** The first output tensor (the only one for single-top layers). */
  readonly out: string;
  readonly params: LayerParams;

  constructor(private readonly setup: LayerSetup) {
    this.layer = setup.layer;
    this.g = setup.g;
    this.inputs = setup.inputs;
    this.shapes = setup.shapes;
    this.outputs = setup.outputs;
    this.out = setup.outputs[0];
    this.params = setup.params;
  }

  /** Fails the conversion with a message naming the file, layer, line and type. */
  err(message: string): never {
    throw new CaffeConvertError(`${this.setup.where}: ${message}`);
  }
  /** Base name for a helper tensor of this layer ("conv1/weights"); GraphBuilder makes it unique. */
  tmp(what: string): string {
    return `${this.layer.name}/${what}`;
  }
  needInputs(n: number): void {
    if (this.inputs.length < n) this.err(`needs ${n} input${n > 1 ? 's' : ''}, has ${this.inputs.length}`);
  }
  /** Normalises a possibly negative axis for an input of rank `rank`. */
  axis(axis: number, rank: number): number {
    const a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) this.err(`axis ${axis} is out of range for a ${rank}-D input`);
    return a;
  }

  /** Learned blob `index`, checked against the shape the prototxt implies (leading 1s aside). */
  blob(index: number, what: string, expected: number[]): Weights {
    const { blobs, caffemodelName: file } = this.setup;
    if (!blobs) this.err(`no weights for this layer in ${file} (expected ${what} of shape ${fmt(expected)})`);
    const b = blobs[index];
    if (!b) this.err(`${file} has ${blobs.length} blob(s) for this layer; ${what} (blob ${index}, shape ${fmt(expected)}) is missing`);
    const shape = blobShape(b);
    // Float data stays the file's bytes (no copy); double_data is converted.
    const bytes = rawFloatBytes(b, 'data') ?? bytesOf(blobData(b));
    const count = bytes.length / 4;
    const a = stripOnes(shape);
    const e = stripOnes(expected);
    if (count !== prod(expected) || a.length !== e.length || a.some((d, k) => d !== e[k])) {
      this.err(`${what} blob in ${file} is ${fmt(shape)} (${count} values), but the prototxt needs ${fmt(expected)}`);
    }
    if (prod(shape) !== count) this.err(`${what} in ${file} declares shape ${fmt(shape)} but holds ${count} values`);
    return { bytes, floats: () => floatsOf(bytes) };
  }
}
