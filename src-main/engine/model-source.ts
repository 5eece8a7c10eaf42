// Where a model's bytes, manifest and labels come from. Every format goes through the importer
// registry: files the user picked, and the files a bundled model's manifest names. The manifest is
// the bundled one, one picked with the model files or sitting beside the model (<name>.json), or
// else the one the importer proposes (with the user's overrides merged in).
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { BundledModel, ModelManifest, ModelSource } from '../../src-shared/contract';
import { matchModelFiles, modelFilePaths, type MatchedModel } from '../importers/registry';
import type { ImportedLayer, ImportedModel, ProgressFn } from '../importers/types';
import { checkInputSizeKnown } from '../models/check';
import { faceModelHints, proposeFaceModel } from '../models/face-proposal';
import { manifestBeside } from '../models/folder-manifest';
import { ManifestError, mergeManifest, readManifest, validateManifest } from '../models/manifest';
import { decodeModel, type ModelProto } from '../onnx/proto';

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

const stem = (path: string) => basename(path, extname(path));

/** A manifest must describe a model of the format its files are. */
function checkFormat(manifest: ModelManifest, matched: MatchedModel, manifestFile: string): void {
  if (manifest.format !== matched.importer.format) {
    throw new ManifestError(`${manifestFile}: format is '${manifest.format}', but the model files are ${matched.importer.label} (${basename(matched.files.model)})`);
  }
}

async function importMatched(matched: MatchedModel, onProgress?: ProgressFn): Promise<{ imported: ImportedModel; proto: ModelProto }> {
  onProgress?.(0, `reading ${matched.importer.label} model`);
  const imported = await matched.importer.import(matched.files, onProgress);
  if (imported.proto) return { imported, proto: imported.proto };
  try {
    return { imported, proto: decodeModel(imported.onnx) };
  } catch (e) {
    throw new Error(`${basename(matched.files.model)} (converted): ${(e as Error).message}`);
  }
}

function resolvedModel(
  matched: MatchedModel, imported: ImportedModel, proto: ModelProto, source: string,
  manifest: { manifest: ModelManifest; manifestFile: string; manifestDir: string; labelsProposed: boolean },
): ResolvedModel {
  const files = modelFilePaths(matched.files);
  return {
    ...manifest, onnx: imported.onnx, proto, ...(imported.layers ? { layers: imported.layers } : {}), source,
    file: files.length === 1 ? files[0] : files.map((p) => basename(p)).join(' + '),
  };
}

/** Resolves a ModelSource to ONNX bytes, a validated manifest and labels. */
export async function resolveModel(source: ModelSource, assetsDir: string, onProgress?: ProgressFn): Promise<ResolvedModel> {
  if ('bundled' in source) {
    if (!SAFE_ID.test(source.bundled)) throw new Error(`bundled model '${source.bundled}': not a model id`);
    const dir = join(assetsDir, source.bundled);
    const file = join(dir, 'manifest.json');
    if (!existsSync(file)) throw new Error(`bundled model '${source.bundled}': ${file} not found`);
    const manifest = readManifest(file);
    const paths = [manifest.files.model, ...(manifest.files.weights ? [manifest.files.weights] : [])].map((p) => resolve(dir, p));
    let matched: MatchedModel;
    try {
      matched = matchModelFiles(paths);
    } catch (e) {
      throw new ManifestError(`${file}: files: ${(e as Error).message}`);
    }
    checkFormat(manifest, matched, file);
    const { imported, proto } = await importMatched(matched, onProgress);
    return resolvedModel(matched, imported, proto, 'bundled', { manifest, manifestFile: file, manifestDir: dir, labelsProposed: false });
  }

  const matched = matchModelFiles(source.paths.map((p) => resolve(p)));
  const { files, importer } = matched;
  const sourceText = modelFilePaths(files).join(', ');
  const manifestFile = matched.manifest ?? manifestBeside(files.model);

  if (manifestFile) {
    // The manifest is checked before the model is converted: a mistake in it costs no conversion.
    const base = readManifest(manifestFile);
    checkFormat(base, matched, manifestFile);
    const manifest = source.manifest ? validateManifest(mergeManifest(base, source.manifest), `${manifestFile} (with overrides)`) : base;
    // The manifest names the model files relative to itself; the files given win.
    manifest.files = { model: files.model, ...(files.weights ? { weights: files.weights } : {}) };
    const { imported, proto } = await importMatched(matched, onProgress);
    return resolvedModel(matched, imported, proto, sourceText, { manifest, manifestFile, manifestDir: dirname(manifestFile), labelsProposed: false });
  }

  const { imported, proto } = await importMatched(matched, onProgress);
  const proposed = mergeManifest(proposeFaceModel({ ...imported.manifest }, faceModelHints(imported, proto, modelFilePaths(files))), source.manifest);
  proposed.format ??= importer.format;
  proposed.id ??= stem(files.model).replace(/[^A-Za-z0-9_.-]/g, '_') || 'model';
  proposed.name ??= basename(files.model);
  proposed.files ??= { model: basename(files.model), ...(files.weights ? { weights: files.weights } : {}) };
  const labelsProposed = proposed.labels === undefined;
  if (labelsProposed) proposed.labels = ['(classes)'];
  checkInputSizeKnown(proposed, files.model, `${stem(files.model)}.json`);
  const where = `${basename(files.model)} (proposed manifest)`;
  const manifest = validateManifest(proposed, where);
  return resolvedModel(matched, imported, proto, sourceText, { manifest, manifestFile: where, manifestDir: dirname(files.model), labelsProposed });
}
