// Runs a converted model once and returns every listed tensor (tests and the CLI use it): the
// tensors are added as graph outputs, so one forward pass yields all layer activations.
import * as ort from 'onnxruntime-node';
import { DataType, decodeModel, encodeModel } from '../../../onnx/proto';

export interface LayerOutput {
  dims: number[];
  data: Float32Array;
}

/** A copy of an ONNX model that also outputs `tensors` (all float32, as every Caffe layer is). */
export function exposeTensors(onnx: Uint8Array, tensors: string[]): Uint8Array {
  const model = decodeModel(onnx);
  const have = new Set(model.graph.output.map((o) => o.name));
  for (const t of tensors) {
    if (!have.has(t)) model.graph.output.push({ name: t, type: { tensorType: { elemType: DataType.FLOAT } } });
  }
  return encodeModel(model);
}

export async function runLayers(
  onnx: Uint8Array,
  input: { name: string; dims: number[]; data: Float32Array },
  tensors: string[],
): Promise<Map<string, LayerOutput>> {
  const session = await ort.InferenceSession.create(exposeTensors(onnx, tensors));
  try {
    const res = await session.run({ [input.name]: new ort.Tensor('float32', input.data, input.dims) }, tensors);
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
