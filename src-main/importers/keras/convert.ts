// Keras model → ONNX graph: walks the (possibly nested) model in dependency order and gives each
// layer to its handler in ops/. Every layer's output becomes a tensor named after the layer (a
// nested model's layers as `outer/inner`), in NCHW for images, so the engine can show all of them.
import { attr, GraphBuilder } from '../../onnx/graph-builder';
import { DataType, type ModelProto, type ValueInfoProto } from '../../onnx/proto';
import { MAX_LAYERS, shapeProblem } from '../limits';
import { isObj, type Json, type KerasLayer, type KerasModel, type TensorRef } from './config';
import { CLASS_ALIASES, Config, LAYERS } from './layers';
import { HANDLERS } from './ops/index';
import type { Dim, KerasFlavour, OpContext, Value } from './ops/types';
import type { Weight, WeightStore } from './weights';

/** A layer that cannot be converted; the message names the file and the layer. */
export class KerasConvertError extends Error {}

export interface ConvertedLayer {
  /** Layer name (`outer/inner` inside nested models). */
  name: string;
  /** Keras class name. */
  type: string;
  /** ONNX tensor holding its output (NCHW for images). */
  tensor: string;
  /** Keras output shape (batch first, NHWC for images; null where not fixed). */
  shape: Dim[];
}

export interface ConvertedModel {
  model: ModelProto;
  /** The graph input: the InputLayer's name and Keras shape (NHWC, batch first). */
  input: { name: string; shape: Dim[] };
  /** Every converted layer in graph order (input layers excluded). */
  layers: ConvertedLayer[];
  /** Graph outputs (the model's output layers). */
  outputs: string[];
  notes: string[];
}

export interface ConvertOptions {
  /** File name for messages. */
  file: string;
  keras: KerasFlavour;
  weights: WeightStore;
  /** Fraction of layers converted. */
  onProgress?: (fraction: number) => void;
  /** Bytes of weights read so far (for progress on large files). */
  onWeightBytes?: (bytes: number) => void;
}

const SKIP_REASONS: Record<string, string> = {
  Lambda: 'Lambda layers hold Python code, which cannot be read from the file',
  TFOpLambda: 'TensorFlow operations used as layers (TFOpLambda) hold Python code, which cannot be read from the file',
  SlicingOpLambda: 'TensorFlow slicing used as a layer (SlicingOpLambda) holds Python code, which cannot be read from the file',
};

/** The InputLayer's batch shape, whichever spelling the file uses. */
function inputShape(layer: KerasLayer, file: string): Dim[] {
  const c = layer.config;
  const s = c.batch_shape ?? c.batch_input_shape ?? c.batchInputShape;
  if (!Array.isArray(s) || !s.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0))) {
    throw new KerasConvertError(`${file}: input layer ${layer.name} has no usable shape (${JSON.stringify(s) ?? 'none'})`);
  }
  // Sizes the file fixes are checked before anything is sized by them (dims left open count as 1).
  const problem = shapeProblem((s as Dim[]).map((d) => d ?? 1));
  if (problem) throw new KerasConvertError(`${file}: input layer ${layer.name} (${JSON.stringify(s)}) ${problem}`);
  return s as Dim[];
}

/** Layer names in an order where every layer comes after its inputs. */
function dependencyOrder(model: KerasModel, file: string): KerasLayer[] {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const state = new Map<string, number>();
  const order: KerasLayer[] = [];
  for (const start of model.layers) {
    if (state.get(start.name) === 2) continue;
    // Iterative so very deep models cannot overflow the stack.
    const stack: [KerasLayer, number][] = [[start, 0]];
    state.set(start.name, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top[1] < top[0].inputs.length) {
        const dep = byName.get(top[0].inputs[top[1]++].layer)!;
        const st = state.get(dep.name);
        if (st === 1) throw new KerasConvertError(`${file}: layer ${dep.name} depends on itself (a cycle in the model)`);
        if (st === undefined) {
          state.set(dep.name, 1);
          stack.push([dep, 0]);
        }
      } else {
        state.set(top[0].name, 2);
        order.push(top[0]);
        stack.pop();
      }
    }
  }
  return order;
}

const dtypeName = (d: Json): string => {
  if (typeof d === 'string') return d;
  if (isObj(d) && isObj(d.config) && typeof d.config.name === 'string') return d.config.name;
  return 'float32';
};

export async function convertModel(top: KerasModel, opts: ConvertOptions): Promise<ConvertedModel> {
  const { file } = opts;
  const b = new GraphBuilder();
  const layers: ConvertedLayer[] = [];
  const notes: string[] = [];

  let total = 0;
  const reserve = (m: KerasModel, prefix: string) => {
    for (const l of m.layers) {
      b.reserve(prefix + l.name);
      total++;
      if (l.model) reserve(l.model, `${prefix}${l.name}/`);
    }
  };
  reserve(top, '');
  let done = 0;

  const inputLayers = top.inputs.map((r) => top.layers.find((l) => l.name === r.layer)!);
  if (inputLayers.length !== 1) throw new KerasConvertError(`${file}: the model has ${inputLayers.length} inputs (${inputLayers.map((l) => l.name).join(', ')}); ConvScope feeds one image`);
  const inLayer = inputLayers[0];
  if (inLayer.className !== 'InputLayer') throw new KerasConvertError(`${file}: the model's input ${inLayer.name} is a ${inLayer.className}, not an InputLayer`);
  const inShape = inputShape(inLayer, file);
  if (inShape.length < 2) throw new KerasConvertError(`${file}: input layer ${inLayer.name} has shape ${JSON.stringify(inShape)}; expected (batch, …)`);
  const dimNames = inShape.length === 4 ? ['batch', 'height', 'width', 'channels'] : inShape.map((_, i) => (i === 0 ? 'batch' : `dim${i}`));
  const graphInput: ValueInfoProto = {
    name: inLayer.name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: inShape.map((d, i) => (d === null || i === 0 ? { dimParam: dimNames[i] } : { dimValue: d })) } } },
  };
  // The graph takes the image as Keras does (NHWC) and turns it to NCHW once.
  const entry: Value = {
    name: inShape.length === 4 ? b.op(`${inLayer.name}/nchw`, 'Transpose', [inLayer.name], [attr.ints('perm', [0, 3, 1, 2])]) : inLayer.name,
    shape: [null, ...inShape.slice(1)],
  };

  async function run(model: KerasModel, inputs: Value[], prefix: string, path: KerasLayer[]): Promise<Value[]> {
    const values = new Map<string, Value[]>();
    const get = (r: TensorRef, who: string): Value => {
      const v = values.get(r.layer)?.[r.tensor];
      if (!v) throw new KerasConvertError(`${file}: layer ${prefix}${who} uses output ${r.tensor} of ${prefix}${r.layer}, which has no such output`);
      return v;
    };
    for (const layer of dependencyOrder(model, file)) {
      const full = prefix + layer.name;
      const here = [...path, layer];
      if (layer.className === 'InputLayer') {
        const k = model.inputs.findIndex((r) => r.layer === layer.name);
        const v = inputs[k];
        if (!v) throw new KerasConvertError(`${file}: input layer ${full} is not one of the model's inputs`);
        values.set(layer.name, [v]);
        done++;
        continue;
      }
      const ins = layer.inputs.map((r) => get(r, layer.name));
      if (ins.length === 0) throw new KerasConvertError(`${file}: layer ${full} (${layer.className}) has no input`);
      if (layer.model) {
        const inner = await run(layer.model, ins, `${full}/`, here);
        if (inner.length !== 1) throw new KerasConvertError(`${file}: layer ${full}: nested models with ${inner.length} outputs are not supported`);
        // `full` is reserved for this layer: the Identity's output takes it as it is.
        b.add('Identity', [inner[0].name], [full]);
        layers.push({ name: full, type: layer.className, tensor: full, shape: inner[0].shape });
        values.set(layer.name, [{ name: full, shape: inner[0].shape }]);
        done++;
        opts.onProgress?.(done / total);
        continue;
      }
      values.set(layer.name, [await convertLayer(layer, full, here, ins)]);
      done++;
      opts.onProgress?.(done / total);
    }
    return model.outputs.map((r) => get(r, 'output'));
  }

  async function convertLayer(layer: KerasLayer, full: string, path: KerasLayer[], inputs: Value[]): Promise<Value> {
    const where = `${file}: layer ${full} (${layer.className})`;
    const fail = (msg: string): never => {
      throw new KerasConvertError(`${where}: ${msg}`);
    };
    const cls = CLASS_ALIASES[layer.className] ?? layer.className;
    if (SKIP_REASONS[cls]) fail(`${SKIP_REASONS[cls]}; rebuild the model without it or export to ONNX with tf2onnx`);
    const handler = HANDLERS.get(cls);
    const spec = LAYERS[cls];
    if (layer.custom) fail(`custom layer class ${layer.custom}: its Python code is not in the file`);
    if (!handler || !spec) fail(`layer class ${layer.className} is not supported (an unknown or custom class)`);
    const dtype = dtypeName(layer.config.dtype ?? 'float32');
    if (/int8|int4|float8|gptq|awq/.test(dtype)) fail(`quantized layers (dtype policy ${dtype}) are not supported`);
    const cfg = new Config(layer.config, spec!.defaults, fail);

    const wanted = (spec!.variables ?? []).filter((v) => !v.if || v.if(cfg)).map((v) => v.name);
    let weights = new Map<string, Weight>();
    if (wanted.length) {
      try {
        weights = await opts.weights.read(path, wanted, opts.onWeightBytes);
      } catch (e) {
        fail((e as Error).message);
      }
    }
    const w = (name: string): Weight => {
      const got = weights.get(name);
      if (got) return got;
      const have = opts.weights.count(path);
      return fail(`the file has no '${name}' weights for this layer (${have ? `it has ${have} variables, expected ${wanted.map((n) => n.split('|')[0]).join(', ')}` : 'it has none: a model saved without weights?'})`);
    };

    const firstNode = b.nodes.length;
    const ctx: OpContext = { b, layer, cfg, inputs, w, keras: opts.keras, base: full, fail, note: (m) => notes.push(m) };
    const out = handler!.convert(ctx);
    const problem = shapeProblem(out.shape.map((d) => d ?? 1));
    if (problem) fail(`its output (${JSON.stringify(out.shape)}) ${problem}`);
    // The layer's output carries the layer's name: rename the tensor its own last node made, or
    // add an Identity when the layer passes its input through (Dropout) or ends in an input.
    const producer = b.nodes.findIndex((n, i) => i >= firstNode && n.output.includes(out.name));
    if (producer >= 0) {
      for (let i = firstNode; i < b.nodes.length; i++) {
        const n = b.nodes[i];
        n.input = n.input.map((t) => (t === out.name ? full : t));
        n.output = n.output.map((t) => (t === out.name ? full : t));
        if (n.name === out.name) n.name = full;
      }
    } else {
      b.add('Identity', [out.name], [full]);
    }
    if (spec!.category === 'regularization') notes.push(`${full}: ${layer.className} is the identity at inference`);
    if (layers.length >= MAX_LAYERS) throw new KerasConvertError(`${file}: the model has more than ${MAX_LAYERS} layers, the most ConvScope opens`);
    layers.push({ name: full, type: layer.className, tensor: full, shape: out.shape });
    return { name: full, shape: out.shape };
  }

  const outs = await run(top, [entry], '', []);
  const outputs = [...new Set(outs.map((o) => o.name))];
  const model = b.model({ name: top.name, producer: 'ConvScope Keras importer', inputs: [graphInput], outputs });
  return { model, input: { name: inLayer.name, shape: inShape }, layers, outputs, notes };
}
