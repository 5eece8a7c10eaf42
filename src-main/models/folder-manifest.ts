// A manifest.json in a model's folder, the way bundled models are laid out. Many repositories keep
// a manifest.json of their own (web app manifests, package lists) beside their files, so one counts
// only when it is ConvScope's and names that model; one that names it is then validated strictly,
// so a typo in it is reported instead of silently ignored.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { isModelFile } from '../importers/registry';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `<name>.json` beside the model file, when it exists and is not itself a model file (a TF.js model.json). */
export function manifestBeside(modelFile: string): string | undefined {
  const own = join(dirname(modelFile), `${basename(modelFile, extname(modelFile))}.json`);
  return own !== modelFile && existsSync(own) && !isModelFile(own) ? own : undefined;
}

/** The folder's manifest.json when it names `modelFile` (and the model has no <name>.json of its own). */
export function folderManifestFor(modelFile: string): string | undefined {
  if (manifestBeside(modelFile)) return undefined;
  const file = join(dirname(modelFile), 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // absent, unreadable or not JSON: not a manifest of this model
  }
  return isObject(raw) && isObject(raw.files) && raw.files.model === basename(modelFile) ? file : undefined;
}
