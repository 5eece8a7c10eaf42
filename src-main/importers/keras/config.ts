// The Keras model config (the JSON every Keras format carries: an .h5's `model_config` attribute,
// a .keras archive's config.json, a TF.js model.json's modelTopology) read into one graph shape:
// Sequential and Functional models, Keras 2 and Keras 3 spellings, nested models as layers.

/** An error in the model's architecture; the message names the file and the layer. */
export class KerasModelError extends Error {}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** One output of one layer call: [layer name, call (node) index, output index]. */
export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

export interface KerasLayer {
  name: string;
  className: string;
  config: JsonObject;
  /** The layer's inputs (one call; shared layers are refused when parsing). */
  inputs: TensorRef[];
  /** The model it holds, for a nested Sequential / Functional used as a layer. */
  model?: KerasModel;
  /** Where Keras 3 saves its variables: `<container path>/<snake_case class name>[_N]`. */
  storePath: string;
  /** Keras 3's `registered_name` when it marks a custom class (`package>Class`). */
  custom?: string;
}

export interface KerasModel {
  name: string;
  className: 'Sequential' | 'Functional';
  /** In the config's order (which is the order Keras saves them in). */
  layers: KerasLayer[];
  inputs: TensorRef[];
  outputs: TensorRef[];
}

const isObj = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keras's `to_snake_case`: the name a .keras weights file files a layer under. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** Reads a `[name, node, tensor(, kwargs)]` reference. */
function ref(v: Json, where: string): TensorRef {
  if (!Array.isArray(v) || typeof v[0] !== 'string') throw new KerasModelError(`${where}: malformed layer reference ${JSON.stringify(v)?.slice(0, 80)}`);
  return { layer: v[0], node: typeof v[1] === 'number' ? v[1] : 0, tensor: typeof v[2] === 'number' ? v[2] : 0 };
}

/** `input_layers` / `output_layers`: a list of references, or (Keras 3) a single one. */
function refList(v: Json | undefined, where: string): TensorRef[] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [ref(v, where)];
  return v.map((r) => ref(r, where));
}

/** Every Keras 3 `__keras_tensor__` in a call's args, in order. */
function kerasTensors(v: Json, out: TensorRef[], where: string): void {
  if (Array.isArray(v)) {
    for (const x of v) kerasTensors(x, out, where);
  } else if (isObj(v)) {
    if (v.class_name === '__keras_tensor__' && isObj(v.config)) {
      out.push(ref(v.config.keras_history ?? null, where));
    } else {
      for (const x of Object.values(v)) kerasTensors(x, out, where);
    }
  }
}

/** The inputs of one call node, Keras 2 (`[[name, node, tensor, kwargs], …]`) or Keras 3 (`{args, kwargs}`). */
function nodeInputs(node: Json, where: string): TensorRef[] {
  if (isObj(node)) {
    const out: TensorRef[] = [];
    kerasTensors(node.args ?? [], out, where);
    return out;
  }
  if (Array.isArray(node)) {
    // A single reference (some writers drop one level of nesting) or a list of them.
    if (typeof node[0] === 'string') return [ref(node, where)];
    return node.map((r) => ref(r, where));
  }
  throw new KerasModelError(`${where}: malformed inbound node`);
}

interface ParseCtx {
  file: string;
}

const layerName = (entry: JsonObject): string | undefined => {
  const n = entry.name ?? (isObj(entry.config) ? entry.config.name : undefined);
  return typeof n === 'string' ? n : undefined;
};

/** Makes `storePath` names unique per container, as Keras 3's saving does. */
function storeNamer(prefix: string) {
  const used = new Map<string, number>();
  return (className: string) => {
    const base = snakeCase(className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    const name = n === undefined ? base : `${base}_${n + 1}`;
    return `${prefix}/${name}`;
  };
}

function parseLayerEntry(entry: Json, ctx: ParseCtx, container: string, storeName: (c: string) => string, index: number): KerasLayer {
  if (!isObj(entry) || typeof entry.class_name !== 'string') {
    throw new KerasModelError(`${ctx.file}: ${container} layer #${index + 1}: no class_name`);
  }
  const className = entry.class_name;
  const config = isObj(entry.config) ? entry.config : {};
  const name = layerName(entry) ?? `${snakeCase(className)}_${index}`;
  const storePath = storeName(className);
  const layer: KerasLayer = { name, className, config, inputs: [], storePath };
  const reg = entry.registered_name;
  const mod = entry.module;
  if ((typeof reg === 'string' && reg.includes('>')) || (typeof mod === 'string' && !mod.startsWith('keras'))) layer.custom = typeof reg === 'string' ? reg : `${String(mod)}.${className}`;
  if (MODEL_CLASSES.has(className)) {
    layer.model = parseModel({ class_name: className, config }, ctx, storePath, name);
  }
  return layer;
}

/**
 * Parses a model config (`{class_name, config}`) into a KerasModel. `storePrefix` is where its
 * layers' variables live in a Keras 3 weights file ('layers' for the top model).
 */
export function parseModel(json: Json, ctx: ParseCtx, storePrefix = '', outerName?: string): KerasModel {
  if (!isObj(json) || typeof json.class_name !== 'string') throw new KerasModelError(`${ctx.file}: the model config has no class_name`);
  const cls = json.class_name;
  const where = outerName ? `${ctx.file}: layer ${outerName}` : ctx.file;
  if (!MODEL_CLASSES.has(cls)) {
    const reg = typeof json.registered_name === 'string' ? json.registered_name : cls;
    throw new KerasModelError(`${where}: model class ${reg} is a custom (subclassed) model; only Sequential and Functional models can be rebuilt from their config`);
  }
  const cfg = json.config;
  const prefix = storePrefix ? `${storePrefix}/layers` : 'layers';
  const storeName = storeNamer(prefix);
  if (cls === 'Sequential') {
    // Keras ≤ 2.2.4 wrote a bare list of layers.
    const entries = Array.isArray(cfg) ? cfg : isObj(cfg) && Array.isArray(cfg.layers) ? cfg.layers : null;
    if (!entries) throw new KerasModelError(`${where}: Sequential config without layers`);
    const name = isObj(cfg) && typeof cfg.name === 'string' ? cfg.name : (outerName ?? 'sequential');
    const layers = entries.map((e, i) => parseLayerEntry(e, ctx, name, storeName, i));
    if (layers.length === 0) throw new KerasModelError(`${where}: the Sequential model has no layers`);
    if (layers[0].className !== 'InputLayer') {
      // The input shape sits on the first layer (or the model's build shape).
      const first = layers[0].config;
      const shape =
        first.batch_input_shape ?? first.batch_shape ??
        (isObj(cfg) ? cfg.build_input_shape : undefined) ??
        (isObj(entries[0]) && isObj(entries[0].build_config) ? entries[0].build_config.input_shape : undefined);
      if (!Array.isArray(shape)) throw new KerasModelError(`${where}: the Sequential model declares no input shape (it was saved before being built)`);
      layers.unshift({ name: `${layers[0].name}_input`, className: 'InputLayer', config: { batch_input_shape: shape, name: `${layers[0].name}_input` }, inputs: [], storePath: `${prefix}/input_layer` });
    }
    for (let i = 1; i < layers.length; i++) layers[i].inputs = [{ layer: layers[i - 1].name, node: 0, tensor: 0 }];
    return { name, className: 'Sequential', layers, inputs: [{ layer: layers[0].name, node: 0, tensor: 0 }], outputs: [{ layer: layers[layers.length - 1].name, node: 0, tensor: 0 }] };
  }
  if (!isObj(cfg) || !Array.isArray(cfg.layers)) throw new KerasModelError(`${where}: Functional config without layers`);
  const name = typeof cfg.name === 'string' ? cfg.name : (outerName ?? 'model');
  const layers: KerasLayer[] = [];
  cfg.layers.forEach((entry, i) => {
    const layer = parseLayerEntry(entry, ctx, name, storeName, i);
    const lw = `${ctx.file}: layer ${layer.name}`;
    const nodes = isObj(entry) && Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
    if (nodes.length > 1) {
      throw new KerasModelError(`${lw} (${layer.className}) is called ${nodes.length} times (a shared layer); shared layers are not supported`);
    }
    if (nodes.length === 1) layer.inputs = nodeInputs(nodes[0], lw);
    layers.push(layer);
  });
  const names = new Set<string>();
  for (const l of layers) {
    if (names.has(l.name)) throw new KerasModelError(`${ctx.file}: two layers are named ${l.name}`);
    names.add(l.name);
  }
  const check = (r: TensorRef, what: string) => {
    if (!names.has(r.layer)) throw new KerasModelError(`${where}: ${what} refers to unknown layer ${r.layer}`);
    if (r.node !== 0) throw new KerasModelError(`${ctx.file}: layer ${r.layer} is used through call #${r.node + 1} (a shared layer); shared layers are not supported`);
  };
  for (const l of layers) for (const r of l.inputs) check(r, `layer ${l.name}`);
  const inputs = refList(cfg.input_layers, where);
  const outputs = refList(cfg.output_layers, where);
  inputs.forEach((r) => check(r, 'input_layers'));
  outputs.forEach((r) => check(r, 'output_layers'));
  if (inputs.length === 0) throw new KerasModelError(`${where}: the model names no input layer`);
  if (outputs.length === 0) throw new KerasModelError(`${where}: the model names no output layer`);
  return { name, className: 'Functional', layers, inputs, outputs };
}

/** Parses JSON text, naming the file on a syntax error. */
export function parseJson(text: string, file: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new KerasModelError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

export { isObj };
