// Does a GPU provider compute what the CPU provider computes? Before a speed table for another
// execution provider means anything, the model's every layer is run on both providers with the same
// input (the engine's preprocessed crop) and compared layer by layer: the largest difference of one
// value, relative to the largest magnitude in the CPU's layer, and whether the top class agrees.
import * as ort from 'onnxruntime-node';
import type { ModelSource } from '../../src-shared/contract';
import type { PreparedInput } from '../../src-main/engine/preprocess';
import { sessionOptions } from '../../src-main/engine/providers';
import { everyLayerGraph } from './peers';

export interface LayerDifference {
  output: string;
  /** Largest |a − b| over the layer's values. */
  maxAbs: number;
  /** maxAbs ÷ the largest |value| of the reference layer (0 when both are all zeros). */
  relative: number;
}

export interface Agreement {
  provider: string;
  layers: LayerDifference[];
  /** The layer with the largest relative difference. */
  worst: LayerDifference;
  /** Index of the largest value of the model's own (first) output, on each provider. */
  top: { reference: number; other: number };
}

/** Layer-by-layer differences of `other` from `reference` (same outputs, same order of values). */
export function compareOutputs(reference: ReadonlyMap<string, Float32Array>, other: ReadonlyMap<string, Float32Array>): LayerDifference[] {
  const out: LayerDifference[] = [];
  for (const [name, a] of reference) {
    const b = other.get(name);
    if (!b || b.length !== a.length) throw new Error(`output ${name}: ${b ? `${b.length} values, not ${a.length}` : 'missing'}`);
    let maxAbs = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      // A NaN on either side is a total disagreement, not a zero difference.
      maxAbs = Number.isNaN(d) ? Infinity : Math.max(maxAbs, d);
      scale = Math.max(scale, Math.abs(a[i]));
    }
    out.push({ output: name, maxAbs, relative: maxAbs === 0 ? 0 : scale === 0 ? Infinity : maxAbs / scale });
  }
  return out;
}

export function argmax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

async function runAll(onnx: Uint8Array, provider: string, input: PreparedInput): Promise<Map<string, Float32Array>> {
  const s = await ort.InferenceSession.create(onnx, sessionOptions(provider));
  try {
    const tensor = input.data instanceof Uint16Array ? new ort.Tensor('float16', input.data, input.dims) : new ort.Tensor('float32', input.data, input.dims);
    const r = await s.run({ [s.inputNames[0]]: tensor });
    const out = new Map<string, Float32Array>();
    for (const name of s.outputNames) {
      const d = r[name].data;
      out.set(name, d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>, Number));
    }
    return out;
  } finally {
    await s.release();
  }
}

/** A graph's every output on the CPU and on `provider`, from the same input, compared. */
export async function graphAgreement(onnx: Uint8Array, provider: string, input: PreparedInput): Promise<Agreement> {
  const reference = await runAll(onnx, 'cpu', input);
  const other = await runAll(onnx, provider, input);
  const layers = compareOutputs(reference, other);
  const worst = layers.reduce((w, l) => (l.relative > w.relative ? l : w), layers[0]);
  const first = [...reference.keys()][0];
  return { provider, layers, worst, top: { reference: argmax(reference.get(first)!), other: argmax(other.get(first)!) } };
}

/** Every layer of `source` (float32 activations, as the model computes them) on the CPU and on `provider`. */
export async function providerAgreement(source: ModelSource, assetsDir: string, provider: string, input: PreparedInput): Promise<Agreement> {
  return graphAgreement((await everyLayerGraph(source, assetsDir)).onnx, provider, input);
}
