// Whether a manifest fits the model it describes: its input and output exist in the graph, the
// input's rank, fixed sizes and element type are the graph's, labels match the classes, panels name
// layers the model has, an age output names an age for every class. The app and the command line
// load models through the same runtime and so give the same messages; each names the manifest (or
// the tensor file) and the field.
import { basename } from 'node:path';
import { parseAgeLabel } from '../../src-shared/age';
import type { ModelManifest } from '../../src-shared/contract';
import { dataInputs } from '../importers/onnx/index';
import { DataType, type ModelProto } from '../onnx/proto';
import { ManifestError } from './manifest';

/** The graph tensors a manifest refers to. */
export interface ModelPorts {
  inputName: string;
  /** The graph input's dimensions: a number where fixed, the symbol (or '?') where not. */
  inputDims: (number | string)[];
  outputName: string;
}

const list = (names: string[]) => names.join(', ') || 'none';

/**
 * Finds the manifest's input and output in the graph (the first of each when the manifest names
 * none) and checks that input.shape and input.dtype are what the graph's input takes.
 * `where` names the manifest, `modelFile` the model, in messages.
 */
export function checkManifestFitsGraph(m: ModelManifest, proto: ModelProto, where: string, modelFile: string): ModelPorts {
  const inputs = dataInputs(proto);
  if (inputs.length === 0) throw new ManifestError(`${modelFile}: the model has no input`);
  const input = inputs.find((i) => i.name === (m.input.name ?? inputs[0].name));
  if (!input) {
    throw new ManifestError(`${where}: input.name '${m.input.name}' is not an input of the model (inputs: ${list(inputs.map((i) => i.name))})`);
  }
  const outputs = proto.graph.output.map((o) => o.name);
  if (outputs.length === 0) throw new ManifestError(`${modelFile}: the model has no output`);
  const outputName = m.output?.name ?? outputs[0];
  if (!outputs.includes(outputName)) {
    throw new ManifestError(`${where}: output.name '${m.output?.name}' is not an output of the model (outputs: ${list(outputs)})`);
  }

  const tt = input.type?.tensorType;
  const inputDims = (tt?.shape?.dim ?? []).map((d) => (d.dimValue && d.dimValue > 0 ? d.dimValue : (d.dimParam ?? '?')));
  const shape = m.input.shape;
  const model = basename(modelFile);
  if (tt?.shape && inputDims.length !== shape.length) {
    throw new ManifestError(`${where}: input.shape [${shape.join(', ')}] has ${shape.length} dimensions, input ${input.name} of ${model} has ${inputDims.length} [${inputDims.join(', ')}]`);
  }
  inputDims.forEach((d, i) => {
    if (typeof d === 'number' && d !== shape[i]) {
      throw new ManifestError(`${where}: input.shape [${shape.join(', ')}] does not fit input ${input.name} [${inputDims.join(', ')}] of ${model} at dimension ${i}`);
    }
  });
  const dtype = m.input.dtype ?? 'float32';
  const graphType = tt?.elemType === DataType.FLOAT ? 'float32' : tt?.elemType === DataType.FLOAT16 ? 'float16' : undefined;
  if (tt?.elemType && !graphType) {
    const name = Object.entries(DataType).find(([, v]) => v === tt.elemType)?.[0].toLowerCase() ?? `type ${tt.elemType}`;
    throw new ManifestError(`${modelFile}: input ${input.name} takes ${name} values; ConvScope feeds float32 or float16 inputs`);
  }
  if (graphType && graphType !== dtype) {
    throw new ManifestError(`${where}: input.dtype is '${dtype}', but input ${input.name} of ${model} is ${graphType}`);
  }
  return { inputName: input.name, inputDims, outputName };
}

/** A tensor given as is (the command line's .npy) against the graph's input dimensions. */
export function checkInputTensor(shape: readonly number[], ports: Pick<ModelPorts, 'inputName' | 'inputDims'>, file: string): void {
  const { inputName, inputDims } = ports;
  if (shape.length !== inputDims.length) {
    throw new ManifestError(`${file}: shape (${shape.join(', ')}) has ${shape.length} dimensions, input '${inputName}' needs ${inputDims.length} [${inputDims.join(', ')}] (batch included)`);
  }
  inputDims.forEach((d, i) => {
    if (typeof d === 'number' && shape[i] !== d) {
      throw new ManifestError(`${file}: shape (${shape.join(', ')}) does not fit input '${inputName}' [${inputDims.join(', ')}] at dimension ${i}`);
    }
  });
}

/** A proposed manifest must give the input's full size before the model can run. */
export function checkInputSizeKnown(m: Partial<ModelManifest>, modelFile: string, manifestName: string): void {
  const shape = m.input?.shape;
  if (!shape || shape.some((d) => !(d > 0))) {
    throw new ManifestError(`${modelFile}: input ${m.input?.name ?? ''} has no fixed size [${shape?.join(', ') ?? '?'}]; give input.shape in a manifest beside the model (${manifestName})`);
  }
}

export function checkLabels(labels: readonly string[], classes: number, outputName: string, where: string): void {
  if (labels.length !== classes) throw new ManifestError(`${where}: ${labels.length} labels, but output ${outputName} has ${classes} classes`);
}

/** Every layer the manifest's panels name exists in the model. */
export function checkPanels(panels: ModelManifest['panels'], layers: readonly string[], where: string): void {
  const known = new Set(layers);
  for (const [kind, names] of Object.entries(panels ?? {})) {
    for (const name of names ?? []) {
      if (!known.has(name)) {
        throw new ManifestError(`${where}: panels.${kind} names layer '${name}', which the model does not have (layers: ${layers.slice(0, 30).join(', ')}${layers.length > 30 ? ', …' : ''})`);
      }
    }
  }
}

export function checkMeanChannels(meanChannels: number, inputChannels: number, where: string): void {
  if (meanChannels !== inputChannels) throw new ManifestError(`${where}: preprocess.meanFile has ${meanChannels} channels, the input has ${inputChannels}`);
}

/**
 * An age output names an age for every class: `output.ages` has one per class, or (without it)
 * every label names one. A model whose labels all name ages counts as an age model without saying so.
 */
export function checkAgeOutput(output: ModelManifest['output'], labels: readonly string[], classes: number, outputName: string, where: string): void {
  if (output?.ages && output.ages.length !== classes) {
    throw new ManifestError(`${where}: output.ages has ${output.ages.length} ages, but output ${outputName} has ${classes} classes`);
  }
  if (output?.kind === 'age' && !output.ages) {
    const i = labels.findIndex((l) => parseAgeLabel(l) === null);
    if (i >= 0) throw new ManifestError(`${where}: output.kind is 'age', but label '${labels[i]}' (class ${i}) names no age; give output.ages (one age or [from, to] per class)`);
  }
}
