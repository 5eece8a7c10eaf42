// Which layers of a graph a person most likely wants to see. Works on ModelInfo alone (names, ops,
// shapes in graph order), so it serves ONNX, Caffe and Keras models alike.
import type { LayerInfo, ModelInfo } from '../../../src-shared/contract';

const CONV_OPS = /^(conv|convolution|convtranspose|deconvolution|conv2d|separableconv2d|depthwiseconv2d)$/i;
const FC_OPS = /^(gemm|matmul|innerproduct|fullyconnected|dense)$/i;
const ACTIVATION_OPS = /^(activation|relu|prelu|leakyrelu|elu|selu|sigmoid|tanh|clip|hardsigmoid|hardswish|softplus|relu6)$/i;

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Element-wise steps that may sit between a layer and its activation (bias add, batch norm). */
const BETWEEN_OPS = /^(add|sub|mul|div|batchnormalization|batchnorm|scale|bias)$/i;

/**
 * The activation following `layer` (same shape, next in graph order, possibly after a bias add or
 * batch norm), else the layer itself: people want to see what the next layer receives.
 */
function afterActivation(layers: readonly LayerInfo[], layer: LayerInfo): LayerInfo {
  for (let pos = layers.indexOf(layer) + 1; pos < layers.length; pos++) {
    const next = layers[pos];
    if (!sameShape(next.shape, layer.shape)) break;
    if (ACTIVATION_OPS.test(next.op)) return next;
    if (!BETWEEN_OPS.test(next.op)) break;
  }
  return layer;
}

export function byGraphOrder(model: ModelInfo): LayerInfo[] {
  return [...model.layers].sort((a, b) => a.index - b.index);
}

export function mapLayers(model: ModelInfo): LayerInfo[] {
  return byGraphOrder(model).filter((l) => l.kind === 'maps');
}

/**
 * Layers with maps as the next layer receives them: a convolution (or its bias add / batch norm)
 * that an activation follows is left out for that activation. Halves what the all-layers strip
 * shows, and lets the runtime fuse each convolution with its activation, since nobody observes
 * the value in between. Any layer can still get a panel of its own.
 */
export function mapLayersAfterActivation(model: ModelInfo): LayerInfo[] {
  const layers = byGraphOrder(model);
  return layers.filter((l) => l.kind === 'maps' && afterActivation(layers, l) === l);
}

export function vectorLayers(model: ModelInfo): LayerInfo[] {
  return byGraphOrder(model).filter((l) => l.kind === 'vector');
}

/** Convolution outputs (after their activation where one follows), in graph order. */
export function convLayers(model: ModelInfo): LayerInfo[] {
  const layers = byGraphOrder(model);
  const out: LayerInfo[] = [];
  for (const l of layers) {
    if (l.kind !== 'maps' || !CONV_OPS.test(l.op)) continue;
    const shown = afterActivation(layers, l);
    if (!out.includes(shown)) out.push(shown);
  }
  return out;
}

/** First, middle and last convolution (fewer when the model has fewer). */
export function defaultConvLayers(model: ModelInfo): string[] {
  const convs = convLayers(model);
  if (convs.length <= 3) return convs.map((l) => l.name);
  const picks = [convs[0], convs[Math.floor((convs.length - 1) / 2)], convs[convs.length - 1]];
  return [...new Set(picks.map((l) => l.name))];
}

/**
 * The last hidden fully connected layer: the vector feeding the final (class-producing) FC op,
 * shown after its activation. Null when the model has no hidden FC layer (e.g. SqueezeNet).
 */
export function hiddenFcLayer(model: ModelInfo): string | null {
  const layers = byGraphOrder(model);
  const fcs = layers.filter((l) => l.kind === 'vector' && FC_OPS.test(l.op));
  if (fcs.length < 2) return null;
  // The last FC produces the class scores; the one before it is the last hidden layer.
  return afterActivation(layers, fcs[fcs.length - 2]).name;
}

/**
 * The layer for the sorted-neurons view: the manifest's last FC panel, else the vector that feeds
 * the class-producing FC op directly (its weights connect each neuron to each class).
 */
export function sortedLayer(model: ModelInfo): string | null {
  const names = new Set(model.layers.map((l) => l.name));
  const fromManifest = (model.manifest.panels?.fc ?? []).filter((n) => names.has(n));
  if (fromManifest.length > 0) return fromManifest[fromManifest.length - 1];
  const layers = byGraphOrder(model);
  const fcs = layers.filter((l) => l.kind === 'vector' && FC_OPS.test(l.op));
  if (fcs.length === 0) return null;
  const before = layers[layers.indexOf(fcs[fcs.length - 1]) - 1];
  return before && before.kind === 'vector' ? before.name : null;
}

/** Rows for an FC grid: cells about five times wider a row than tall a column (500 → 10 rows). */
export function defaultFcRows(neurons: number): number {
  return Math.max(1, Math.min(neurons, Math.round(Math.sqrt(neurons / 5))));
}

export function findLayer(model: ModelInfo, name: string): LayerInfo | undefined {
  return model.layers.find((l) => l.name === name);
}

/** Number of values in a layer (maps × height × width, or neurons); 0 for an unknown layer. */
export function layerSize(model: ModelInfo, name: string): number {
  const l = findLayer(model, name);
  return l ? l.shape.reduce((a, b) => a * b, 1) : 0;
}
