// Where a model's bytes, manifest and labels come from: a bundled folder, an .onnx file (with its
// manifest beside it or a proposed one), or files of another format converted by an importer.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { BundledModel, ModelManifest, ModelSource } from '../../src-shared/contract';
import { classifyModelFiles, importModelFiles } from '../importers/index';
import type { ImportedLayer, ProgressFn } from '../importers/types';
import { mergeManifest, readManifest, validateManifest } from '../models/manifest';
import { decodeModel, DataType, type ModelProto } from '../onnx/proto';

export interface ResolvedModel {
  manifest: ModelManifest;
  /** The manifest file (or a description of where the manifest came from) for messages. */
  manifestFile: string;
  /** Folder relative paths in the manifest resolve against. */
  manifestDir: string;
  /** Labels were made up ("class 0" …) because nothing named the classes. */
  labelsProposed: boolean;
  onnx: Uint8Array;
  proto: ModelProto;
  /** Imported models: exactly the layers to show. */
  layers?: ImportedLayer[];
  /** 'bundled' or the model's file paths. */
  source: string;
  /** The model file(s) as named in error messages. */
  file: string;
}

const SAFE_ID = /^[A-Za-z0-9_.-]+$/;

/** The bundled models: every folder under assetsDir with a valid manifest.json. */
export function listBundled(assetsDir: string): BundledModel[] {
  let entries: string[];
  try {
    entries = readdirSync(assetsDir).sort();
  } catch {
    return [];
  }
  const out: BundledModel[] = [];
  for (const e of entries) {
    const file = join(assetsDir, e, 'manifest.json');
    if (!existsSync(file)) continue;
    try {
      const m = readManifest(file);
      out.push({ id: m.id, name: m.name, ...(m.description ? { description: m.description } : {}) });
    } catch {
      // A broken bundled manifest shows up as an error when someone loads it, not here.
    }
  }
  return out;
}

function readModelBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read model file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function decodeOnnx(bytes: Uint8Array, file: string): ModelProto {
  try {
    return decodeModel(bytes);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

/** Graph inputs that are real inputs (IR < 4 lists initializers as inputs too). */
export function dataInputs(proto: ModelProto): ModelProto['graph']['input'] {
  const inits = new Set(proto.graph.initializer.map((t) => t.name));
  return proto.graph.input.filter((i) => !inits.has(i.name));
}

/** A manifest guessed from the graph, for an .onnx without one. */
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

/** Resolves a ModelSource to ONNX bytes, a validated manifest and labels. */
export async function resolveModel(source: ModelSource, assetsDir: string, onProgress?: ProgressFn): Promise<ResolvedModel> {
  if ('bundled' in source) {
    if (!SAFE_ID.test(source.bundled)) throw new Error(`bundled model '${source.bundled}': not a model id`);
    const dir = join(assetsDir, source.bundled);
    const file = join(dir, 'manifest.json');
    if (!existsSync(file)) throw new Error(`bundled model '${source.bundled}': ${file} not found`);
    const manifest = readManifest(file);
    return fromManifest(manifest, file, dir, 'bundled', onProgress);
  }
  const paths = source.paths.map((p) => resolve(p));
  const jsons = paths.filter((p) => extname(p).toLowerCase() === '.json');
  const files = classifyModelFiles(paths);
  if (files.format === 'onnx') {
    const sidecar = jsons[0] ?? join(dirname(files.model), `${basename(files.model, extname(files.model))}.json`);
    if (existsSync(sidecar)) {
      const base = readManifest(sidecar);
      const merged = mergeManifest(base, source.manifest);
      const manifest = source.manifest ? validateManifest(merged, `${sidecar} (with overrides)`) : base;
      // The sidecar names the model file relative to itself; the picked file wins.
      manifest.files = { ...manifest.files, model: files.model };
      return fromManifest(manifest, sidecar, dirname(sidecar), files.model, onProgress);
    }
    onProgress?.(0.1, 'reading');
    const bytes = readModelBytes(files.model);
    const proto = decodeOnnx(bytes, files.model);
    const proposed = mergeManifest(proposeOnnxManifest(proto, files.model), source.manifest);
    const labelsProposed = proposed.labels === undefined;
    if (labelsProposed) proposed.labels = ['(classes)'];
    const where = `${files.model} (proposed manifest)`;
    if (!proposed.input?.shape || proposed.input.shape.some((d) => !(d > 0))) {
      throw new Error(`${files.model}: input ${proposed.input?.name ?? ''} has no fixed size [${proposed.input?.shape?.join(', ') ?? '?'}]; give input.shape in a manifest beside the model (${basename(files.model, extname(files.model))}.json)`);
    }
    const manifest = validateManifest(proposed, where);
    return { manifest, manifestFile: where, manifestDir: dirname(files.model), labelsProposed, onnx: bytes, proto, source: files.model, file: files.model };
  }
  onProgress?.(0, `converting ${files.format} model`);
  const imported = await importModelFiles(files, onProgress);
  const first = files.format === 'caffe' ? files.prototxt : files.model;
  const proposed = mergeManifest({ ...imported.manifest }, source.manifest);
  proposed.format ??= files.format;
  proposed.id ??= basename(first, extname(first)).replace(/[^A-Za-z0-9_.-]/g, '_');
  proposed.name ??= basename(first);
  proposed.files ??= files.format === 'caffe' ? { model: files.prototxt, weights: files.caffemodel } : { model: files.model };
  const labelsProposed = proposed.labels === undefined;
  if (labelsProposed) proposed.labels = ['(classes)'];
  const where = `${basename(first)} (proposed manifest)`;
  const manifest = validateManifest(proposed, where);
  const proto = decodeOnnx(imported.onnx, `${basename(first)} (converted)`);
  return {
    manifest, manifestFile: where, manifestDir: dirname(first), labelsProposed, onnx: imported.onnx, proto,
    layers: imported.layers, source: paths.join(', '), file: paths.map((p) => basename(p)).join(' + '),
  };
}

async function fromManifest(manifest: ModelManifest, file: string, dir: string, source: string, onProgress?: ProgressFn): Promise<ResolvedModel> {
  const modelPath = resolve(dir, manifest.files.model);
  if (manifest.format === 'onnx') {
    onProgress?.(0.1, 'reading');
    const bytes = readModelBytes(modelPath);
    return { manifest, manifestFile: file, manifestDir: dir, labelsProposed: false, onnx: bytes, proto: decodeOnnx(bytes, modelPath), source, file: modelPath };
  }
  const paths = [modelPath, ...(manifest.files.weights ? [resolve(dir, manifest.files.weights)] : [])];
  const files = classifyModelFiles(paths);
  if (files.format === 'onnx') throw new Error(`${file}: format is '${manifest.format}' but files.model is an .onnx file`);
  const imported = await importModelFiles(files, onProgress);
  return {
    manifest, manifestFile: file, manifestDir: dir, labelsProposed: false, onnx: imported.onnx,
    proto: decodeOnnx(imported.onnx, `${modelPath} (converted)`), layers: imported.layers, source, file: paths.join(' + '),
  };
}
