// Reading the three Keras file kinds into one shape: the model config, the weights, the version.
// - Keras 2 `.h5` / `.hdf5` (model.save): `model_config`, `keras_version`, `backend` attributes and
//   `model_weights/<layer>/…` datasets named by `weight_names`.
// - Keras 3 `.keras`: a zip of config.json, metadata.json and model.weights.h5, whose variables sit
//   at `layers/<snake_case class>[_N]/vars/<i>` (nested models: `…/layers/…` below theirs).
// - TF.js Layers: model.json (modelTopology + weightsManifest) and its binary weight shards.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { halfToFloat } from '../../onnx/proto';
import { Hdf5Error, Hdf5File } from '../../formats/hdf5';
import { readZip, ZipError } from '../../formats/zip';
import { extensionOf } from '../file-match';
import { isObj, KerasModelError, parseJson, parseModel, type Json, type KerasModel } from './config';
import type { KerasFlavour } from './ops/types';
import { H5NamedStore, H5PositionalStore, NamedArrayStore, type Weight, type WeightStore } from './weights';

export interface KerasSource {
  model: KerasModel;
  weights: WeightStore;
  keras: KerasFlavour;
  /** File name for messages. */
  file: string;
  /** Bytes of weights the file holds (for progress). */
  weightBytes: number;
  /** Releases open files and temporary copies. */
  close(): void;
}

/** Largest JSON (config, model.json) read into memory. */
const MAX_JSON = 64 << 20;

export function flavour(version: string, tfjs = false): KerasFlavour {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return { version, major: m ? Number(m[1]) : tfjs ? 2 : 0, minor: m ? Number(m[2]) : 0, tfjs };
}

/** A text attribute (HDF5 stores them as strings or byte arrays). */
const text = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);

async function openH5(path: string, name: string): Promise<Hdf5File> {
  try {
    return await Hdf5File.open(path, name);
  } catch (e) {
    if (e instanceof Hdf5Error) throw new KerasModelError(e.message);
    throw e;
  }
}

/** Keras 2 (or Keras 3 legacy) `.h5` full model. */
export async function readH5Model(path: string): Promise<KerasSource> {
  const file = basename(path);
  const h5 = await openH5(path, file);
  try {
    const config = text(h5.attr('/', 'model_config'));
    if (config === undefined) {
      const weightsOnly = h5.attr('/', 'layer_names') !== undefined || h5.kind('layers') === 'group' || h5.kind('vars') === 'group' || h5.kind('model_weights') === 'group';
      throw new KerasModelError(
        weightsOnly
          ? `${file}: holds weights only (no model_config); save the whole model with model.save(), or open the .keras / model.json that has the architecture`
          : `${file}: an HDF5 file but not a Keras model (no model_config attribute)`,
      );
    }
    const version = text(h5.attr('/', 'keras_version')) ?? text(h5.attr('model_weights', 'keras_version')) ?? '';
    if (version.startsWith('1.')) throw new KerasModelError(`${file}: saved by Keras ${version}; Keras 1 models are not supported (load and re-save it with Keras 2)`);
    const backend = text(h5.attr('/', 'backend')) ?? text(h5.attr('model_weights', 'backend'));
    if (backend === 'theano') throw new KerasModelError(`${file}: saved with the Theano backend, whose convolution kernels are flipped; re-save it with TensorFlow`);
    const model = parseModel(parseJson(config, `${file} (model_config)`), { file });
    const root = h5.kind('model_weights') === 'group' ? 'model_weights' : '';
    return { model, weights: new H5NamedStore(h5, root), keras: flavour(version), file, weightBytes: h5.size, close: () => h5.close() };
  } catch (e) {
    h5.close();
    throw e;
  }
}

/** Keras 3 `.keras` archive: the weights file is unpacked to a temporary folder and read from there. */
export async function readKerasArchive(path: string, onProgress?: (f: number) => void): Promise<KerasSource> {
  const file = basename(path);
  const dir = mkdtempSync(join(tmpdir(), 'convscope-keras-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let h5: Hdf5File | undefined;
  try {
    const size = statSync(path).size;
    let contents;
    try {
      contents = await readZip(
        path,
        (m) =>
          m === 'config.json' ? { memory: MAX_JSON } : m === 'metadata.json' ? { memory: 1 << 20 } : m === 'model.weights.h5' ? { file: join(dir, 'model.weights.h5'), maxBytes: Math.max(size * 100, 64 << 20) } : 'skip',
        { name: file, onProgress },
      );
    } catch (e) {
      if (e instanceof ZipError) throw new KerasModelError(`${e.message} (a .keras file is a zip archive)`);
      throw e;
    }
    const config = contents.memory.get('config.json');
    if (!config) throw new KerasModelError(`${file}: no config.json in the archive (members: ${contents.names.slice(0, 6).join(', ') || 'none'})`);
    if (!contents.files.has('model.weights.h5')) {
      throw new KerasModelError(contents.names.includes('model.weights.npz') ? `${file}: weights saved as .npz are not supported (save with the default h5 weights format)` : `${file}: no model.weights.h5 in the archive`);
    }
    const meta = contents.memory.get('metadata.json');
    let version = '3';
    if (meta) {
      const m = parseJson(new TextDecoder().decode(meta), `${file} (metadata.json)`);
      if (isObj(m) && typeof m.keras_version === 'string') version = m.keras_version;
    }
    const model = parseModel(parseJson(new TextDecoder().decode(config), `${file} (config.json)`), { file });
    h5 = await openH5(join(dir, 'model.weights.h5'), `${file} (model.weights.h5)`);
    const opened = h5;
    return {
      model, weights: new H5PositionalStore(opened), keras: flavour(version), file, weightBytes: opened.size,
      close: () => {
        opened.close();
        cleanup();
      },
    };
  } catch (e) {
    h5?.close();
    cleanup();
    throw e;
  }
}

interface ManifestGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string; quantization?: { dtype: string; scale?: number; min?: number } }[];
}

/**
 * The weight shard files a model.json names, resolved against the files given (or its folder);
 * each must exist, and each file given must be one of them.
 */
function tfjsShards(modelJson: string, given: readonly string[]): { json: { [k: string]: Json }; groups: ManifestGroup[]; paths: string[][] } {
  const file = basename(modelJson);
  let raw: string;
  try {
    if (statSync(modelJson).size > MAX_JSON) throw new KerasModelError(`${file}: larger than ${MAX_JSON >> 20} MB`);
    raw = readFileSync(modelJson, 'utf8');
  } catch (e) {
    if (e instanceof KerasModelError) throw e;
    throw new KerasModelError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const json = parseJson(raw, file);
  if (!isObj(json)) throw new KerasModelError(`${file}: not a TF.js model`);
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) throw new KerasModelError(`${file}: no weightsManifest (a TF.js model.json lists its weight files there)`);
  const byBase = new Map(given.map((p) => [basename(p), p]));
  const groups: ManifestGroup[] = [];
  const paths: string[][] = [];
  manifest.forEach((g, i) => {
    if (!isObj(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights)) throw new KerasModelError(`${file}: weightsManifest group ${i + 1} is malformed`);
    // Every entry is checked before a shape sizes anything or a name is taken apart.
    (g.weights as unknown[]).forEach((w, k) => {
      const ok = isObj(w) && typeof w.name === 'string' && typeof w.dtype === 'string' && Array.isArray(w.shape) &&
        w.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0) && (w.quantization === undefined || isObj(w.quantization));
      if (!ok) {
        const name = isObj(w) && typeof w.name === 'string' ? ` (${w.name.slice(0, 80)})` : '';
        throw new KerasModelError(`${file}: weightsManifest group ${i + 1}, weight ${k + 1}${name} is malformed (it needs a name, a dtype and a shape of whole numbers ≥ 0)`);
      }
    });
    const ps = g.paths.map((p) => {
      if (typeof p !== 'string') throw new KerasModelError(`${file}: weightsManifest group ${i + 1}: a path is not a string`);
      return byBase.get(basename(p)) ?? join(dirname(modelJson), p);
    });
    for (const p of ps) {
      try {
        statSync(p);
      } catch {
        throw new KerasModelError(`${file}: weight file ${basename(p)} is missing (pick it together with ${file})`);
      }
    }
    groups.push(g as unknown as ManifestGroup);
    paths.push(ps);
  });
  const shards = new Set(paths.flat());
  const stray = given.find((p) => !shards.has(p));
  if (stray !== undefined) throw new KerasModelError(`${basename(stray)}: not a weight file of ${file}`);
  return { json, groups, paths };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1 };

/** TF.js Layers model.json + shards. */
export async function readTfjsModel(modelJson: string, given: readonly string[], onProgress?: (f: number) => void): Promise<KerasSource> {
  const file = basename(modelJson);
  const { json, groups, paths } = tfjsShards(modelJson, given);
  if (json.format === 'graph-model') throw new KerasModelError(`${file}: a TF.js graph model; only TF.js Layers models (format layers-model) are supported`);
  const topo = json.modelTopology;
  if (!isObj(topo)) throw new KerasModelError(`${file}: no modelTopology`);
  const config = isObj(topo.model_config) ? topo.model_config : topo;
  const version = typeof topo.keras_version === 'string' ? topo.keras_version : '';
  const model = parseModel(config, { file });
  const total = paths.flat().reduce((s, p) => s + statSync(p).size, 0);
  let read = 0;
  const weights = new Map<string, Weight>();
  for (let g = 0; g < groups.length; g++) {
    // One buffer per group: its shards are one byte stream cut into files.
    const sizes = paths[g].map((p) => statSync(p).size);
    const buf = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
    let pos = 0;
    for (const p of paths[g]) {
      const part = readFileSync(p);
      buf.set(part, pos);
      pos += part.length;
      read += part.length;
      onProgress?.(read / Math.max(total, 1));
    }
    let offset = 0;
    for (const w of groups[g].weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      const stored = q?.dtype ?? w.dtype;
      const size = BYTES[stored];
      if (size === undefined) throw new KerasModelError(`${file}: weight ${w.name} has dtype ${stored}, which is not supported`);
      const n = count * size;
      if (offset + n > buf.length) throw new KerasModelError(`${file}: weight ${w.name} needs bytes ${offset}–${offset + n} but the shards of group ${g + 1} hold ${buf.length} (truncated?)`);
      const bytes = buf.subarray(offset, offset + n);
      offset += n;
      if (w.dtype !== 'float32') continue; // integer variables (counts) are not used at inference
      let data: Float32Array;
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (!q) {
        data = bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, count) : new Float32Array(bytes.slice().buffer);
      } else if (q.dtype === 'float16') {
        data = Float32Array.from({ length: count }, (_, i) => halfToFloat(dv.getUint16(i * 2, true)));
      } else {
        const scale = q.scale ?? 1;
        const min = q.min ?? 0;
        data = Float32Array.from({ length: count }, (_, i) => (q.dtype === 'uint8' ? dv.getUint8(i) : dv.getUint16(i * 2, true)) * scale + min);
      }
      weights.set(w.name, { shape: w.shape, data });
    }
  }
  return { model, weights: new NamedArrayStore(weights), keras: flavour(version, true), file, weightBytes: 0, close: () => {} };
}

/** Reads any of the three kinds; `extras` are the other files picked with it (TF.js shards). */
export async function readKerasSource(model: string, extras: readonly string[], onProgress?: (f: number) => void): Promise<KerasSource> {
  if (extensionOf(model) === '.json') return readTfjsModel(model, extras, onProgress);
  // By content, not name: an HDF5 model named .keras and a zip named .h5 both occur.
  let head: Uint8Array;
  try {
    const fh = await open(model, 'r');
    try {
      const buf = new Uint8Array(8);
      const { bytesRead } = await fh.read(buf, 0, 8, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new KerasModelError(`${basename(model)}: cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (head.length === 0) throw new KerasModelError(`${basename(model)}: the file is empty`);
  const isZip = head[0] === 0x50 && head[1] === 0x4b;
  if (isZip || (extensionOf(model) === '.keras' && head[0] !== 0x89)) return readKerasArchive(model, onProgress);
  return readH5Model(model);
}
