// `convert <model files…> -o model.onnx`: any format of the importer registry to an ONNX file.
import { writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { matchModelFiles } from '../importers/registry';
import type { ImportOptions } from '../importers/types';
import { decodeModel } from '../onnx/proto';
import { CliError, option, type Args } from './args';
import { stderrProgress } from './progress';
import { USAGE } from './usage';

/** --input-shape 1,3,227,227 (or 1x3x227x227): positive integers, batch included. */
export function parseInputShape(text: string): number[] {
  const shape = text.split(/[,x×]/).map((v) => Number(v.trim()));
  if (shape.length < 2 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new CliError(`--input-shape must be positive integers with batch, e.g. 1,3,227,227 (got '${text}')`);
  }
  return shape;
}

export async function convertCommand(args: Args): Promise<string> {
  const out = option(args, 'out');
  const mean = option(args, 'mean');
  if (args.positional.length === 0 || !out) throw new CliError(`convert needs the model's files and -o <model.onnx>\n${USAGE}`);
  const matched = matchModelFiles([...args.positional, ...(mean ? [mean] : [])].map((p) => resolve(p)));
  if (matched.manifest) throw new CliError(`${basename(matched.manifest)}: convert writes the model only; leave the manifest out`);
  const shapeText = option(args, 'input-shape');
  const options: ImportOptions = shapeText === undefined ? {} : { inputShape: parseInputShape(shapeText) };
  const unused = (Object.keys(options) as (keyof ImportOptions)[]).filter((k) => !matched.importer.options?.includes(k));
  if (unused.length) {
    throw new CliError(`--input-shape: ${matched.importer.label} models take their input size from the model file (${basename(matched.files.model)}); leave the option out`);
  }

  const started = performance.now();
  const model = await matched.importer.import(matched.files, stderrProgress('converting'), options);
  try {
    writeFileSync(out, model.onnx);
  } catch (e) {
    throw new CliError(`${out}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const ms = performance.now() - started;
  const size = model.layers ? `${model.layers.length} layers` : `${(model.proto ?? decodeModel(model.onnx)).graph.node.length} nodes`;
  const notes = model.notes?.length ? `; ${model.notes.join('; ')}` : '';
  return `wrote ${out}: ${size}, ${(model.onnx.length / 2 ** 20).toFixed(1)} MB, in ${ms.toFixed(0)} ms${notes}`;
}
