// Face models opened from files: what their proposed manifest should say beyond what the importer
// reads from the files. Levi & Hassner's age_net / gender_net (Caffe, CaffeNet-style, 227×227 BGR,
// the Adience mean image) and DEX-style age nets (VGG-16, 224×224, 101 outputs = ages 0…100) are
// recognised by their output count together with their file or layer names; they get their labels,
// the age output and the face crop. Only what the importer guessed is replaced (index labels, a
// missing mean): the user's own settings are merged over the result afterwards.
import { basename } from 'node:path';
import type { AgeSpec } from '../../src-shared/age';
import type { ModelManifest } from '../../src-shared/contract';
import type { ImportedModel } from '../importers/types';
import type { ModelProto } from '../onnx/proto';

/** What is known about an opened model when its manifest is proposed. */
export interface FaceModelHints {
  /** The model's files (paths or names). */
  files: readonly string[];
  /** The model's layer names as the user sees them. */
  layers: readonly string[];
  /** Number of classes of the output (the importer's proposed labels, or the graph's output size). */
  classes: number | undefined;
}

/** Adience's eight age groups as Levi & Hassner trained on them; the last written (60, 100) in their code. */
export const ADIENCE_AGES: AgeSpec[] = [[0, 2], [4, 6], [8, 12], [15, 20], [25, 32], [38, 43], [48, 53], [60, null]];
const ADIENCE_LABELS = ['0–2', '4–6', '8–12', '15–20', '25–32', '38–43', '48–53', '60+'];

/** Per-channel B, G, R of the Adience training mean image (mean.binaryproto), for nets opened without it. */
export const ADIENCE_MEAN_BGR = [78.4263, 87.7689, 114.8958];
/** VGG-16's ImageNet means in B, G, R order: DEX was fine-tuned from VGG-16 with Caffe's BGR input. */
export const VGG_MEAN_BGR = [103.939, 116.779, 123.68];

/**
 * Side of the crop square per face box side. DEX extended each detected face by 40 % of its size on
 * every side (1 + 2 · 0.4); Adience's faces are loose crops too, a little tighter.
 */
const DEX_MARGIN = 1.8;
const ADIENCE_MARGIN = 1.6;

/** Levi & Hassner's CaffeNet variant: three convolutions (CaffeNet's conv4 and conv5 left out), then fc6 … fc8. */
const LEVI_HASSNER_LAYERS = ['conv1', 'conv2', 'conv3', 'pool5', 'fc6', 'fc7', 'fc8'];
const leviHassnerLayers = (h: FaceModelHints) => hasLayers(h, LEVI_HASSNER_LAYERS) && !h.layers.includes('conv4');
const VGG16_CONVS = ['conv1_1', 'conv1_2', 'conv2_1', 'conv2_2', 'conv3_1', 'conv3_3', 'conv4_1', 'conv4_3', 'conv5_1', 'conv5_3'];

type Family = 'levi-hassner-age' | 'levi-hassner-gender' | 'dex';

const fileNames = (h: FaceModelHints) => h.files.map((f) => basename(f).toLowerCase());
const named = (h: FaceModelHints, re: RegExp) => fileNames(h).some((f) => re.test(f));
const hasLayers = (h: FaceModelHints, names: readonly string[]) => names.every((n) => h.layers.includes(n));

function inputSize(m: Partial<ModelManifest>): { c: number; h: number; w: number } | undefined {
  const s = m.input?.shape;
  if (!s || s.length !== 4) return undefined;
  return m.input?.layout === 'NHWC' ? { h: s[1], w: s[2], c: s[3] } : { c: s[1], h: s[2], w: s[3] };
}

const AGE = /(^|[^a-z])age/;
const GENDER = /gender|sex/;

/** Which face model family an opened model is, or undefined. */
export function recogniseFaceModel(proposed: Partial<ModelManifest>, hints: FaceModelHints): Family | undefined {
  const size = inputSize(proposed);
  if (!size || size.c !== 3) return undefined;
  const { classes } = hints;
  const caffeNet227 = proposed.format === 'caffe' && size.h === 227 && size.w === 227;
  if (caffeNet227 && (leviHassnerLayers(hints) || named(hints, AGE) || named(hints, GENDER) || named(hints, /adience/))) {
    if (classes === 8 && !named(hints, GENDER)) return 'levi-hassner-age';
    if (classes === 2 && !named(hints, AGE)) return 'levi-hassner-gender';
  }
  if (classes === 101 && size.h === 224 && size.w === 224 && (named(hints, /dex/) || named(hints, AGE) || hasLayers(hints, VGG16_CONVS))) return 'dex';
  return undefined;
}

/** Labels an importer makes up when the files name no classes: '0' … 'N−1'. */
const indexLabels = (labels: unknown) => Array.isArray(labels) && labels.every((l, i) => l === String(i));

/**
 * The proposed manifest with what a recognised face model needs (see the file comment); any other
 * model's proposal comes back unchanged.
 */
export function proposeFaceModel(proposed: Partial<ModelManifest>, hints: FaceModelHints): Partial<ModelManifest> {
  const family = recogniseFaceModel(proposed, hints);
  if (!family) return proposed;
  const out: Partial<ModelManifest> = { ...proposed, preprocess: { colour: 'bgr', ...proposed.preprocess } };
  const guessedLabels = proposed.labels === undefined || indexLabels(proposed.labels);
  const pre = out.preprocess!;
  const noMean = !pre.mean && !pre.meanFile;

  if (family === 'levi-hassner-age' || family === 'levi-hassner-gender') {
    if (noMean) pre.mean = [...ADIENCE_MEAN_BGR];
    out.crop = { mode: 'face', margin: ADIENCE_MARGIN };
    if (family === 'levi-hassner-age') {
      out.output = { ...proposed.output, kind: 'age', ages: structuredClone(ADIENCE_AGES) };
      if (guessedLabels) out.labels = [...ADIENCE_LABELS];
      out.description = 'Levi & Hassner age_net (Adience): 8 age groups; the expected age counts each group at its midpoint and 60+ as 70. Input 227×227 BGR minus the Adience mean image. Proposed by ConvScope: check it in Input settings.';
    } else {
      if (guessedLabels) out.labels = ['Male', 'Female'];
      out.description = 'Levi & Hassner gender_net (Adience): Male, Female. Input 227×227 BGR minus the Adience mean image. Proposed by ConvScope: check it in Input settings.';
    }
    return out;
  }

  if (noMean) pre.mean = [...VGG_MEAN_BGR];
  out.crop = { mode: 'face', margin: DEX_MARGIN };
  out.output = { ...proposed.output, kind: 'age', ages: Array.from({ length: 101 }, (_, a) => a) };
  if (guessedLabels) out.labels = Array.from({ length: 101 }, (_, a) => String(a));
  out.description = 'DEX-style age net: 101 outputs = ages 0 … 100; the expected age is Σ p·age. Input 224×224 BGR minus the VGG-16 ImageNet means (DEX was fine-tuned from VGG-16), the face crop 1.8 × the face box (40 % added on each side, as DEX was trained). Proposed by ConvScope: check it in Input settings.';
  return out;
}

/** The hints for an imported model: its files, its layers and its class count. */
export function faceModelHints(imported: ImportedModel, proto: ModelProto, files: readonly string[]): FaceModelHints {
  const labels = imported.manifest.labels;
  let classes = Array.isArray(labels) ? labels.length : undefined;
  if (classes === undefined) {
    const out = proto.graph.output.find((o) => o.name === imported.manifest.output?.name) ?? proto.graph.output[0];
    const dims = out?.type?.tensorType?.shape?.dim?.slice(1).map((d) => d.dimValue ?? 0) ?? [];
    if (dims.length > 0 && dims.every((d) => d > 0)) classes = dims.reduce((a, b) => a * b, 1);
  }
  const layers = imported.layers?.map((l) => l.name) ?? proto.graph.node.map((n) => n.name ?? '');
  return { files, layers, classes };
}
