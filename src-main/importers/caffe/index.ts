// Caffe importer: deploy .prototxt + .caffemodel (+ optional mean .binaryproto) → ONNX in memory.
// Reader: read.ts (the .prototxt text and binary .caffemodel / .binaryproto through formats/protobuf,
// with schema.ts), net.ts (V1/V2 and input normalisation). Conversion: convert.ts, one handler per
// layer type in ops/. Layer metadata (roles, blobs, parameter defaults): layers.ts.
import { open } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import type { ModelManifest, Preprocess } from '../../../src-shared/contract';
import { atMostOne, withExtension } from '../file-match';
import type { ImportedLayer, ImportedModel, Importer, ProgressFn } from '../types';
import { proposedLabels } from '../limits';
import { convertNet, type ConvertedNet } from './convert';
import { buildNet, blobData, blobShape, checkedBlobShape, CaffeNetError, weightsByLayer, type CaffeNet } from './net';
import { encodeOnnx } from '../../onnx/writer';
import { decodeCaffe, parsePrototxt } from './read';
import type { BlobProto, NetParameter } from './schema';

export { CaffeConvertError } from './convert';
export { CaffeNetError } from './net';
export { CaffeFileError, PrototxtError } from './read';

/** A file given by path (read from disk) or by its bytes / text. */
export type CaffeFile = string | Uint8Array;

export interface CaffeSources {
  /** Deploy net: a path to a .prototxt, or its bytes. */
  prototxt: CaffeFile;
  /** Trained weights: a path to a .caffemodel (V1 or V2; matched to the net by layer name), or its bytes. */
  caffemodel: CaffeFile;
  /** Optional mean image (.binaryproto, C×H×W in the net's channel order). */
  mean?: CaffeFile;
  /** File names used in messages when bytes are given (default 'net.prototxt' etc.). */
  names?: { prototxt?: string; caffemodel?: string; mean?: string };
  /** Full input shape with batch (e.g. [1, 3, 227, 227]) where the net does not give one. */
  inputShape?: number[];
}

export interface CaffeImport extends ImportedModel {
  layers: ImportedLayer[];
  /** Layers with their nominal output shapes (batch included), in graph order. */
  shapes: { name: string; type: string; tensor: string; shape: number[] }[];
  /** Layers left out at inference (losses, accuracy, TRAIN-phase layers, ArgMax) with the reason. */
  dropped: CaffeNet['dropped'];
}

const isPath = (f: CaffeFile): f is string => typeof f === 'string';

/** Reads a file in chunks so a 500 MB caffemodel reports progress while it loads. */
async function readWithProgress(path: string, report: (done: number, total: number) => void): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new Error(`${path}: cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const { size } = await fh.stat();
    const buf = new Uint8Array(size);
    const chunk = 16 << 20;
    let pos = 0;
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, pos, Math.min(chunk, size - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      report(pos, size);
    }
    return pos === size ? buf : buf.subarray(0, pos);
  } finally {
    await fh.close();
  }
}

/**
 * Converts a Caffe model to ONNX.
 *
 * `importCaffe({ prototxt, caffemodel, mean? }, onProgress?)` — each file is a path (string) or its
 * bytes (Uint8Array). Resolves to an ImportedModel:
 * - `onnx`: ONNX opset 13, batch dimension dynamic ('batch'), 4-D image inputs with dynamic height
 *   and width (fully convolutional nets run at any size). Every Caffe layer's output is a tensor
 *   named after the layer; in-place layers get their own ("conv1" pre-ReLU, "relu1" post-ReLU);
 *   layers with several tops name them "<layer>/<top>". InnerProduct is (Flatten) + Gemm(transB=1)
 *   with a weight initializer [out, in] named "<layer>/weights".
 * - `manifest`: proposed from the net — id/name, format 'caffe', files (the prototxt's basename, the
 *   caffemodel relative to the prototxt's folder),
 *   input { name, shape [1, C, H, W], layout 'NCHW' }, preprocess (colour 'bgr' for 3 channels,
 *   'gray' for 1; scale / mean_value of a data layer's transform_param; meanFile = the mean path,
 *   or per-channel `mean` when the mean was given as bytes), output { name: last layer, softmax:
 *   false when the net ends in Softmax }, labels '0'…'N−1' (none past 100,000 classes). No panels:
 *   the app's default layout chooses them from the graph, the same for every format.
 * - `layers`: every converted layer in graph order (inputs and dropped training layers excluded).
 * The ONNX bytes are a plain Uint8Array (not a Node Buffer).
 * Progress: reading 0–0.45, decoding weights 0.45–0.75, converting 0.75–0.95, encoding to 1.
 * Errors (thrown, never a crash): PrototxtError (file:line:column), CaffeFileError (truncated or
 * corrupt binary, with byte offset), CaffeNetError / CaffeConvertError (name the layer, its line,
 * and the missing/mis-shaped blob or unsupported type).
 */
export async function importCaffe(src: CaffeSources, onProgress?: ProgressFn): Promise<CaffeImport> {
  const report = (f: number, detail: string) => onProgress?.(Math.max(0, Math.min(1, f)), detail);
  const protoName = isPath(src.prototxt) ? basename(src.prototxt) : (src.names?.prototxt ?? 'net.prototxt');
  const modelName = isPath(src.caffemodel) ? basename(src.caffemodel) : (src.names?.caffemodel ?? 'weights.caffemodel');
  const meanName = src.mean === undefined ? undefined : isPath(src.mean) ? basename(src.mean) : (src.names?.mean ?? 'mean.binaryproto');

  report(0, `reading ${protoName}`);
  const protoBytes = isPath(src.prototxt) ? await readWithProgress(src.prototxt, () => {}) : src.prototxt;
  const param = parsePrototxt<NetParameter>(new TextDecoder().decode(protoBytes), protoName);
  const net = buildNet(param, protoName, src.inputShape);

  const modelBytes = isPath(src.caffemodel)
    ? await readWithProgress(src.caffemodel, (d, t) => report(0.45 * (t ? d / t : 1), `reading ${modelName}: ${(d / 2 ** 20).toFixed(1)} of ${(t / 2 ** 20).toFixed(1)} MB`))
    : src.caffemodel;
  report(0.45, `decoding ${modelName}`);
  let lastReport = 0;
  const weightsParam = decodeCaffe<NetParameter>('NetParameter', modelBytes, {
    file: modelName,
    onProgress: (d, t) => {
      if (d - lastReport > 4 << 20 || d === t) {
        lastReport = d;
        report(0.45 + 0.3 * (d / t), `decoding ${modelName}`);
      }
    },
  });
  const weights = weightsByLayer(weightsParam);
  // Yield once so a host's event loop can deliver the progress messages before the conversion.
  await new Promise((r) => setImmediate(r));

  const converted = convertNet(net, weights, {
    prototxtName: protoName,
    caffemodelName: modelName,
    onProgress: (f) => report(0.75 + 0.2 * f, 'converting layers'),
  });

  let meanBlob: BlobProto | undefined;
  if (src.mean !== undefined) {
    const bytes = isPath(src.mean) ? await readWithProgress(src.mean, () => {}) : src.mean;
    meanBlob = decodeCaffe<BlobProto>('BlobProto', bytes, { file: meanName as string });
    meanChannels(meanBlob, meanName as string, converted.inputs[0].shape[1] ?? 1);
  }

  report(0.95, 'encoding ONNX');
  // One copy of the weights; the result is a plain Uint8Array (not a Node Buffer, whose decoded
  // tensor bytes would be views that readers calling rawData.slice() misread).
  const onnx = encodeOnnx(converted.model);
  report(1, 'done');
  return {
    onnx,
    manifest: proposeManifest(net, converted, {
      prototxt: protoName,
      // Manifest paths are relative to the manifest, which sits beside the prototxt.
      caffemodel: isPath(src.caffemodel) && isPath(src.prototxt) ? relative(dirname(resolve(src.prototxt)), resolve(src.caffemodel)) : modelName,
      meanPath: src.mean !== undefined && isPath(src.mean) ? resolve(src.mean) : undefined,
      meanBlob,
    }),
    layers: converted.layers.map((l) => ({ tensor: l.tensor, name: l.name, op: l.type })),
    shapes: converted.layers,
    dropped: net.dropped,
  };
}

/**
 * The channel count of a mean image (C×H×W after dropping leading 1s), checked against its values
 * and the net's input channels.
 */
function meanChannels(b: BlobProto, file: string, inputChannels: number): number {
  let dims = checkedBlobShape(b, `${file}: mean`);
  while (dims.length > 3 && dims[0] === 1) dims = dims.slice(1);
  if (dims.length !== 3) throw new CaffeNetError(`${file}: mean has shape ${dims.join('×')}, expected C×H×W`);
  if (dims[0] !== inputChannels) throw new CaffeNetError(`${file}: mean has ${dims[0]} channels, the net's input has ${inputChannels}`);
  return dims[0];
}

/** Per-channel averages of a mean image whose shape meanChannels checked. */
function channelMeans(b: BlobProto): number[] {
  const data = blobData(b);
  let dims = blobShape(b);
  while (dims.length > 3 && dims[0] === 1) dims = dims.slice(1);
  const c = dims[0];
  const per = data.length / c;
  return Array.from({ length: c }, (_, i) => {
    let s = 0;
    for (let j = i * per; j < (i + 1) * per; j++) s += data[j];
    return s / per;
  });
}

/** The manifest a Caffe net suggests (the user can edit it; see importCaffe for the rules). */
export function proposeManifest(
  net: CaffeNet,
  conv: ConvertedNet,
  files: { prototxt: string; caffemodel: string; meanPath?: string; meanBlob?: BlobProto },
): Partial<ModelManifest> {
  const input = conv.inputs[0];
  const c = input.shape[1] ?? 1;
  const preprocess: Preprocess = { colour: c === 3 ? 'bgr' : 'gray' };
  const t = net.transform;
  if (t?.scale !== undefined && t.scale !== 1) preprocess.scale = t.scale;
  if (files.meanPath) preprocess.meanFile = files.meanPath;
  else if (files.meanBlob) preprocess.mean = channelMeans(files.meanBlob);
  // Per-channel means are for images (1 to 4 channels); more would size a list by a declared dim.
  else if (t?.mean_value && t.mean_value.length > 0 && c <= 4) {
    preprocess.mean = t.mean_value.length === 1 ? new Array(c).fill(t.mean_value[0]) : t.mean_value.slice(0, c);
  }

  const layers = conv.layers;
  const last = layers[layers.length - 1];
  const classes = last.shape.length >= 2 ? last.shape[1] : 1;
  const labels = proposedLabels(classes);

  const id = `caffe-${net.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'net'}`;
  return {
    id,
    name: net.name,
    format: 'caffe',
    files: { model: files.prototxt, weights: files.caffemodel },
    input: { name: input.name, shape: [1, ...input.shape.slice(1)], layout: 'NCHW', dtype: 'float32' },
    output: { name: last.tensor, softmax: last.type !== 'Softmax' },
    preprocess,
    ...(labels ? { labels } : {}),
  };
}

const NET = ['.prototxt', '.pbtxt'];
const WEIGHTS = ['.caffemodel'];
const MEAN = ['.binaryproto'];

/** The Caffe member of the importer registry: deploy net + trained weights (+ mean image). */
export const caffeImporter: Importer = {
  format: 'caffe',
  label: 'Caffe',
  description: 'a deploy .prototxt with its .caffemodel, optionally a mean .binaryproto',
  extensions: [...NET, ...WEIGHTS, ...MEAN],
  options: ['inputShape'],
  match(paths) {
    const nets = withExtension(paths, NET);
    const weights = withExtension(paths, WEIGHTS);
    const means = withExtension(paths, MEAN);
    if (nets.length + weights.length + means.length === 0) return null;
    const net = atMostOne(nets, '.prototxt files');
    if (!net) {
      throw new Error(weights.length
        ? `${basename(weights[0])}: a Caffe model also needs its deploy .prototxt`
        : `${basename(means[0])}: a mean file goes with a Caffe model; also give its deploy .prototxt and .caffemodel`);
    }
    const caffemodel = atMostOne(weights, '.caffemodel files');
    if (!caffemodel) throw new Error(`${basename(net)}: a Caffe net also needs its trained weights (.caffemodel)`);
    const mean = atMostOne(means, 'mean files');
    return { model: net, weights: caffemodel, extras: mean ? [mean] : [] };
  },
  async import(files, onProgress, options) {
    if (!files.weights) throw new Error(`${basename(files.model)}: a Caffe net also needs its trained weights (.caffemodel)`);
    const mean = files.extras[0];
    const model = await importCaffe(
      { prototxt: files.model, caffemodel: files.weights, ...(mean ? { mean } : {}), ...(options?.inputShape ? { inputShape: options.inputShape } : {}) },
      onProgress,
    );
    return { ...model, notes: model.dropped.map((d) => `left out ${d.name} (${d.type}): ${d.why}`) };
  },
};
