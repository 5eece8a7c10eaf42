// Runs a converted model once with onnxruntime and returns the tensors asked for (the importers'
// tests): they are added as graph outputs, so one forward pass yields every layer's activation.
// Also the comparison the tests apply to what comes out.
import * as ort from 'onnxruntime-node';
import { DataType, decodeModel, encodeModel } from '../proto';

export interface LayerOutput {
  dims: number[];
  data: Float32Array;
}

/** A copy of an ONNX model that also outputs `tensors` (all float32, as every layer's output is). */
export function exposeTensors(onnx: Uint8Array, tensors: readonly string[]): Uint8Array {
  const model = decodeModel(onnx);
  const have = new Set(model.graph.output.map((o) => o.name));
  for (const t of tensors) {
    if (!have.has(t)) model.graph.output.push({ name: t, type: { tensorType: { elemType: DataType.FLOAT } } });
  }
  return encodeModel(model);
}

/** Runs the model on one float32 input and returns each of `tensors`. */
export async function runLayers(
  onnx: Uint8Array,
  input: { name: string; dims: number[]; data: Float32Array },
  tensors: readonly string[],
): Promise<Map<string, LayerOutput>> {
  const session = await ort.InferenceSession.create(exposeTensors(onnx, tensors));
  try {
    const res = await session.run({ [input.name]: new ort.Tensor('float32', input.data, input.dims) }, [...tensors]);
    const out = new Map<string, LayerOutput>();
    for (const t of tensors) {
      const v = res[t];
      out.set(t, { dims: [...v.dims], data: Float32Array.from(v.data as Float32Array) }); // copied: released with the session
    }
    return out;
  } finally {
    await session.release();
  }
}

/**
 * Largest |a − b| relative to max |b| (1 when the lengths differ). With `stride`, `b` holds every
 * stride-th value of `a` (a reference that kept a sample of a large output).
 */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>, stride = 1): number {
  if (Math.ceil(a.length / stride) !== b.length) return 1;
  let worst = 0;
  let big = 0;
  for (let j = 0; j < b.length; j++) {
    worst = Math.max(worst, Math.abs(a[j * stride] - b[j]));
    big = Math.max(big, Math.abs(b[j]));
  }
  return worst / Math.max(big, 1e-12);
}
