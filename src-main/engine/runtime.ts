// One loaded model, ready to run frames: the display session (the original graph plus, for the
// current subscription, nodes that quantise the subscribed layers to bytes, onnx/quantise-graph.ts;
// just the original graph when nothing is subscribed), the preprocessing spec, the layer list and the
// current subscription. A graph that returns every layer's floats is made only when asked for
// (the command line's activations, the trial run at load). Runs wherever it is created: in
// the engine's worker thread, or in-process for tests and the command line.
import { totalmem } from 'node:os';
import { resolve } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type {
  ClassWeights, FrameResult, LayerInfo, LayerPayload, LayerSubscription, ModelInfo, ModelSource, Subscription,
} from '../../src-shared/contract';
import type { ProgressFn } from '../importers/types';
import { checkAgeOutput, checkInputTensor, checkLabels, checkManifestFitsGraph, checkMeanChannels, checkPanels, type ModelPorts } from '../models/check';
import { inputCHW, loadLabels } from '../models/manifest';
import { readMeanImage } from '../models/mean';
import { findClassWeights } from '../onnx/class-weights';
import { addOutputs, buildLayerInfos, findActivations, inferElementTypes, type ActivationTensor } from '../onnx/instrument';
import { addQuantisation, type QuantiseOutputs, type QuantiseRequest } from '../onnx/quantise-graph';
import { DataType, extendModel, floatToHalf as floatToHalfBits, halfToFloat } from '../onnx/proto';
import { encodeLayer, fromQuantised, halfLut, quantisedSlices, quantiseRequest, type Activations } from './encode';
import { resolveModel, type ResolvedModel } from './model-source';
import { fitMeanImage, preprocess, type InputSpec, type PreparedInput, type RgbaImage } from './preprocess';
import { createSession } from './providers';

/**
 * The model with `tensors` as extra graph outputs, as a maker of its bytes: only outputs are added,
 * so they are appended to the model's bytes and its weights are not encoded again.
 */
function withOutputs(model: ResolvedModel, tensors: string[]): () => Uint8Array {
  const added = addOutputs(model.proto, tensors).graph.output.slice(model.proto.graph.output.length);
  return () => extendModel(model.onnx, { node: [], output: added });
}

/**
 * A subscription with the same requests as `shown` (equal keys): the same graph serves it, so each
 * layer takes the graph outputs `shown` reads it from; the panels' own fields may differ.
 */
function sameGraph(resolved: Shown[], shown: readonly Shown[]): Shown[] {
  return resolved.map((r, i) => ({ ...r, ...(shown[i]?.outputs ? { outputs: shown[i].outputs } : {}) }));
}

let ortModule: typeof Ort | undefined;
/** onnxruntime-node is loaded on first use so merely importing the engine stays cheap. */
export async function loadOrt(): Promise<typeof Ort> {
  ortModule ??= (await import('onnxruntime-node')) as typeof Ort;
  return ortModule;
}

/** float32 view of any float tensor ORT returns (float16 arrives as raw Uint16 bits). */
export function tensorFloats(t: Ort.Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') {
    const src = t.data as Uint16Array;
    const lut = halfLut();
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = lut[src[i]];
    return out;
  }
  if (t.type === 'float64') return Float32Array.from(t.data as Float64Array);
  throw new Error(`tensor of type ${t.type} is not floating point`);
}

/** A tensor for the encoder: float16 stays as bits so only the maps that are sent get converted. */
function activationsOf(t: Ort.Tensor): Activations {
  return t.type === 'float16' ? { half: t.data as Uint16Array } : tensorFloats(t);
}

export function softmax(x: Float32Array): Float32Array {
  let m = -Infinity;
  for (const v of x) if (v > m) m = v;
  const out = new Float32Array(x.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += out[i] = Math.exp(x[i] - m);
  for (let i = 0; i < x.length; i++) out[i] /= s;
  return out;
}

interface Layer {
  info: LayerInfo;
  tensor: string;
}

/** One subscribed layer and how its bytes are made: by the graph (`outputs`), or in JavaScript from its floats. */
interface Shown {
  sub: LayerSubscription;
  layer: Layer;
  req: QuantiseRequest;
  outputs?: QuantiseOutputs;
}

export interface RawActivations {
  /** The input tensor's shape (the model's input layout, batch included). */
  inputDims: number[];
  /** Every layer's own output, float32, with its full shape (batch included). */
  layers: Map<string, { dims: number[]; data: Float32Array }>;
  /** The class output (softmax applied where the manifest asks), batch included. */
  probs: { dims: number[]; data: Float32Array };
}

export interface RunCounters {
  dropped: number;
}

export class ModelRuntime {
  readonly info: ModelInfo;
  private subscription: Shown[] = [];
  private subscriptionKey = '[]';
  /**
   * The display session's graph, made again for a provider change rather than held: for a large model
   * it is the size of the weights.
   */
  private displayGraph: () => Uint8Array;
  /**
   * Display sessions of earlier subscriptions, most recent last, so going back to one (switching
   * between the layer and sorted views, undoing a panel) takes no new session: building one costs a
   * large model seconds (VGG-16: ≈ 3 s) during which no frame runs. Bounded by memory, see below.
   */
  private readonly earlier = new Map<string, { session: Ort.InferenceSession; graph: () => Uint8Array; shown: Shown[] }>();
  /** Display sessions built so far (tests check that an earlier subscription reuses its own). */
  displaySessionsBuilt = 0;
  private allLayers: Ort.InferenceSession | null = null;
  private readonly elemTypes: Map<string, number>;
  private processed = 0;

  private constructor(
    private readonly ort: typeof Ort,
    private readonly resolved: ResolvedModel,
    private display: Ort.InferenceSession,
    /** The every-layer graph, made when asked for (for a large model it is the size of the weights). */
    private readonly instrumentedGraph: () => Uint8Array,
    private readonly originalBytes: Uint8Array,
    /** The graph's input and output the manifest refers to. */
    readonly ports: ModelPorts,
    private readonly spec: InputSpec,
    private readonly layers: Map<string, Layer>,
    info: ModelInfo,
  ) {
    this.info = info;
    this.displayGraph = () => originalBytes;
    this.elemTypes = inferElementTypes(resolved.proto);
  }

  /** Loads, validates and instruments a model; the error names the file and the cause. */
  static async load(source: ModelSource, assetsDir: string, opts: { forceCpu: boolean; provider?: string; onProgress?: ProgressFn }): Promise<ModelRuntime> {
    const ort = await loadOrt();
    const progress = opts.onProgress ?? (() => {});
    const r = await resolveModel(source, assetsDir, (f, d) => progress(f < 0 ? -1 : f * 0.6, d));
    const m = r.manifest;
    const where = r.manifestFile;
    const ports = checkManifestFitsGraph(m, r.proto, where, r.file);
    const { inputName, outputName } = ports;

    // Activations to expose: exactly the importer's layers, else every float tensor downstream of the input.
    let acts: ActivationTensor[];
    if (r.layers) {
      acts = r.layers.map((l) => ({ tensor: l.tensor, name: l.name, op: l.op }));
    } else {
      acts = findActivations(r.proto, inputName);
    }
    progress(0.65, 'instrumenting graph');
    const instrumentedGraph = withOutputs(r, acts.map((a) => a.tensor));

    progress(0.7, 'creating inference session');
    let fast: Awaited<ReturnType<typeof createSession>>;
    try {
      fast = await createSession(ort, r.onnx, opts.forceCpu, undefined, opts.provider);
    } catch (e) {
      throw new Error(`${r.file}: onnxruntime cannot load the model (${(e as Error).message.split('\n')[0]})`);
    }
    let inst: Awaited<ReturnType<typeof createSession>>;
    try {
      inst = await createSession(ort, instrumentedGraph(), opts.forceCpu, fast.provider);
    } catch (e) {
      await fast.session.release();
      throw new Error(`${r.file}: the instrumented graph could not be loaded (${(e as Error).message.split('\n')[0]})`);
    }

    try {
      const { c, h, w } = inputCHW(m.input);
      const dtype = m.input.dtype ?? 'float32';
      let meanImage;
      if (m.preprocess.meanFile) {
        const mean = readMeanImage(resolve(r.manifestDir, m.preprocess.meanFile));
        checkMeanChannels(mean.c, c, where);
        meanImage = fitMeanImage(mean, h, w);
      }
      const spec: InputSpec = { c, h, w, layout: m.input.layout, dtype, preprocess: m.preprocess, ...(meanImage ? { meanImage } : {}) };

      // One trial run with an all-zero input measures every layer's shape (and proves the manifest's input shape works).
      progress(0.85, 'measuring layer shapes');
      const n = m.input.shape.reduce((a, b) => a * b, 1);
      const zero = dtype === 'float16' ? new ort.Tensor('float16', new Uint16Array(n), m.input.shape) : new ort.Tensor('float32', new Float32Array(n), m.input.shape);
      let out: Ort.InferenceSession.OnnxValueMapType;
      try {
        out = await inst.session.run({ [inputName]: zero });
      } catch (e) {
        throw new Error(`${r.file}: a trial run with input ${inputName} of shape [${m.input.shape.join(', ')}] (${where}: input.shape) failed: ${(e as Error).message.split('\n')[0]}`);
      }
      const shapes = new Map<string, readonly number[]>();
      for (const [k, v] of Object.entries(out)) shapes.set(k, (v as Ort.Tensor).dims);
      const layerInfos = buildLayerInfos(acts, shapes, r.proto);
      const byName = new Map<string, Layer>();
      layerInfos.forEach((info) => byName.set(info.name, { info, tensor: acts.find((a) => a.name === info.name)!.tensor }));

      const outTensor = out[outputName] as Ort.Tensor;
      const classes = outTensor.dims.slice(1).reduce((a, b) => a * b, 1);
      let labels: string[];
      if (r.labelsProposed) labels = Array.from({ length: classes }, (_, i) => `class ${i}`);
      else {
        labels = loadLabels(m, r.manifestDir, where);
        checkLabels(labels, classes, outputName, where);
      }
      checkAgeOutput(m.output, labels, classes, outputName, where);
      checkPanels(m.panels, layerInfos.map((l) => l.name), where);
      for (const t of Object.values(out)) (t as Ort.Tensor).dispose?.();

      const manifest = r.labelsProposed ? { ...m, labels } : m;
      const info: ModelInfo = {
        id: m.id, name: m.name, format: m.format, manifest, labels, input: { c, h, w }, layers: layerInfos,
        provider: fast.provider, source: r.source,
        ...(fast.skipped.length ? { providerSkipped: fast.skipped } : {}),
      };
      if (fast.skipped.length) console.warn(`${r.file}: runs on ${fast.provider}; passed over ${fast.skipped.join('; ')}`);
      progress(1, 'ready');
      // The every-layer graph is not needed per frame: release it (it holds a second copy of the weights).
      await inst.session.release();
      return new ModelRuntime(ort, r, fast.session, instrumentedGraph, r.onnx, ports, spec, byName, info);
    } catch (e) {
      await fast.session.release();
      await inst.session.release();
      throw e;
    }
  }

  /**
   * Replaces the subscription; unknown layers or channels are reported by name. The display graph is
   * rebuilt for it (a new session); should onnxruntime refuse that graph, the subscribed layers are
   * returned as floats and quantised in JavaScript instead, with the same bytes.
   */
  async subscribe(sub: Subscription): Promise<void> {
    const resolved = sub.layers.map((s) => {
      const layer = this.layers.get(s.layer);
      if (!layer) throw new Error(`subscribe: model ${this.info.id} has no layer '${s.layer}'`);
      const ch = s.channels;
      if (ch && 'list' in ch && layer.info.kind === 'maps') {
        const bad = ch.list.find((i) => !Number.isInteger(i) || i < 0 || i >= layer.info.shape[0]);
        if (bad !== undefined) throw new Error(`subscribe: layer ${s.layer} has ${layer.info.shape[0]} maps, map ${bad} does not exist`);
      }
      return { sub: s, layer, req: quantiseRequest(s, layer.info, layer.tensor, this.elemTypes.get(layer.tensor) ?? DataType.FLOAT) };
    });
    const key = JSON.stringify(resolved.map((r) => r.req));
    if (key === this.subscriptionKey) {
      this.subscription = sameGraph(resolved, this.subscription);
      return;
    }
    const kept = this.earlier.get(key);
    if (kept) {
      this.earlier.delete(key);
      await this.switchTo(key, kept.session, kept.graph, sameGraph(resolved, kept.shown));
      return;
    }
    let shown: Shown[] = resolved;
    const original = this.originalBytes;
    let graph = () => original;
    let session: Ort.InferenceSession;
    if (resolved.length === 0) session = (await createSession(this.ort, graph(), false, this.info.provider)).session;
    else {
      try {
        const q = addQuantisation(this.resolved.proto, resolved.map((r) => r.req));
        // The quantisation nodes appended to the model's bytes: its weights are not encoded again.
        graph = () => extendModel(original, q.added);
        session = (await createSession(this.ort, graph(), false, this.info.provider)).session;
        shown = resolved.map((r, i) => ({ ...r, outputs: q.outputs[i] }));
      } catch (e) {
        console.warn(`${this.resolved.file}: quantising in the graph failed, quantising in JavaScript (${(e as Error).message.split('\n')[0]})`);
        graph = withOutputs(this.resolved, [...new Set(resolved.map((r) => r.layer.tensor))]);
        session = (await createSession(this.ort, graph(), false, this.info.provider)).session;
      }
    }
    this.displaySessionsBuilt++;
    await this.switchTo(key, session, graph, shown);
  }

  /**
   * How many display sessions may exist at once: each holds its own copy of the weights, so as many
   * as fit in an eighth of the machine's memory (at most 1.5 GiB), between one and four. VGG-16
   * (513 MB) keeps two, SqueezeNet four.
   */
  private get sessionsKept(): number {
    const budget = Math.min(1.5 * 2 ** 30, totalmem() / 8);
    return Math.max(1, Math.min(4, Math.floor(budget / Math.max(1, this.originalBytes.byteLength))));
  }

  /**
   * Makes `session` the display session; the one it replaces is kept for later while memory allows,
   * except the plain model's (nothing subscribed, as after a load): the app always subscribes
   * something, and a large model would hold a copy of its weights for nothing.
   */
  private async switchTo(key: string, session: Ort.InferenceSession, graph: () => Uint8Array, shown: Shown[]): Promise<void> {
    if (this.subscriptionKey === '[]') await this.display.release();
    else this.earlier.set(this.subscriptionKey, { session: this.display, graph: this.displayGraph, shown: this.subscription });
    this.display = session;
    this.displayGraph = graph;
    this.subscription = shown;
    this.subscriptionKey = key;
    while (this.earlier.size > this.sessionsKept - 1) {
      const [oldest, entry] = this.earlier.entries().next().value as [string, { session: Ort.InferenceSession }];
      this.earlier.delete(oldest);
      await entry.session.release();
    }
  }

  /** Releases the display sessions kept for earlier subscriptions. */
  private async releaseEarlier(): Promise<void> {
    const all = [...this.earlier.values()];
    this.earlier.clear();
    for (const e of all) await e.session.release();
  }

  /** The ONNX model the display session runs: the model plus the subscription's quantisation nodes. */
  get displayModel(): Uint8Array {
    return this.displayGraph();
  }

  /** What preprocessing needs (to prepare frames on another thread, see engine.ts). */
  get inputSpec(): InputSpec {
    return this.spec;
  }

  /**
   * Preprocess → run (the graph quantises the subscribed layers) → unpack one frame. `ready` is the
   * frame already prepared elsewhere with this model's inputSpec, and how long that took.
   */
  async run(frame: RgbaImage & { id: number; t: number }, counters: RunCounters, ready?: { input: PreparedInput; ms: number }): Promise<FrameResult> {
    const t0 = performance.now();
    const prepared = ready?.input ?? preprocess(frame, this.spec);
    const t1 = performance.now();
    const tensor = this.spec.dtype === 'float16'
      ? new this.ort.Tensor('float16', prepared.data as Uint16Array, prepared.dims)
      : new this.ort.Tensor('float32', prepared.data as Float32Array, prepared.dims);
    const shown = this.subscription;
    const fetches = new Set([this.ports.outputName]);
    for (const s of shown) {
      if (!s.outputs) fetches.add(s.layer.tensor);
      else for (const slice of [s.outputs.data, s.outputs.min, s.outputs.max, s.outputs.channels]) if (slice?.output) fetches.add(slice.output);
    }
    const out = await this.display.run({ [this.ports.inputName]: tensor }, [...fetches]);
    const t2 = performance.now();
    let probs: Float32Array = Float32Array.from(tensorFloats(out[this.ports.outputName] as Ort.Tensor));
    if (this.resolved.manifest.output?.softmax) probs = softmax(probs);
    const data = (name: string) => (out[name] as Ort.Tensor).data;
    const layers: LayerPayload[] = shown.map(({ sub, layer, req, outputs: o }) =>
      o
        ? fromQuantised(layer.info, req, quantisedSlices(o, data))
        : encodeLayer(sub, layer.info, activationsOf(out[layer.tensor] as Ort.Tensor)),
    );
    for (const t of Object.values(out)) (t as Ort.Tensor).dispose?.();
    const t3 = performance.now();
    this.processed++;
    return {
      id: frame.id, t: frame.t, probs, input: prepared.display, layers,
      timing: { preprocessMs: ready ? ready.ms : t1 - t0, inferenceMs: t2 - t1, encodeMs: t3 - t2 },
      dropped: counters.dropped, processed: this.processed,
      ...(prepared.noInk ? { noInk: true } : {}),
    };
  }

  /** The session that returns every layer's floats, made on first use. */
  private async everyLayer(): Promise<Ort.InferenceSession> {
    this.allLayers ??= (await createSession(this.ort, this.instrumentedGraph(), false, this.info.provider)).session;
    return this.allLayers;
  }

  /** Where the manifest came from (a file, or a proposed manifest), for reports. */
  get manifestFile(): string {
    return this.resolved.manifestFile;
  }

  /**
   * Raw float activations of every layer plus the class output, for exporting (the command line's
   * `activations`). `input` is a tensor in the model's own layout, batch included; `what` names it
   * in the error when its shape does not fit the model's input.
   */
  async activations(input: Float32Array, dims: number[], what = 'input tensor'): Promise<RawActivations> {
    checkInputTensor(dims, this.ports, what);
    const tensor = this.spec.dtype === 'float16'
      ? new this.ort.Tensor('float16', Uint16Array.from(input, (v) => floatToHalfBits(v)), dims)
      : new this.ort.Tensor('float32', input as Float32Array<ArrayBuffer>, dims);
    const layers = [...this.layers.values()];
    const out = await (await this.everyLayer()).run({ [this.ports.inputName]: tensor }, [...new Set([...layers.map((l) => l.tensor), this.ports.outputName])]);
    const raw = (t: Ort.Tensor) => ({ dims: [...t.dims], data: Float32Array.from(tensorFloats(t)) });
    const result = new Map<string, { dims: number[]; data: Float32Array }>();
    for (const l of layers) result.set(l.info.name, raw(out[l.tensor] as Ort.Tensor));
    const output = raw(out[this.ports.outputName] as Ort.Tensor);
    if (this.resolved.manifest.output?.softmax) {
      // Softmax per batch item, as the probabilities the app shows.
      const per = output.data.length / Math.max(1, output.dims[0]);
      for (let b = 0; b < output.dims[0]; b++) output.data.set(softmax(output.data.subarray(b * per, (b + 1) * per)), b * per);
    }
    return { inputDims: [...dims], layers: result, probs: output };
  }

  /** The manifest's preprocessing applied to an image (what a camera frame would become). */
  prepare(img: RgbaImage): PreparedInput {
    return preprocess(img, this.spec);
  }

  /** activations() for an image, through the manifest's preprocessing. */
  async activationsForImage(img: RgbaImage): Promise<RawActivations> {
    const p = this.prepare(img);
    const data = p.data instanceof Uint16Array ? Float32Array.from(p.data, (h) => halfToFloat(h)) : p.data;
    return this.activations(data, p.dims);
  }

  classWeights(layer: string): ClassWeights {
    const l = this.layers.get(layer);
    if (!l) throw new Error(`classWeights: model ${this.info.id} has no layer '${layer}'`);
    const neurons = l.info.shape.reduce((a, b) => a * b, 1);
    return findClassWeights(this.resolved.proto, l.tensor, layer, neurons);
  }

  /** Recreates the display session for a new provider choice; keeps the old one if that fails. */
  async setProvider(forceCpu: boolean, preferred?: string): Promise<void> {
    const next = await createSession(this.ort, this.displayGraph(), forceCpu, undefined, preferred);
    // Sessions kept for earlier subscriptions run on the old provider: let them go.
    await this.releaseEarlier();
    const old = [this.display, this.allLayers];
    this.display = next.session;
    this.allLayers = null;
    this.info.provider = next.provider;
    if (next.skipped.length) this.info.providerSkipped = next.skipped;
    else delete this.info.providerSkipped;
    for (const s of old) await s?.release();
  }

  async release(): Promise<void> {
    await this.releaseEarlier();
    await this.display.release();
    await this.allLayers?.release();
    this.allLayers = null;
  }
}

/** Loads a model in-process, returns what the renderer would be told about it, and releases it. */
export async function inspectModel(source: ModelSource, assetsDir: string): Promise<ModelInfo> {
  const rt = await ModelRuntime.load(source, assetsDir, { forceCpu: true });
  try {
    return rt.info;
  } finally {
    await rt.release();
  }
}
