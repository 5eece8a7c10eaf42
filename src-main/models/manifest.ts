// Model manifests: the JSON beside every model that says how to feed it and what to show.
// Validation is strict and names the file and the field, because a typo in a hand-written manifest
// otherwise shows up much later as a wrong picture.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkAgeList, type AgeSpec } from '../../src-shared/age';
import type { CropModeSpec, ManifestInput, ModelManifest, Preprocess } from '../../src-shared/contract';
import { shapeProblem } from '../importers/limits';

export class ManifestError extends Error {
  override name = 'ManifestError';
}

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const show = (x: unknown): string => {
  let s: string | undefined;
  try {
    s = JSON.stringify(x);
  } catch {
    // Nested too deep to write out (a hostile file): say what it is instead.
    s = Array.isArray(x) ? '[…]' : '{…}';
  }
  return s === undefined ? String(x) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** Checks one object's keys against the allowed set so typos ("prepocess") are caught. */
function checkKeys(file: string, at: string, o: Obj, allowed: string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new ManifestError(`${file}: unknown field ${at ? `${at}.` : ''}${k} (allowed: ${allowed.join(', ')})`);
    }
  }
}

function str(file: string, field: string, v: unknown, optional = false): string | undefined {
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.length === 0) {
    throw new ManifestError(`${file}: ${field} must be a non-empty string, got ${show(v)}`);
  }
  return v;
}

function bool(file: string, field: string, v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ManifestError(`${file}: ${field} must be true or false, got ${show(v)}`);
  return v;
}

function oneOf<T extends string>(file: string, field: string, v: unknown, options: readonly T[], optional = false): T | undefined {
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || !options.includes(v as T)) {
    throw new ManifestError(`${file}: ${field} must be one of ${options.map((o) => `'${o}'`).join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

function numbers(file: string, field: string, v: unknown, n: number, check: (x: number) => boolean, what: string): number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && check(x))) {
    throw new ManifestError(`${file}: ${field} must be ${n} ${what}, got ${show(v)}`);
  }
  return v as number[];
}

function strings(file: string, field: string, v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) {
    throw new ManifestError(`${file}: ${field} must be a list of non-empty strings, got ${show(v)}`);
  }
  return v as string[];
}

/** Number of tensor channels the manifest's input shape declares. */
export function inputChannels(input: ManifestInput): number {
  return input.layout === 'NCHW' ? input.shape[1] : input.shape[3];
}

/** Input size without batch, in NCHW terms. */
export function inputCHW(input: ManifestInput): { c: number; h: number; w: number } {
  const [, a, b, c] = input.shape;
  return input.layout === 'NCHW' ? { c: a, h: b, w: c } : { c: c, h: a, w: b };
}

/**
 * Validates a parsed manifest. `file` names the manifest in messages (e.g. "assets/models/mnist/manifest.json").
 * Returns the same data typed; throws ManifestError naming the first bad field.
 */
export function validateManifest(raw: unknown, file: string): ModelManifest {
  if (!isObj(raw)) throw new ManifestError(`${file}: must be a JSON object, got ${show(raw)}`);
  checkKeys(file, '', raw, ['id', 'name', 'description', 'format', 'files', 'input', 'output', 'crop', 'preprocess', 'labels', 'panels', 'attribution']);
  const id = str(file, 'id', raw.id)!;
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new ManifestError(`${file}: id must use only letters, digits, '_', '.', '-', got ${show(id)}`);
  const name = str(file, 'name', raw.name)!;
  const description = str(file, 'description', raw.description, true);
  const format = oneOf(file, 'format', raw.format, ['onnx', 'caffe', 'keras'] as const)!;

  if (!isObj(raw.files)) throw new ManifestError(`${file}: files must be an object like {"model": "net.onnx"}, got ${show(raw.files)}`);
  checkKeys(file, 'files', raw.files, ['model', 'weights']);
  const files = { model: str(file, 'files.model', raw.files.model)!, weights: str(file, 'files.weights', raw.files.weights, true) };
  if (format === 'caffe' && !files.weights) throw new ManifestError(`${file}: files.weights must name the .caffemodel for a Caffe model`);

  if (!isObj(raw.input)) throw new ManifestError(`${file}: input must be an object with shape and layout, got ${show(raw.input)}`);
  checkKeys(file, 'input', raw.input, ['name', 'shape', 'layout', 'dtype']);
  const shape = numbers(file, 'input.shape', raw.input.shape, 4, (x) => Number.isInteger(x) && x > 0, 'positive integers');
  if (!shape) throw new ManifestError(`${file}: input.shape must be 4 positive integers, got ${show(raw.input.shape)}`);
  const tooBig = shapeProblem(shape);
  if (tooBig) throw new ManifestError(`${file}: input.shape ${show(shape)} ${tooBig}`);
  const input: ManifestInput = {
    shape,
    layout: oneOf(file, 'input.layout', raw.input.layout, ['NCHW', 'NHWC'] as const)!,
  };
  const inName = str(file, 'input.name', raw.input.name, true);
  if (inName) input.name = inName;
  const dtype = oneOf(file, 'input.dtype', raw.input.dtype, ['float32', 'float16'] as const, true);
  if (dtype) input.dtype = dtype;
  const chans = inputChannels(input);
  if (chans !== 1 && chans !== 3) {
    throw new ManifestError(`${file}: input.shape has ${chans} channels (${input.layout}); only 1 (gray) or 3 (colour) are supported`);
  }

  let output: ModelManifest['output'];
  if (raw.output !== undefined) {
    if (!isObj(raw.output)) throw new ManifestError(`${file}: output must be an object, got ${show(raw.output)}`);
    checkKeys(file, 'output', raw.output, ['name', 'softmax', 'kind', 'ages']);
    output = {};
    const oName = str(file, 'output.name', raw.output.name, true);
    if (oName) output.name = oName;
    const sm = bool(file, 'output.softmax', raw.output.softmax);
    if (sm !== undefined) output.softmax = sm;
    const kind = oneOf(file, 'output.kind', raw.output.kind, ['classes', 'age'] as const, true);
    if (kind) output.kind = kind;
    if (raw.output.ages !== undefined) {
      if (kind !== 'age') throw new ManifestError(`${file}: output.ages is given, so output.kind must be 'age', got ${show(raw.output.kind)}`);
      const bad = checkAgeList(raw.output.ages, 'output.ages');
      if (bad) throw new ManifestError(`${file}: ${bad}`);
      output.ages = raw.output.ages as AgeSpec[];
    }
  }
  const crop = validateCrop(raw.crop, file);

  const preprocess = validatePreprocess(raw.preprocess, file, chans);

  let labels: string[] | string;
  if (typeof raw.labels === 'string') labels = str(file, 'labels', raw.labels)!;
  else if (Array.isArray(raw.labels)) {
    labels = strings(file, 'labels', raw.labels)!;
    if (labels.length === 0) throw new ManifestError(`${file}: labels must not be empty`);
    if (output?.ages && output.ages.length !== labels.length) {
      throw new ManifestError(`${file}: output.ages has ${output.ages.length} ages, labels has ${labels.length} classes; give one age per class`);
    }
  } else throw new ManifestError(`${file}: labels must be a list of class names or a path to a text file, got ${show(raw.labels)}`);

  let panels: ModelManifest['panels'];
  if (raw.panels !== undefined) {
    if (!isObj(raw.panels)) throw new ManifestError(`${file}: panels must be an object like {"conv": [...], "fc": [...]}, got ${show(raw.panels)}`);
    checkKeys(file, 'panels', raw.panels, ['conv', 'fc']);
    panels = {};
    const conv = strings(file, 'panels.conv', raw.panels.conv);
    const fc = strings(file, 'panels.fc', raw.panels.fc);
    if (conv) panels.conv = conv;
    if (fc) panels.fc = fc;
  }
  const attribution = str(file, 'attribution', raw.attribution, true);

  const m: ModelManifest = { id, name, format, files, input, preprocess, labels };
  if (!files.weights) delete m.files.weights;
  if (description) m.description = description;
  if (output) m.output = output;
  if (crop) m.crop = crop;
  if (panels) m.panels = panels;
  if (attribution) m.attribution = attribution;
  return m;
}

/** Side of the face-mode crop square per face box side: below 1 cuts the face, above 4 it is a speck. */
export const CROP_MARGIN_RANGE = [1, 4] as const;

function validateCrop(raw: unknown, file: string): CropModeSpec | undefined {
  if (raw === undefined) return undefined;
  if (!isObj(raw)) throw new ManifestError(`${file}: crop must be an object like {"mode": "face", "margin": 1.6}, got ${show(raw)}`);
  checkKeys(file, 'crop', raw, ['mode', 'margin']);
  const crop: CropModeSpec = { mode: oneOf(file, 'crop.mode', raw.mode, ['manual', 'face'] as const)! };
  if (raw.margin !== undefined) {
    const [lo, hi] = CROP_MARGIN_RANGE;
    if (typeof raw.margin !== 'number' || !(raw.margin >= lo && raw.margin <= hi)) {
      throw new ManifestError(`${file}: crop.margin must be a number from ${lo} to ${hi} (the crop square's side per face box side), got ${show(raw.margin)}`);
    }
    crop.margin = raw.margin;
  }
  return crop;
}

function validatePreprocess(raw: unknown, file: string, chans: number): Preprocess {
  if (!isObj(raw)) throw new ManifestError(`${file}: preprocess must be an object with at least "colour", got ${show(raw)}`);
  checkKeys(file, 'preprocess', raw, ['colour', 'digit', 'invert', 'mean', 'meanFile', 'std', 'scale', 'transposeHW']);
  const colour = oneOf(file, 'preprocess.colour', raw.colour, ['gray', 'rgb', 'bgr'] as const)!;
  if ((colour === 'gray') !== (chans === 1)) {
    throw new ManifestError(`${file}: preprocess.colour '${colour}' does not match the ${chans}-channel input.shape`);
  }
  const p: Preprocess = { colour };
  const digit = bool(file, 'preprocess.digit', raw.digit);
  if (digit !== undefined) p.digit = digit;
  const invert = bool(file, 'preprocess.invert', raw.invert);
  if (invert !== undefined) p.invert = invert;
  const mean = numbers(file, 'preprocess.mean', raw.mean, chans, Number.isFinite, `numbers (one per input channel)`);
  if (mean) p.mean = mean;
  const meanFile = str(file, 'preprocess.meanFile', raw.meanFile, true);
  if (meanFile) p.meanFile = meanFile;
  if (mean && meanFile) throw new ManifestError(`${file}: preprocess.mean and preprocess.meanFile are exclusive; give one`);
  const std = numbers(file, 'preprocess.std', raw.std, chans, (x) => Number.isFinite(x) && x !== 0, `non-zero numbers (one per input channel)`);
  if (std) p.std = std;
  if (raw.scale !== undefined) {
    if (typeof raw.scale !== 'number' || !Number.isFinite(raw.scale) || raw.scale === 0) {
      throw new ManifestError(`${file}: preprocess.scale must be a non-zero number, got ${show(raw.scale)}`);
    }
    p.scale = raw.scale;
  }
  const t = bool(file, 'preprocess.transposeHW', raw.transposeHW);
  if (t !== undefined) p.transposeHW = t;
  return p;
}

/** Reads and validates a manifest file. */
export function readManifest(path: string): ModelManifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ManifestError(`${path}: cannot read manifest (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return validateManifest(raw, path);
}

/** The manifest's labels: inline, or read from the text file it names (one label per line). */
export function loadLabels(m: ModelManifest, manifestDir: string, manifestFile: string): string[] {
  if (Array.isArray(m.labels)) return m.labels;
  const p = resolve(manifestDir, m.labels);
  let text: string;
  try {
    text = readFileSync(p, 'utf8');
  } catch (e) {
    throw new ManifestError(`${manifestFile}: labels file ${p} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const labels = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (labels.length === 0) throw new ManifestError(`${manifestFile}: labels file ${p} is empty`);
  return labels;
}

/** Merges a partial manifest over a base, one level deep for the nested objects. */
export function mergeManifest(base: Partial<ModelManifest>, over: Partial<ModelManifest> | undefined): Partial<ModelManifest> {
  if (!over) return { ...base };
  const out: Partial<ModelManifest> = { ...base, ...over };
  if (base.input && over.input) out.input = { ...base.input, ...over.input };
  if (base.preprocess && over.preprocess) out.preprocess = { ...base.preprocess, ...over.preprocess };
  if (base.output && over.output) out.output = { ...base.output, ...over.output };
  if (base.crop && over.crop) out.crop = { ...base.crop, ...over.crop };
  if (base.files && over.files) out.files = { ...base.files, ...over.files };
  return out;
}
