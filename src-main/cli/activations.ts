// `activations`: one forward pass through ModelRuntime (the engine's own loading, preprocessing and
// softmax), every layer's output written as <layer>.npy plus a summary.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { ModelManifest } from '../../src-shared/contract';
import { ModelRuntime, type RawActivations } from '../engine/runtime';
import { ImageError, readImage } from '../formats/image';
import { decodeNpy, encodeNpy, NpyError } from '../formats/npy';
import { matchModelFiles } from '../importers/registry';
import { folderManifestFor } from '../models/folder-manifest';
import { ManifestError } from '../models/manifest';
import { CliError, option, type Args } from './args';
import { stderrProgress } from './progress';
import { USAGE } from './usage';

export interface Summary {
  model: { source: string; format: ModelManifest['format']; manifest: string };
  input: { source: string; name: string; shape: number[] };
  output: string;
  /** The dimension order of every layer file: batch, channels, height, width (vectors: batch, neurons). */
  layout: 'NCHW';
  layers: { name: string; type: string; shape: number[]; file: string }[];
  top5: { class: number; label: string; score: number }[][];
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

/** The k best classes of one batch item, best first. */
export function topClasses(scores: Float32Array, labels: readonly string[], k: number): Summary['top5'][number] {
  return Array.from(scores, (score, c) => ({ class: c, label: labels[c] ?? String(c), score }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

/** The model's files plus the manifest to use: --manifest, else the folder's manifest.json that names the model. */
function modelPaths(args: Args): string[] {
  const paths = (args.options.get('model') ?? []).map((p) => resolve(p));
  const explicit = option(args, 'manifest');
  if (explicit) return [...paths, resolve(explicit)];
  const matched = matchModelFiles(paths);
  const beside = matched.manifest ? undefined : folderManifestFor(matched.files.model);
  return beside ? [...paths, beside] : paths;
}

async function run(rt: ModelRuntime, inputPath: string): Promise<RawActivations> {
  if (extname(inputPath).toLowerCase() === '.npy') {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(inputPath);
    } catch (e) {
      throw new CliError(`${inputPath}: cannot read input (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const tensor = decodeNpy(bytes, inputPath);
    return rt.activations(tensor.data, tensor.shape, inputPath);
  }
  return rt.activationsForImage(readImage(inputPath));
}

export async function activationsCommand(args: Args): Promise<string> {
  const inputArg = option(args, 'input');
  const outDir = option(args, 'out');
  if (!args.options.get('model')?.length || !inputArg || !outDir) throw new CliError(`activations needs --model, --input and --out\n${USAGE}`);
  const inputPath = resolve(inputArg);
  const paths = modelPaths(args);
  const rt = await ModelRuntime.load({ paths }, dirname(paths[0]), { forceCpu: true, onProgress: stderrProgress('loading') });
  let acts: RawActivations;
  try {
    acts = await run(rt, inputPath);
  } catch (e) {
    // Errors about the input file name it already; a failed run gets the model and the input named.
    if (e instanceof CliError || e instanceof ManifestError || e instanceof NpyError || e instanceof ImageError) throw e;
    throw new CliError(`running ${rt.info.source} on ${inputPath} failed: ${(e as Error).message}`);
  } finally {
    await rt.release();
  }

  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new CliError(`${outDir}: cannot create (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const used = new Set<string>();
  const layers: Summary['layers'] = [];
  for (const l of rt.info.layers) {
    const a = acts.layers.get(l.name);
    if (!a) continue;
    const file = sanitiseLayerFile(l.name, used);
    writeFileSync(join(outDir, file), encodeNpy(a.data, a.dims));
    layers.push({ name: l.name, type: l.op, shape: a.dims, file });
  }

  const { probs } = acts;
  const batch = probs.dims[0] ?? 1;
  const per = probs.data.length / Math.max(1, batch);
  const top5 = Array.from({ length: batch }, (_, b) => topClasses(probs.data.subarray(b * per, (b + 1) * per), rt.info.labels, 5));
  const summary: Summary = {
    model: { source: rt.info.source, format: rt.info.format, manifest: rt.manifestFile },
    input: { source: inputPath, name: rt.ports.inputName, shape: acts.inputDims },
    output: rt.ports.outputName,
    layout: 'NCHW',
    layers,
    top5,
  };
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 1));
  const best = top5.map((t) => `${t[0].label} (${(t[0].score * 100).toFixed(1)} %)`).join(', ');
  return `wrote ${layers.length} layer files and summary.json to ${outDir}; top-1: ${best}`;
}
