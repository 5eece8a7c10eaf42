// Caffe net + weights → ONNX graph (opset 13). Every Caffe layer's output is its own tensor named
// after the layer (in-place layers included: "conv1" is the convolution, "relu1" the ReLU of it);
// layers with several tops name them "<layer>/<top>". Each layer type is converted by its handler
// in ops/ (nn, activation, math, tensor), with its parameters' defaults from layers.ts.
import { DataType, type ModelProto, type ValueInfoProto } from '../../onnx/proto';
import { GraphBuilder } from '../../onnx/graph-builder';
import { shapeProblem } from '../limits';
import { layerInfo } from './layers';
import { layerRef, type CaffeNet } from './net';
import { handlerFor, SUPPORTED_TYPES } from './ops';
import { CaffeConvertError, LayerContext, layerParams } from './ops/context';
import type { BlobProto } from './schema';

export { CaffeConvertError } from './ops/context';

export interface ConvertedLayer {
  /** Caffe layer name ("<layer>/<top>" for layers with several tops). */
  name: string;
  /** Caffe layer type (V2 name). */
  type: string;
  /** ONNX tensor holding the output. */
  tensor: string;
  /** Output shape at the prototxt's nominal input size, batch included. */
  shape: number[];
}

export interface ConvertedNet {
  model: ModelProto;
  layers: ConvertedLayer[];
  inputs: { name: string; shape: number[] }[];
  /** Graph outputs, the last layer's first. */
  outputs: string[];
}

export interface ConvertOptions {
  prototxtName: string;
  caffemodelName: string;
  onProgress?: (fraction: number) => void;
}

/** Converts a Caffe net with its weights (matched by layer name) to an ONNX model. */
export function convertNet(net: CaffeNet, weights: Map<string, BlobProto[]>, opts: ConvertOptions): ConvertedNet {
  const g = new GraphBuilder();
  const blobs = new Map<string, string>(); // Caffe blob name → current ONNX tensor
  const shapes = new Map<string, number[]>(); // tensor → nominal shape
  const layers: ConvertedLayer[] = [];
  const consumed = new Set<string>();

  const graphInputs: ValueInfoProto[] = [];
  const inputs: ConvertedNet['inputs'] = [];
  for (const inp of net.inputs) {
    const name = g.unique(inp.blob);
    blobs.set(inp.blob, name);
    shapes.set(name, inp.shape);
    inputs.push({ name, shape: inp.shape });
    // Batch is always dynamic; image inputs also take any height and width (fully convolutional
    // nets run at any size; others fail clearly in the runtime if fed the wrong size).
    const dims = inp.shape.map((d, i) =>
      i === 0 ? { dimParam: 'batch' } : inp.shape.length === 4 && i >= 2 ? { dimParam: i === 2 ? 'height' : 'width' } : { dimValue: d },
    );
    graphInputs.push({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims } } } });
  }
  // Layer names are the user's handles on tensors: reserve them before helper tensors are named.
  for (const l of net.layers) if (l.tops.length <= 1) g.reserve(l.name);

  net.layers.forEach((layer, index) => {
    const where = `${layerRef(opts.prototxtName, layer)} (${layer.type})`;
    const err: (m: string) => never = (m) => {
      throw new CaffeConvertError(`${where}: ${m}`);
    };
    const inputTensors = layer.bottoms.map((b) => blobs.get(b) ?? err(`its input '${b}' is not produced by any earlier layer`));
    inputTensors.forEach((t) => consumed.add(t));
    if (layer.tops.length === 0) err('it has no top');
    // A layer named like an input blob (legacy `input: "data"` + layer "data") gets "data_2".
    const single = inputs.some((i) => i.name === layer.name) ? g.unique(layer.name) : layer.name;
    const outputs = layer.tops.length === 1 ? [single] : layer.tops.map((t) => g.unique(`${layer.name}/${t}`));

    const handler = handlerFor(layer.type);
    if (!handler) err(`ConvScope cannot convert layers of type '${layer.type}' (supported: ${SUPPORTED_TYPES.join(', ')})`);
    const ctx = new LayerContext({
      layer,
      g,
      inputs: inputTensors,
      shapes: inputTensors.map((t) => shapes.get(t) as number[]),
      outputs,
      params: layerParams(layer),
      blobs: weights.get(layer.name),
      where,
      caffemodelName: opts.caffemodelName,
    });
    ctx.needInputs(layerInfo(layer.type)?.bottoms ?? 1);
    const outShapes = handler(ctx);
    // Checked before anything is sized by them (later layers, the engine's buffers, labels).
    outShapes.forEach((s, i) => {
      const problem = shapeProblem(s);
      if (problem) err(`its output ${outputs[i]} (${s.join('×')}) ${problem}`);
    });
    outShapes.forEach((s, i) => {
      shapes.set(outputs[i], s);
      blobs.set(layer.tops[i], outputs[i]);
      layers.push({ name: layer.tops.length === 1 ? layer.name : outputs[i], type: layer.type, tensor: outputs[i], shape: s });
    });
    opts.onProgress?.((index + 1) / net.layers.length);
  });

  // Graph outputs: layer outputs nothing consumes, the last layer's first (the class scores).
  const produced = layers.map((l) => l.tensor);
  const allInputs = new Set(g.nodes.flatMap((n) => n.input));
  const finals = produced.filter((t) => !allInputs.has(t) && !consumed.has(t));
  const last = layers[layers.length - 1]?.tensor;
  const outputs = last ? [last, ...finals.filter((t) => t !== last)] : finals;
  if (outputs.length === 0) throw new CaffeConvertError(`${opts.prototxtName}: the net has no layers to run`);

  const model: ModelProto = g.model({ name: net.name, producer: 'ConvScope Caffe importer', inputs: graphInputs, outputs });
  return { model, layers, inputs, outputs };
}
