// The model formats ConvScope opens: one importer per format, in one list. Dialogs, the file input,
// drag-and-drop, the engine and the command line all ask this list which files they can open and
// which importer reads them. A format is one folder under importers/ plus one line here.
import { basename } from 'node:path';
import type { ModelFormatInfo } from '../../src-shared/contract';
import { caffeImporter } from './caffe/index';
import { extensionOf } from './file-match';
import { kerasImporter } from './keras/index';
import { onnxImporter } from './onnx/index';
import type { Importer, ModelFiles } from './types';

export const IMPORTERS: readonly Importer[] = [onnxImporter, caffeImporter, kerasImporter];

/** Manifests are .json files; an importer may claim a .json first (a model file of its format). */
export const MANIFEST_EXTENSION = '.json';

/** The files of one model, the importer that reads them and the manifest given with them. */
export interface MatchedModel {
  importer: Importer;
  files: ModelFiles;
  /** A .json given with the model files that no importer claimed: the model's manifest. */
  manifest?: string;
}

/** Every extension some importer reads, plus '.json' for manifests (lower case, with the dot). */
export function acceptedExtensions(): string[] {
  return [...new Set([...IMPORTERS.flatMap((i) => i.extensions), MANIFEST_EXTENSION])];
}

/** The formats for people: what each is called, which files make one model, their extensions. */
export function modelFormats(): ModelFormatInfo[] {
  return IMPORTERS.map((i) => ({ format: i.format, label: i.label, description: i.description, extensions: [...i.extensions] }));
}

/** For messages: "ONNX .onnx; Caffe .prototxt .pbtxt …; a manifest .json". */
function extensionsText(): string {
  return `${IMPORTERS.map((i) => `${i.label} ${i.extensions.join(' ')}`).join('; ')}; a manifest ${MANIFEST_EXTENSION}`;
}

/** For messages: "ONNX: one .onnx file; Caffe: a deploy .prototxt with …". */
function modelsText(): string {
  return IMPORTERS.map((i) => `${i.label}: ${i.description}`).join('; ');
}

const names = (paths: readonly string[]) => paths.map((p) => basename(p)).join(', ');

/** Every file of one model, in the order its importer sorted them (model, weights, extras). */
export function modelFilePaths(files: ModelFiles): string[] {
  return [files.model, ...(files.weights ? [files.weights] : []), ...files.extras];
}

/**
 * Sorts the files a user gave into one model of one format and its manifest, or says precisely
 * what is wrong: a file no format reads, files of two formats, several models, a missing companion
 * file, several manifests.
 */
export function matchModelFiles(paths: readonly string[]): MatchedModel {
  if (paths.length === 0) throw new Error('no model file given');
  const known = new Set(acceptedExtensions());
  const unknown = paths.find((p) => !known.has(extensionOf(p)));
  if (unknown) throw new Error(`${basename(unknown)}: not a model file ConvScope can open (${extensionsText()})`);

  // Every importer looks at all the files; one that finds its own either claims a model or says what is missing.
  const answers: { importer: Importer; files?: ModelFiles; error?: Error }[] = [];
  for (const importer of IMPORTERS) {
    try {
      const files = importer.match(paths);
      if (files) answers.push({ importer, files });
    } catch (e) {
      answers.push({ importer, error: e instanceof Error ? e : new Error(String(e)) });
    }
  }
  if (answers.length > 1) {
    const per = answers.map(({ importer, files }) => `${importer.label}: ${names(files ? modelFilePaths(files) : paths.filter((p) => importer.extensions.includes(extensionOf(p))))}`);
    throw new Error(`files of more than one model format given (${per.join('; ')}); open one model at a time`);
  }
  const answer = answers[0];
  if (!answer) throw new Error(`no model file among ${names(paths)} (${modelsText()})`);
  if (answer.error || !answer.files) throw answer.error;

  const { importer, files } = answer;
  const claimed = new Set(modelFilePaths(files));
  const rest = paths.filter((p) => !claimed.has(p));
  const stray = rest.find((p) => extensionOf(p) !== MANIFEST_EXTENSION);
  if (stray) throw new Error(`${basename(stray)}: not part of the ${importer.label} model ${basename(files.model)}; open one model at a time`);
  if (rest.length > 1) throw new Error(`several manifests given (${names(rest)}); pick one`);
  return { importer, files, ...(rest[0] ? { manifest: rest[0] } : {}) };
}

/** Whether some importer reads `path` as (part of) a model rather than as a manifest. */
export function isModelFile(path: string): boolean {
  return IMPORTERS.some((i) => {
    try {
      return i.match([path]) !== null;
    } catch {
      return true;
    }
  });
}
