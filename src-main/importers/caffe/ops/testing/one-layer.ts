// Runs one layer handler alone: a graph of just that layer (no prototxt, no convertNet), executed
// with onnxruntime. Tests compute the expected values from Caffe's definitions.
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../../../../onnx/graph-builder';
import { DataType } from '../../../../onnx/proto';
import { encodeOnnx } from '../../../../onnx/writer';
import { layerInfo } from '../../layers';
import type { CaffeLayer } from '../../net';
import type { BlobProto } from '../../schema';
import { LayerContext, layerParams } from '../context';
import { handlerFor } from '../index';

/** The comparison the op tests apply to what comes out (shared with the other importers' tests). */
export { relError } from '../../../../onnx/testing/run-graph';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export interface OneLayer {
  /** Caffe layer type, e.g. 'LRN'. */
  type: string;
  /** The fields of the layer's parameter message (the one layers.ts names, e.g. lrn_param). */
  params?: Record<string, unknown>;
  inputs: Tensor[];
  /** Learned blobs in Caffe's order. */
  blobs?: Tensor[];
  /** Number of tops (default 1). */
  tops?: number;
}

export interface OneLayerResult {
  /** Nominal output shapes the handler reported. */
  shapes: number[][];
  /** What onnxruntime computed, one per top. */
  outputs: Tensor[];
  /** ONNX operator types the handler added, in order. */
  ops: string[];
}

/** The handler's graph, built as convertNet would for a layer named 'layer'. */
export function buildOneLayer(spec: OneLayer): { g: GraphBuilder; shapes: number[][]; outputs: string[]; inputs: string[] } {
  const info = layerInfo(spec.type);
  const inputs = spec.inputs.map((_, i) => `x${i}`);
  const tops = Array.from({ length: spec.tops ?? 1 }, (_, i) => `y${i}`);
  const layer: CaffeLayer = {
    name: 'layer',
    type: spec.type,
    bottoms: inputs,
    tops,
    raw: info?.params && spec.params ? { [info.params]: spec.params } : {},
  };
  const g = new GraphBuilder();
  inputs.forEach((x) => g.reserve(x));
  const outputs = tops.length === 1 ? ['layer'] : tops.map((t) => g.unique(`layer/${t}`));
  if (tops.length === 1) g.reserve('layer');
  const blobs: BlobProto[] | undefined = spec.blobs?.map((b) => ({ shape: { dim: b.shape }, data: b.data }));
  const handler = handlerFor(spec.type);
  if (!handler) throw new Error(`no handler for ${spec.type}`);
  const ctx = new LayerContext({
    layer,
    g,
    inputs,
    shapes: spec.inputs.map((t) => t.shape),
    outputs,
    params: layerParams(layer),
    blobs,
    where: `layer 'layer' (${spec.type})`,
    caffemodelName: 'test.caffemodel',
  });
  return { g, shapes: handler(ctx), outputs, inputs };
}

export async function runOneLayer(spec: OneLayer): Promise<OneLayerResult> {
  const { g, shapes, outputs, inputs } = buildOneLayer(spec);
  const model = g.model({
    name: spec.type,
    producer: 'test',
    inputs: inputs.map((name, i) => ({
      name,
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: spec.inputs[i].shape.map((d) => ({ dimValue: d })) } } },
    })),
    outputs,
  });
  const session = await ort.InferenceSession.create(encodeOnnx(model));
  try {
    const feeds = Object.fromEntries(inputs.map((name, i) => [name, new ort.Tensor('float32', spec.inputs[i].data, spec.inputs[i].shape)]));
    const res = await session.run(feeds, outputs);
    return {
      shapes,
      outputs: outputs.map((o) => ({ shape: [...res[o].dims], data: Float32Array.from(res[o].data as Float32Array) })),
      ops: g.nodes.map((n) => n.opType),
    };
  } finally {
    await session.release();
  }
}

/** Index of element (n, c, h, w) in an N×C×H×W array. */
export const at4 = (shape: number[], n: number, c: number, h: number, w: number) => ((n * shape[1] + c) * shape[2] + h) * shape[3] + w;
