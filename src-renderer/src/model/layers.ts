// Which layers of a graph a person most likely wants to see. Works on ModelInfo alone (names, ops,
// shapes in graph order), so it serves ONNX, Caffe and Keras models alike.
import type { LayerInfo, ModelInfo } from '../../../src-shared/contract';

const CONV_OPS = /^(conv|convolution|convtranspose|deconvolution|conv2d|separableconv2d|depthwiseconv2d)$/i;
const FC_OPS = /^(gemm|matmul|innerproduct|fullyconnected|dense)$/i;
const ACTIVATION_OPS = /^(activation|relu|prelu|leakyrelu|elu|selu|sigmoid|tanh|clip|hardsigmoid|hardswish|softplus|relu6)$/i;

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Element-wise steps that may sit between a layer and its activation (bias add, batch norm). */
const BETWEEN_OPS = /^(add|sub|mul|div|batchnormalization|batchnorm|scale|bias)$/i;
/** Of those, the ones that only normalise a layer's own output (never a residual sum). */
const NORM_OPS = /^(batchnormalization|batchnorm|scale|bias)$/i;

/** Which layers take each layer's values (from LayerInfo.inputs), per model's layer list. */
const consumersCache = new WeakMap<readonly LayerInfo[], Map<string, LayerInfo[]> | null>();

function consumersOf(layers: readonly LayerInfo[]): Map<string, LayerInfo[]> | null {
  let c = consumersCache.get(layers);
  if (c === undefined) {
    c = layers.every((l) => l.inputs) ? new Map() : null;
    if (c) {
      for (const l of layers) {
        for (const i of l.inputs!) {
          const users = c.get(i);
          if (users) users.push(l);
          else c.set(i, [l]);
        }
      }
    }
    consumersCache.set(layers, c);
  }
  return c;
}

/**
 * The step after `layer` on the way to what the next layer receives: with the data flow known, the
 * one layer that takes `layer`'s values and nothing else; without it, the next layer in graph order.
 */
function nextStep(layers: readonly LayerInfo[], layer: LayerInfo): LayerInfo | undefined {
  const consumers = consumersOf(layers);
  if (!consumers) return layers[layers.indexOf(layer) + 1];
  const users = consumers.get(layer.name) ?? [];
  return users.length === 1 && users[0].inputs!.length === 1 ? users[0] : undefined;
}

/**
 * What the next layer receives from `layer`: the activation following it (same shape, possibly
 * after a bias add or batch norm), else the last normalisation that directly follows it (a
 * convolution whose batch norm no activation follows, as in Xception's blocks), else the layer
 * itself. A layer that feeds two others (a branch point) or a sum of two layers ends the walk.
 */
function afterActivation(layers: readonly LayerInfo[], layer: LayerInfo): LayerInfo {
  let normalised = layer;
  let onlyNorms = true;
  for (let next = nextStep(layers, layer); next && sameShape(next.shape, layer.shape); next = nextStep(layers, next)) {
    if (ACTIVATION_OPS.test(next.op)) return next;
    if (!BETWEEN_OPS.test(next.op)) break;
    onlyNorms &&= NORM_OPS.test(next.op);
    if (onlyNorms) normalised = next;
  }
  return normalised;
}

export function byGraphOrder(model: ModelInfo): LayerInfo[] {
  return [...model.layers].sort((a, b) => a.index - b.index);
}

export function mapLayers(model: ModelInfo): LayerInfo[] {
  return byGraphOrder(model).filter((l) => l.kind === 'maps');
}

/**
 * Layers with maps as the next layer receives them: a convolution (or its bias add / batch norm)
 * that an activation follows is left out for that activation, one that only a batch norm follows
 * for that batch norm. Halves what the all-layers strip shows, and lets the runtime fuse each
 * convolution with its activation and batch norm, since nobody observes the value in between. Any
 * layer can still get a panel of its own.
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
