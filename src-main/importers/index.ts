// Format dispatch: which importer reads a set of model files. Every importer turns its format into
// ONNX (the one IR the engine runs) plus a proposed manifest and the list of user-visible layers.
import { basename, extname } from 'node:path';
import type { ImportedModel, ProgressFn } from './types';

export type ModelFiles =
  | { format: 'onnx'; model: string }
  | { format: 'caffe'; prototxt: string; caffemodel: string; mean?: string }
  | { format: 'keras'; model: string };

const ext = (p: string) => extname(p).toLowerCase();

/** Sorts the files a user picked into one model, or says precisely what is missing or extra. */
export function classifyModelFiles(paths: string[]): ModelFiles {
  if (paths.length === 0) throw new Error('no model file given');
  const by = (e: string[]) => paths.filter((p) => e.includes(ext(p)));
  const onnx = by(['.onnx']);
  const prototxt = by(['.prototxt', '.pbtxt']);
  const caffemodel = by(['.caffemodel']);
  const mean = by(['.binaryproto']);
  const keras = by(['.h5', '.hdf5', '.keras']);
  const known = onnx.length + prototxt.length + caffemodel.length + mean.length + keras.length;
  const unknown = paths.filter((p) => !['.onnx', '.prototxt', '.pbtxt', '.caffemodel', '.binaryproto', '.h5', '.hdf5', '.keras', '.json'].includes(ext(p)));
  if (unknown.length) {
    throw new Error(`${basename(unknown[0])}: not a model file ConvScope can open (expected .onnx, .prototxt + .caffemodel (+ .binaryproto), or a Keras .h5)`);
  }
  if (onnx.length === 1 && known === 1) return { format: 'onnx', model: onnx[0] };
  if (keras.length === 1 && known === 1) return { format: 'keras', model: keras[0] };
  if (prototxt.length || caffemodel.length) {
    if (prototxt.length !== 1) throw new Error(prototxt.length ? `several .prototxt files given (${prototxt.map((p) => basename(p)).join(', ')}); pick one` : `${basename(caffemodel[0])}: a Caffe model also needs its deploy .prototxt`);
    if (caffemodel.length !== 1) throw new Error(caffemodel.length ? `several .caffemodel files given (${caffemodel.map((p) => basename(p)).join(', ')}); pick one` : `${basename(prototxt[0])}: a Caffe net also needs its trained weights (.caffemodel)`);
    if (mean.length > 1) throw new Error(`several mean files given (${mean.map((p) => basename(p)).join(', ')}); pick one`);
    if (onnx.length || keras.length) throw new Error('files of more than one model format given; open one model at a time');
    return { format: 'caffe', prototxt: prototxt[0], caffemodel: caffemodel[0], ...(mean.length ? { mean: mean[0] } : {}) };
  }
  if (onnx.length > 1) throw new Error(`several .onnx files given (${onnx.map((p) => basename(p)).join(', ')}); open one model at a time`);
  throw new Error(`no model file among ${paths.map((p) => basename(p)).join(', ')}`);
}

/** Converts a non-ONNX model to ONNX with the format's importer. */
export async function importModelFiles(files: Exclude<ModelFiles, { format: 'onnx' }>, onProgress?: ProgressFn): Promise<ImportedModel> {
  if (files.format === 'caffe') {
    // Loaded on demand: the Caffe reader is only needed when someone opens a Caffe model.
    const { importCaffe } = await import('./caffe/index');
    return importCaffe({ prototxt: files.prototxt, caffemodel: files.caffemodel, ...(files.mean ? { mean: files.mean } : {}) }, onProgress);
  }
  throw new Error(`${basename(files.model)}: Keras models are not supported yet; convert it to ONNX (e.g. with tf2onnx) and open the .onnx`);
}
