// The peers: what a browser-only inspector would run, on the same graphs and the same input, with
// every layer's activation requested (as the native engine's "all layers" stage).
// - onnxruntime-web (WebAssembly, SIMD and threads as Node allows) on the very ONNX graph the engine
//   runs, every layer added as an output;
// - TensorFlow.js (cpu and wasm backends) where it can build the model: a Keras model from its own
//   model_config (tf.models.modelFromJSON, random initial weights: the same arithmetic), with every
//   layer as an output. TF.js has no ONNX or Caffe importer, so the other models have no TF.js row.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ModelSource } from '../../src-shared/contract';
import { Hdf5File } from '../../src-main/formats/hdf5';
import { resolveModel } from '../../src-main/engine/model-source';
import { addOutputs, findActivations } from '../../src-main/onnx/instrument';
import { encodeModel } from '../../src-main/onnx/proto';
import { fmt, log, median } from './stats';

/** Threads the peers run with (where they can use threads: onnxruntime-web). */
export const PEER_THREADS = 2;

export interface PeerResult {
  peer: string;
  /** Per-run times, ms (inference with every layer's output, nothing else). */
  runMs: number[];
  /** Why there is no measurement. */
  skipped?: string;
}

export interface PeerInput {
  name: string;
  dims: number[];
  /** float32 values, or float16 bits for a float16 model. */
  data: Float32Array | Uint16Array;
}

/** Runs `once` repeatedly: a few warm-up runs, then until `ms` have passed (at least `min` runs). */
async function timeRuns(once: () => Promise<void>, opts: { min: number; ms: number; warm: number }): Promise<number[]> {
  for (let i = 0; i < opts.warm; i++) await once();
  const out: number[] = [];
  const start = performance.now();
  while (out.length < opts.min || (performance.now() - start < opts.ms && out.length < 200)) {
    const t = performance.now();
    await once();
    out.push(performance.now() - t);
  }
  return out;
}

async function ortWeb(onnx: Uint8Array, input: PeerInput, budget: { min: number; ms: number }): Promise<PeerResult> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = PEER_THREADS;
  ort.env.wasm.simd = true;
  const peer = `onnxruntime-web ${ort.env.versions.web} (wasm, ${ort.env.wasm.numThreads} threads, SIMD)`;
  try {
    const session = await ort.InferenceSession.create(onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const tensor = input.data instanceof Uint16Array ? new ort.Tensor('float16', input.data, input.dims) : new ort.Tensor('float32', input.data, input.dims);
    const runMs = await timeRuns(async () => {
      await session.run({ [input.name]: tensor });
    }, { ...budget, warm: 2 });
    await session.release();
    return { peer, runMs };
  } catch (e) {
    return { peer, runMs: [], skipped: (e as Error).message.split('\n')[0] };
  }
}

/** Keras model_config JSON of an .h5/.hdf5 file, or null. */
async function kerasConfig(path: string): Promise<string | null> {
  if (!/\.(h5|hdf5)$/i.test(path)) return null;
  const h5 = await Hdf5File.open(path);
  try {
    const c = h5.attr('/', 'model_config');
    return typeof c === 'string' ? c : null;
  } finally {
    h5.close();
  }
}

async function tfjs(backend: 'cpu' | 'wasm', config: string | null, input: PeerInput, budget: { min: number; ms: number }): Promise<PeerResult> {
  const tf = await import('@tensorflow/tfjs');
  const peer = `TensorFlow.js ${tf.version.tfjs} (${backend})`;
  if (!config) return { peer, runMs: [], skipped: 'no TF.js importer for this format (TF.js reads Keras and TF.js Layers models, not ONNX or Caffe)' };
  try {
    if (backend === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const req = createRequire(import.meta.url);
      wasm.setWasmPaths(`${join(dirname(req.resolve('@tensorflow/tfjs-backend-wasm')), '')}/`);
    }
    await tf.setBackend(backend);
    await tf.ready();
    const topology = JSON.parse(config) as import('@tensorflow/tfjs').io.ModelJSON['modelTopology'];
    const model = await tf.models.modelFromJSON({ modelTopology: topology });
    const every = tf.model({ inputs: model.inputs, outputs: model.layers.filter((l) => l.name !== model.inputs[0].name.split('/')[0]).map((l) => l.output as import('@tensorflow/tfjs').SymbolicTensor) });
    const x = tf.tensor(Array.from(input.data), input.dims);
    const runMs = await timeRuns(async () => {
      const ys = every.predict(x) as import('@tensorflow/tfjs').Tensor[];
      await Promise.all(ys.map((y) => y.data()));
      tf.dispose(ys);
    }, { ...budget, warm: 2 });
    // Disposing the every-layer model releases the layers it shares with `model`.
    every.dispose();
    x.dispose();
    return { peer, runMs };
  } catch (e) {
    return { peer, runMs: [], skipped: (e as Error).message.split('\n')[0] };
  }
}

/** The model's ONNX graph with every layer as an output (what the engine's every-layer graph is). */
export async function everyLayerGraph(source: ModelSource, assetsDir: string): Promise<{ onnx: Uint8Array; input: string }> {
  const r = await resolveModel(source, assetsDir);
  const inputName = r.manifest.input.name ?? r.proto.graph.input.find((i) => !r.proto.graph.initializer.some((t) => t.name === i.name))?.name ?? '';
  const acts = r.layers ? r.layers.map((l) => l.tensor) : findActivations(r.proto, inputName).map((a) => a.tensor);
  return { onnx: encodeModel(addOutputs(r.proto, acts)), input: inputName };
}

export async function benchPeers(source: ModelSource, assetsDir: string, input: PeerInput, opts: { min: number; ms: number; label: string }): Promise<PeerResult[]> {
  const { onnx } = await everyLayerGraph(source, assetsDir);
  const out: PeerResult[] = [await ortWeb(onnx, input, opts)];
  const config = 'paths' in source ? await kerasConfig(source.paths[0]) : 'bundled' in source ? await bundledKerasConfig(assetsDir, source.bundled) : null;
  // TF.js takes NHWC input as Keras does; the engine's input for a Keras model is NHWC too.
  for (const backend of ['cpu', 'wasm'] as const) out.push(await tfjs(backend, config, input, opts));
  for (const p of out) log(`peers: ${opts.label}: ${p.peer}: ${p.skipped ? `skipped (${p.skipped})` : `${p.runMs.length} runs, median ${fmt(median(p.runMs))} ms`}`);
  return out;
}

async function bundledKerasConfig(assetsDir: string, id: string): Promise<string | null> {
  const manifest = JSON.parse(readFileSync(join(assetsDir, id, 'manifest.json'), 'utf8')) as { format: string; files: { model: string } };
  return manifest.format === 'keras' ? kerasConfig(join(assetsDir, id, manifest.files.model)) : null;
}
