// ONNX importer: one .onnx file, the IR the engine runs, so importing is reading it and proposing a
// manifest from the graph's input and output.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ModelManifest } from '../../../src-shared/contract';
import { decodeModel, DataType, type ModelProto } from '../../onnx/proto';
import { atMostOne, withExtension } from '../file-match';
import type { ImportedModel, Importer, ModelFiles, ProgressFn } from '../types';

/** Graph inputs that are real inputs (IR < 4 lists initializers as inputs too). */
export function dataInputs(proto: ModelProto): ModelProto['graph']['input'] {
  const inits = new Set(proto.graph.initializer.map((t) => t.name));
  return proto.graph.input.filter((i) => !inits.has(i.name));
}

/**
 * A manifest guessed from the graph: the first data input (NCHW or NHWC told apart by where the 1 or
 * 3 channels are, a fixed size only when every dimension is known), gray or RGB scaled to 0–1, the
 * first output with a softmax unless the graph ends in one. Labels are left to the user.
 */
export function proposeOnnxManifest(proto: ModelProto, file: string): Partial<ModelManifest> {
  const input = dataInputs(proto)[0];
  if (!input) throw new Error(`${file}: the graph has no input`);
  const tt = input.type?.tensorType;
  const dims = (tt?.shape?.dim ?? []).map((d, i) => (d.dimValue && d.dimValue > 0 ? d.dimValue : i === 0 ? 1 : 0));
  const m: Partial<ModelManifest> = {
    id: basename(file, extname(file)).replace(/[^A-Za-z0-9_.-]/g, '_') || 'model',
    name: basename(file),
    description: 'Manifest proposed from the graph: check the preprocessing (scale, channel order) and labels.',
    format: 'onnx',
    files: { model: basename(file) },
  };
  const layout = dims.length === 4 && (dims[1] === 1 || dims[1] === 3) ? 'NCHW' : dims.length === 4 && (dims[3] === 1 || dims[3] === 3) ? 'NHWC' : undefined;
  if (dims.length === 4 && layout && dims.every((d) => d > 0)) {
    m.input = { name: input.name, shape: dims, layout, ...(tt?.elemType === DataType.FLOAT16 ? { dtype: 'float16' as const } : {}) };
    const c = layout === 'NCHW' ? dims[1] : dims[3];
    m.preprocess = c === 1 ? { colour: 'gray', scale: 1 / 255 } : { colour: 'rgb', scale: 1 / 255 };
  } else if (layout) {
    // Spatial size unknown (fully convolutional): leave input.shape to the user's manifest.
    m.input = { name: input.name, shape: dims, layout };
  }
  const outName = proto.graph.output[0]?.name;
  const producer = proto.graph.node.find((n) => n.output.includes(outName));
  m.output = { name: outName, softmax: producer?.opType !== 'Softmax' };
  return m;
}

async function importOnnx(files: ModelFiles, onProgress?: ProgressFn): Promise<ImportedModel> {
  onProgress?.(0.1, `reading ${basename(files.model)}`);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(files.model);
  } catch (e) {
    throw new Error(`${files.model}: cannot read model file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  onProgress?.(0.5, `decoding ${basename(files.model)}`);
  let proto: ModelProto;
  try {
    proto = decodeModel(bytes);
  } catch (e) {
    throw new Error(`${files.model}: ${(e as Error).message}`);
  }
  onProgress?.(1, 'done');
  return { onnx: bytes, proto, manifest: proposeOnnxManifest(proto, files.model) };
}

const EXTENSIONS = ['.onnx'];

export const onnxImporter: Importer = {
  format: 'onnx',
  label: 'ONNX',
  description: 'one .onnx file',
  extensions: EXTENSIONS,
  match(paths) {
    const model = atMostOne(withExtension(paths, EXTENSIONS), '.onnx files', 'open one model at a time');
    return model ? { model, extras: [] } : null;
  },
  import: importOnnx,
};
