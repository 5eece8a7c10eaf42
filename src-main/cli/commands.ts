// The command-line tool's two commands: `convert` (Caffe → .onnx file) and `activations` (one
// forward pass, every layer's output as .npy plus a summary.json). Errors are thrown as
// CliError/Error with a message for the user; index.ts turns them into a non-zero exit.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelManifest } from '../../src-shared/contract';
import { fitMeanImage, preprocess } from '../engine/preprocess';
import { resolveModel } from '../engine/model-source';
import { importCaffe } from '../importers/caffe/index';
import { classifyModelFiles } from '../importers/index';
import type { ProgressFn } from '../importers/types';
import { inputCHW, loadLabels, readManifest } from '../models/manifest';
import { readMeanImage } from '../models/mean';
import { addOutputs, findActivations } from '../onnx/instrument';
import { encodeModel, floatToHalf, halfToFloat } from '../onnx/proto';
import { decodeNpy, encodeNpy } from './npy';
import { decodePng } from './png';

export class CliError extends Error {}

export const USAGE = `usage:
  convscope convert <net.prototxt> <weights.caffemodel> [--mean mean.binaryproto] [--input-shape 1,3,H,W] -o <model.onnx>
  convscope activations --model <file…> --input <image.png | tensor.npy> --out <dir> [--manifest m.json]

  --input-shape  for nets whose data layer does not say its size (e.g. an LMDB Data layer).
  --model  an .onnx (a manifest <name>.json beside it is used), or a .prototxt + .caffemodel pair
           (+ .binaryproto mean); a manifest.json in the prototxt's folder naming it is applied.
  --input  a PNG image (the manifest's preprocessing applies) or a float32 .npy tensor used as-is
           in the model's input layout, batch included.
  --out    folder for one <layer>.npy per layer and summary.json.`;

/** Parsed command line: positional arguments and --options (repeatable options collect values). */
export interface Args {
  positional: string[];
  options: Map<string, string[]>;
}

/** Options that take values; --model takes every value up to the next option. */
const MULTI = new Set(['model']);

export function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o') {
      if (i + 1 >= argv.length) throw new CliError('-o needs a file name');
      options.set('out', [argv[++i]]);
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const values = options.get(key) ?? [];
      if (eq > 0) values.push(a.slice(eq + 1));
      else if (MULTI.has(key)) while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) values.push(argv[++i]);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.push(argv[++i]);
      if (values.length === 0) throw new CliError(`--${key} needs a value`);
      options.set(key, values);
    } else positional.push(a);
  }
  return { positional, options };
}

const one = (args: Args, key: string): string | undefined => args.options.get(key)?.[0];

/** Writes progress to stderr: a rewritten line on a terminal, a line per 10 % otherwise. */
export function stderrProgress(task: string): ProgressFn {
  let lastStep = -1;
  const tty = process.stderr.isTTY;
  return (f, detail) => {
    const pct = Math.round(f * 100);
    if (tty) {
      process.stderr.write(`\r${task}: ${pct}% ${detail ?? ''}`.padEnd(78).slice(0, 78) + (f >= 1 ? '\n' : ''));
      return;
    }
    const step = Math.floor(pct / 10);
    if (step !== lastStep) {
      lastStep = step;
      process.stderr.write(`${task}: ${pct}%${detail ? ` ${detail}` : ''}\n`);
    }
  };
}

export async function convertCommand(args: Args): Promise<string> {
  const out = one(args, 'out');
  const files = args.positional;
  if (files.length !== 2 || !out) throw new CliError(`convert needs a .prototxt, a .caffemodel and -o <model.onnx>\n${USAGE}`);
  const prototxt = files.find((f) => /\.(prototxt|pbtxt)$/i.test(f));
  const caffemodel = files.find((f) => /\.caffemodel$/i.test(f));
  if (!prototxt || !caffemodel) throw new CliError(`convert needs one .prototxt and one .caffemodel (got ${files.join(', ')})`);
  const started = performance.now();
  const shapeText = one(args, 'input-shape');
  let inputShape: number[] | undefined;
  if (shapeText !== undefined) {
    inputShape = shapeText.split(/[,x×]/).map((v) => Number(v.trim()));
    if (inputShape.length < 2 || inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new CliError(`--input-shape must be positive integers with batch, e.g. 1,3,227,227 (got '${shapeText}')`);
    }
  }
  const model = await importCaffe(
    { prototxt, caffemodel, ...(one(args, 'mean') ? { mean: one(args, 'mean') } : {}), ...(inputShape ? { inputShape } : {}) },
    stderrProgress('converting'),
  );
  try {
    writeFileSync(out, model.onnx);
  } catch (e) {
    throw new CliError(`${out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const ms = performance.now() - started;
  const dropped = model.dropped.length ? `; left out ${model.dropped.map((d) => `${d.name} (${d.type})`).join(', ')}` : '';
  return `wrote ${out}: ${model.layers.length} layers, ${(model.onnx.length / 2 ** 20).toFixed(1)} MB, in ${ms.toFixed(0)} ms${dropped}`;
}

/** Characters outside [A-Za-z0-9_.-] become '_'; clashes get a numeric suffix. */
export function sanitiseLayerFile(name: string, used: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (base === '' || base === '.' || base === '..') base = base.replace(/\./g, '_') || '_';
  let file = `${base}.npy`;
  for (let k = 2; used.has(file.toLowerCase()) || file === 'summary.json'; k++) file = `${base}_${k}.npy`;
  used.add(file.toLowerCase());
  return file;
}

/** A manifest.json next to the Caffe net that names it (e.g. a bundled model's folder). */
function manifestBeside(prototxt: string): ModelManifest | undefined {
  const file = join(dirname(prototxt), 'manifest.json');
  if (!existsSync(file)) return undefined;
  const m = readManifest(file);
  return m.files.model === basename(prototxt) ? m : undefined;
}

interface Prepared {
  name: string;
  dims: number[];
  data: Float32Array | Uint16Array;
  type: 'float32' | 'float16';
}

function prepareInput(inputPath: string, manifest: ModelManifest, manifestDir: string, graphDims: (number | string)[], inputName: string): Prepared {
  const dtype = manifest.input.dtype ?? 'float32';
  const ext = extname(inputPath).toLowerCase();
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(inputPath);
  } catch (e) {
    throw new CliError(`${inputPath}: cannot read input (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (ext === '.npy') {
    const arr = decodeNpy(bytes, inputPath);
    if (arr.shape.length !== graphDims.length) {
      throw new CliError(`${inputPath}: shape (${arr.shape.join(', ')}) has ${arr.shape.length} dimensions, input '${inputName}' needs ${graphDims.length} [${graphDims.join(', ')}] (batch included)`);
    }
    graphDims.forEach((d, i) => {
      if (typeof d === 'number' && d > 0 && i > 0 && arr.shape[i] !== d) {
        throw new CliError(`${inputPath}: shape (${arr.shape.join(', ')}) does not fit input '${inputName}' [${graphDims.join(', ')}] at dimension ${i}`);
      }
    });
    const data = dtype === 'float16' ? Uint16Array.from(arr.data, (v) => floatToHalf(v)) : arr.data;
    return { name: inputName, dims: arr.shape, data, type: dtype };
  }
  if (ext !== '.png') throw new CliError(`${inputPath}: only PNG images and .npy tensors are supported as input (convert JPEG to PNG first)`);
  const img = decodePng(bytes, inputPath);
  const { c, h, w } = inputCHW(manifest.input);
  const p = manifest.preprocess;
  const meanImage = p.meanFile ? fitMeanImage(readMeanImage(resolve(manifestDir, p.meanFile)), h, w) : undefined;
  const prep = preprocess(img, { c, h, w, layout: manifest.input.layout, dtype, preprocess: p, ...(meanImage ? { meanImage } : {}) });
  return { name: inputName, dims: prep.dims, data: prep.data, type: dtype };
}

function toFloat32(t: ort.Tensor): Float32Array {
  if (t.type === 'float16') return Float32Array.from(t.data as Uint16Array, (h) => halfToFloat(h));
  return Float32Array.from(t.data as Float32Array);
}

export interface Summary {
  model: { source: string; format: ModelManifest['format']; manifest: string };
  input: { source: string; name: string; shape: number[] };
  output: string;
  layers: { name: string; type: string; shape: number[]; file: string }[];
  top5: { class: number; label: string; score: number }[][];
}

export async function activationsCommand(args: Args): Promise<string> {
  const paths = args.options.get('model') ?? [];
  const inputPath = one(args, 'input');
  const outDir = one(args, 'out');
  if (paths.length === 0 || !inputPath || !outDir) throw new CliError(`activations needs --model, --input and --out\n${USAGE}`);
  const files = classifyModelFiles(paths.map((p) => resolve(p)));
  let override: Partial<ModelManifest> | undefined;
  const explicit = one(args, 'manifest');
  if (explicit) override = readManifest(resolve(explicit));
  else if (files.format === 'caffe') override = manifestBeside(files.prototxt);
  if (override) {
    // The model files are the ones given on the command line.
    override = { ...override };
    delete override.files;
  }
  const resolved = await resolveModel({ paths: paths.map((p) => resolve(p)), ...(override ? { manifest: override } : {}) }, dirname(resolve(paths[0])),
    files.format === 'onnx' ? undefined : stderrProgress('converting'));
  const { manifest, proto } = resolved;
  const inits = new Set(proto.graph.initializer.map((t) => t.name));
  const graphInput = proto.graph.input.find((i) => !inits.has(i.name) && (!manifest.input.name || i.name === manifest.input.name))
    ?? proto.graph.input.find((i) => !inits.has(i.name));
  if (!graphInput) throw new CliError(`${resolved.source}: the model has no input`);
  const graphDims = (graphInput.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimValue ?? d.dimParam ?? '?');
  const layers = resolved.layers
    ? resolved.layers.map((l) => ({ tensor: l.tensor, name: l.name, op: l.op }))
    : findActivations(proto, graphInput.name);
  const outputName = manifest.output?.name ?? proto.graph.output[0]?.name;
  if (!outputName) throw new CliError(`${resolved.source}: the model has no output`);

  const input = prepareInput(resolve(inputPath), manifest, resolved.manifestDir, graphDims, graphInput.name);
  const exposed = encodeModel(addOutputs(proto, [outputName, ...layers.map((l) => l.tensor)]));
  const session = await ort.InferenceSession.create(exposed);
  let results: ort.InferenceSession.OnnxValueMapType;
  try {
    const tensor = new ort.Tensor(input.type, input.data, input.dims);
    results = await session.run({ [input.name]: tensor }, [...new Set([outputName, ...layers.map((l) => l.tensor)])]);
  } catch (e) {
    throw new CliError(`running ${resolved.source} on ${inputPath} (input [${input.dims.join(', ')}]) failed: ${(e as Error).message}`);
  } finally {
    await session.release().catch(() => {});
  }

  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new CliError(`${outDir}: cannot create (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const used = new Set<string>();
  const summaryLayers: Summary['layers'] = [];
  for (const l of layers) {
    const t = results[l.tensor];
    const data = toFloat32(t);
    const shape = [...t.dims];
    const file = sanitiseLayerFile(l.name, used);
    writeFileSync(join(outDir, file), encodeNpy(data, shape));
    summaryLayers.push({ name: l.name, type: l.op, shape, file });
  }

  const labels = loadLabels(manifest, resolved.manifestDir, resolved.manifestFile);
  const out = results[outputName];
  const scores = toFloat32(out);
  const batch = out.dims[0] ?? 1;
  const per = scores.length / Math.max(1, batch);
  const top5: Summary['top5'] = [];
  for (let b = 0; b < batch; b++) {
    let row = Array.from(scores.subarray(b * per, (b + 1) * per));
    if (manifest.output?.softmax) {
      const mx = Math.max(...row);
      const ex = row.map((v) => Math.exp(v - mx));
      const s = ex.reduce((a, v) => a + v, 0);
      row = ex.map((v) => v / s);
    }
    top5.push(
      row
        .map((score, c) => ({ class: c, label: resolved.labelsProposed ? String(c) : (labels[c] ?? String(c)), score }))
        .sort((a, b2) => b2.score - a.score)
        .slice(0, 5),
    );
  }
  const summary: Summary = {
    model: { source: resolved.source, format: manifest.format, manifest: resolved.manifestFile },
    input: { source: resolve(inputPath), name: input.name, shape: input.dims },
    output: outputName,
    layers: summaryLayers,
    top5,
  };
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 1));
  const best = top5.map((t) => `${t[0].label} (${(t[0].score * 100).toFixed(1)} %)`).join(', ');
  return `wrote ${summaryLayers.length} layer files and summary.json to ${outDir}; top-1: ${best}`;
}
