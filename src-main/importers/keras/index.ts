// Keras importer: Keras 2 .h5/.hdf5, Keras 3 .keras and TF.js Layers (model.json + .bin shards)
// → ONNX in memory. Reader: files.ts (the three file kinds), config.ts (the model config),
// weights.ts (where each format keeps a layer's variables). Conversion: convert.ts with one
// handler per layer class in ops/. Layer metadata: layers.ts.
import { basename, extname } from 'node:path';
import { closeSync, openSync, readSync } from 'node:fs';
import type { ModelManifest } from '../../../src-shared/contract';
import { encodeOnnx } from '../../onnx/writer';
import type { ImportedLayer, ImportedModel, Importer, ModelFiles, ProgressFn } from '../types';
import { atMostOne, extensionOf, withExtension } from '../file-match';
import { convertModel, type ConvertedLayer, type ConvertedModel } from './convert';
import { readKerasSource } from './files';
import type { Dim } from './ops/types';

export { KerasModelError } from './config';
export { KerasConvertError } from './convert';

export interface KerasImport extends ImportedModel {
  layers: ImportedLayer[];
  /** Layers with their Keras output shapes (batch first, NHWC, null where not fixed), graph order. */
  shapes: ConvertedLayer[];
  /** The graph input's Keras shape. */
  inputShape: Dim[];
}

/** Image size proposed when the model takes any size (fully convolutional). */
const DEFAULT_SIZE = 224;

/**
 * Converts a Keras model to ONNX.
 *
 * `importKeras(path, extras?, onProgress?)` — `path` is a .h5/.hdf5 (Keras 2 `model.save`), a
 * .keras archive (Keras 3) or a TF.js model.json (`extras`: its .bin shards; by default they are
 * looked up beside it). Resolves to:
 * - `onnx`: opset 13; input named after the InputLayer in Keras's layout (NHWC, batch dynamic);
 *   inside, images run NCHW; every layer's output is a tensor named after the layer (nested
 *   models' layers as `outer/inner`), NCHW for images.
 * - `manifest`: input shape [1, H, W, C] with layout NHWC (H, W proposed as 224 when the model
 *   takes any size), colour gray (1 channel) or rgb, scale 1/255, output { softmax: false when
 *   the model ends in a softmax }, labels '0'…'N−1'.
 * - `layers`: every layer in graph order (input layers excluded).
 * Progress: reading and unpacking 0–0.3, weights and conversion 0.3–0.9, encoding to 1.
 * Errors (KerasModelError, KerasConvertError; never a crash) name the file and the layer.
 */
export async function importKeras(path: string, extras: readonly string[] = [], onProgress?: ProgressFn): Promise<KerasImport> {
  const report = (f: number, detail: string) => onProgress?.(Math.max(0, Math.min(1, f)), detail);
  const file = basename(path);
  report(0, `reading ${file}`);
  const src = await readKerasSource(path, extras, (f) => report(0.3 * f, `reading ${file}`));
  let converted: ConvertedModel;
  try {
    // Weights are read in slices; each report adds one slice's bytes. Reports to the caller come
    // every 1% of the file, so a large kernel moves the bar smoothly and many small ones cannot flood it.
    let bytes = 0;
    let lastReport = 0;
    const step = src.weightBytes / 100;
    let layerFraction = 0;
    const progress = () => {
      const byBytes = src.weightBytes ? bytes / src.weightBytes : 0;
      report(0.3 + 0.6 * Math.max(layerFraction, Math.min(byBytes, 1)), 'converting layers');
    };
    converted = await convertModel(src.model, {
      file: src.file,
      keras: src.keras,
      weights: src.weights,
      onProgress: (f) => {
        layerFraction = f;
        progress();
      },
      onWeightBytes: (n) => {
        bytes += n;
        if (bytes - lastReport >= step) {
          lastReport = bytes;
          progress();
        }
      },
    });
  } finally {
    src.close();
  }
  report(0.9, 'encoding ONNX');
  const onnx = encodeOnnx(converted.model);
  report(1, 'done');
  return {
    onnx,
    manifest: proposeManifest(converted, file),
    layers: converted.layers.map((l) => ({ tensor: l.tensor, name: l.name, op: l.type })),
    shapes: converted.layers,
    inputShape: converted.input.shape,
    notes: converted.notes,
  };
}

/** The manifest a Keras model suggests (see importKeras); the user edits it in Input settings. */
export function proposeManifest(conv: ConvertedModel, file: string): Partial<ModelManifest> {
  const s = conv.input.shape;
  const manifest: Partial<ModelManifest> = {
    id: `keras-${basename(file, extname(file)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'model'}`,
    name: basename(file),
    format: 'keras',
    files: { model: basename(file) },
  };
  if (s.length === 4) {
    const [h, w, c] = [s[1], s[2], s[3]];
    if (h === null || w === null) conv.notes.push(`the model takes images of any size; proposing ${DEFAULT_SIZE}×${DEFAULT_SIZE} (change it in Input settings)`);
    manifest.input = { name: conv.input.name, shape: [1, h ?? DEFAULT_SIZE, w ?? DEFAULT_SIZE, c ?? 3], layout: 'NHWC', dtype: 'float32' };
    manifest.preprocess = { colour: c === 1 ? 'gray' : 'rgb', scale: 1 / 255 };
  } else {
    manifest.input = { name: conv.input.name, shape: [1, ...s.slice(1).map((d) => d ?? 1)], layout: 'NCHW', dtype: 'float32' };
    manifest.preprocess = { colour: 'gray', scale: 1 / 255 };
  }
  const out = conv.outputs[0];
  // Follow Identity nodes back to the operation that made the output.
  const byOutput = new Map(conv.model.graph.node.map((n) => [n.output[0], n]));
  let producer = byOutput.get(out);
  while (producer?.opType === 'Identity') producer = byOutput.get(producer.input[0]);
  manifest.output = { name: out, softmax: producer?.opType !== 'Softmax' };
  const last = conv.layers.find((l) => l.tensor === out);
  const classes = last?.shape[last.shape.length - 1];
  if (typeof classes === 'number' && classes > 0 && classes <= 100_000) manifest.labels = Array.from({ length: classes }, (_, i) => String(i));
  return manifest;
}

const KERAS_EXT = ['.h5', '.hdf5', '.keras'];

/**
 * Synchronous sniff of a .json: a TF.js Layers model.json? Only its beginning is read (the registry
 * matches synchronously and a model.json can be tens of megabytes); import parses it in full.
 */
function looksLikeTfjs(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = new Uint8Array(1 << 16);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return /"modelTopology"|"weightsManifest"|"format"\s*:\s*"layers-model"/.test(new TextDecoder().decode(buf.subarray(0, n)));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export const kerasImporter: Importer = {
  format: 'keras',
  label: 'Keras',
  description: 'a Keras .h5 / .hdf5 or .keras model, or a TF.js model.json with its .bin weight files',
  extensions: ['.h5', '.hdf5', '.keras', '.json', '.bin'],
  match(paths: readonly string[]): ModelFiles | null {
    const models = withExtension(paths, KERAS_EXT);
    const jsons = withExtension(paths, ['.json']).filter(looksLikeTfjs);
    const bins = withExtension(paths, ['.bin']);
    const model = atMostOne([...models, ...jsons], 'Keras models', 'open one model at a time');
    if (model === undefined) {
      if (bins.length) throw new Error(`${basename(bins[0])}: a TF.js weight file also needs its model.json`);
      return null;
    }
    if (extensionOf(model) !== '.json') {
      if (bins.length) throw new Error(`${basename(bins[0])}: .bin weight files belong to a TF.js model.json, not to ${basename(model)}`);
      return { model, extras: [] };
    }
    // TF.js: the .bin files given are its shards; import reads the manifest, finds the shards not
    // given beside model.json and names any that is missing or not one of its weight files.
    return { model, extras: bins };
  },
  async import(files: ModelFiles, onProgress?: ProgressFn): Promise<ImportedModel> {
    return importKeras(files.model, files.extras, onProgress);
  },
};
