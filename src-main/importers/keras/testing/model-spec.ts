// Test models described once and written in every Keras file kind: Keras 2 .h5 (as model.save
// wrote them), Keras 3 .keras archives and TF.js Layers model.json + shards.
import { snakeCase } from '../config';

export interface TestWeight {
  shape: number[];
  data: Float32Array;
}

export interface TestLayer {
  name: string;
  className: string;
  config?: Record<string, unknown>;
  /** Names of the layers feeding it (empty for the input). */
  inputs: string[];
  /** Variables in Keras's order, named as Keras names them (kernel, bias, gamma…). */
  weights?: [string, TestWeight][];
  /** A nested model used as this layer. */
  model?: TestModel;
}

export interface TestModel {
  name: string;
  /** 'Functional' or 'Sequential' (Sequential: layers in order, inputs ignored). */
  className: 'Functional' | 'Sequential';
  layers: TestLayer[];
  input: string;
  output: string;
}

/** Deterministic values in [−scale, scale) (xorshift). */
export function values(seed: number, n: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

let seed = 1;
/** A weight of `shape` with values around ±scale (positive only when `positive`). */
export function weight(shape: number[], scale = 0.5, positive = false): TestWeight {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = values(seed++ * 7919, n, scale);
  if (positive) for (let i = 0; i < n; i++) data[i] = Math.abs(data[i]) + 0.5;
  return { shape, data };
}

// ---- Keras 2 / TF.js config (class_name, config, inbound_nodes as [[name, 0, 0, {}]])

function keras2Layer(l: TestLayer): Record<string, unknown> {
  const config = l.model ? keras2Config(l.model).config : { name: l.name, trainable: true, ...(l.config ?? {}) };
  return { name: l.name, class_name: l.model ? (l.model.className === 'Functional' ? 'Model' : 'Sequential') : l.className, config, inbound_nodes: l.inputs.length ? [l.inputs.map((i) => [i, 0, 0, {}])] : [] };
}

export function keras2Config(m: TestModel): { class_name: string; config: Record<string, unknown> } {
  if (m.className === 'Sequential') {
    return { class_name: 'Sequential', config: { name: m.name, layers: m.layers.map((l) => ({ class_name: l.className, config: { name: l.name, ...(l.config ?? {}) } })) } };
  }
  return { class_name: 'Model', config: { name: m.name, layers: m.layers.map(keras2Layer), input_layers: [[m.input, 0, 0]], output_layers: [[m.output, 0, 0]] } };
}

// ---- Keras 3 config (module / registered_name, inbound_nodes as {args: [__keras_tensor__…]})

const kt = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: null, dtype: 'float32', keras_history: [name, 0, 0] } });

function keras3Layer(l: TestLayer): Record<string, unknown> {
  if (l.model) {
    const inner = keras3Config(l.model);
    return { ...inner, name: l.name, inbound_nodes: [{ args: [kt(l.inputs[0])], kwargs: {} }] };
  }
  const config: Record<string, unknown> = { name: l.name, trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null }, ...(l.config ?? {}) };
  if (l.className === 'InputLayer') {
    config.batch_shape = config.batch_input_shape;
    delete config.batch_input_shape;
  }
  const args = l.inputs.length > 1 ? [l.inputs.map(kt)] : l.inputs.map(kt);
  return { module: 'keras.layers', class_name: l.className, config, registered_name: null, name: l.name, inbound_nodes: l.inputs.length ? [{ args, kwargs: {} }] : [] };
}

export function keras3Config(m: TestModel): Record<string, unknown> {
  if (m.className === 'Sequential') {
    return { module: 'keras', class_name: 'Sequential', registered_name: null, config: { name: m.name, trainable: true, layers: m.layers.map((l) => keras3Layer({ ...l, inputs: [] })) } };
  }
  return {
    module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
    config: { name: m.name, trainable: true, layers: m.layers.map(keras3Layer), input_layers: [m.input, 0, 0], output_layers: [m.output, 0, 0] },
  };
}

/** Every variable with its Keras 3 store path (`layers/conv2d_1/vars/0`). */
export function keras3Vars(m: TestModel, prefix = ''): [string, TestWeight][] {
  const base = prefix ? `${prefix}/layers` : 'layers';
  const used = new Map<string, number>();
  const out: [string, TestWeight][] = [];
  for (const l of m.layers) {
    const cls = l.model ? l.model.className : l.className;
    const s = snakeCase(cls);
    const n = used.get(s);
    used.set(s, n === undefined ? 0 : n + 1);
    const path = `${base}/${n === undefined ? s : `${s}_${n + 1}`}`;
    if (l.model) out.push(...keras3Vars(l.model, path));
    (l.weights ?? []).forEach(([, w], i) => out.push([`${path}/vars/${i}`, w]));
  }
  return out;
}

/** Every variable with its Keras 2 / TF.js name: [top layer, `inner/var`] pairs. */
export function keras2Vars(m: TestModel): { layer: string; names: string[]; weights: TestWeight[] }[] {
  return m.layers.map((l) => {
    const inner = l.model ? l.model.layers : [l];
    const names: string[] = [];
    const weights: TestWeight[] = [];
    for (const il of inner) for (const [n, w] of il.weights ?? []) {
      names.push(`${il.name}/${n}`);
      weights.push(w);
    }
    return { layer: l.name, names, weights };
  });
}
