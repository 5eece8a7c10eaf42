import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../src-shared/contract';
import { decodeModel } from '../onnx/proto';
import { checkAgeOutput, checkInputSizeKnown, checkInputTensor, checkLabels, checkManifestFitsGraph, checkMeanChannels, checkPanels } from './check';
import { readManifest } from './manifest';

const mnistDir = resolve(__dirname, '../../assets/models/mnist');
const proto = decodeModel(readFileSync(resolve(mnistDir, 'mnist.onnx')));
const base = readManifest(resolve(mnistDir, 'manifest.json'));
const fits = (m: Partial<ModelManifest>) => checkManifestFitsGraph({ ...base, ...m }, proto, 'm.json', '/x/mnist.onnx');
const inputOf = (over: Partial<ModelManifest['input']>) => ({ input: { ...base.input, ...over } });

describe('manifest against the model', () => {
  it('finds the input and output the manifest names, or the first ones', () => {
    expect(fits({})).toEqual({ inputName: 'Input3', inputDims: [1, 1, 28, 28], outputName: 'Plus214_Output_0' });
    const unnamed = fits({ input: { shape: [1, 1, 28, 28], layout: 'NCHW' }, output: { softmax: true } });
    expect(unnamed).toMatchObject({ inputName: 'Input3', outputName: 'Plus214_Output_0' });
  });

  it('names the manifest and the field when the graph has no such input or output', () => {
    expect(() => fits(inputOf({ name: 'image' }))).toThrow("m.json: input.name 'image' is not an input of the model (inputs: Input3)");
    expect(() => fits({ output: { name: 'probs' } })).toThrow("m.json: output.name 'probs' is not an output of the model (outputs: Plus214_Output_0)");
  });

  it('checks the input shape and element type against the graph', () => {
    expect(() => fits(inputOf({ shape: [1, 1, 32, 32] }))).toThrow('m.json: input.shape [1, 1, 32, 32] does not fit input Input3 [1, 1, 28, 28] of mnist.onnx at dimension 2');
    expect(() => fits(inputOf({ dtype: 'float16' }))).toThrow("m.json: input.dtype is 'float16', but input Input3 of mnist.onnx is float32");
    const flat = structuredClone(proto);
    flat.graph.input[0].type!.tensorType!.shape!.dim = [{ dimParam: 'N' }, { dimValue: 784 }];
    expect(() => checkManifestFitsGraph(base, flat, 'm.json', 'flat.onnx')).toThrow('m.json: input.shape [1, 1, 28, 28] has 4 dimensions, input Input3 of flat.onnx has 2 [N, 784]');
    const bytes = structuredClone(proto);
    bytes.graph.input[0].type!.tensorType!.elemType = 2;
    expect(() => checkManifestFitsGraph(base, bytes, 'm.json', 'u8.onnx')).toThrow('u8.onnx: input Input3 takes uint8 values; ConvScope feeds float32 or float16 inputs');
    // Symbolic dimensions take any size.
    const dynamic = structuredClone(proto);
    dynamic.graph.input[0].type!.tensorType!.shape!.dim = [{ dimParam: 'N' }, { dimValue: 1 }, { dimParam: 'H' }, { dimParam: 'W' }];
    expect(checkManifestFitsGraph({ ...base, ...inputOf({ shape: [1, 1, 64, 48] }) }, dynamic, 'm.json', 'd.onnx').inputDims).toEqual(['N', 1, 'H', 'W']);
  });

  it('checks a tensor given as is against the input', () => {
    const ports = { inputName: 'data', inputDims: ['batch', 1, 28, 28] };
    expect(() => checkInputTensor([10, 1, 28, 28], ports, 'in.npy')).not.toThrow();
    expect(() => checkInputTensor([784], ports, 'flat.npy')).toThrow("flat.npy: shape (784) has 1 dimensions, input 'data' needs 4 [batch, 1, 28, 28] (batch included)");
    expect(() => checkInputTensor([1, 3, 28, 28], ports, 'rgb.npy')).toThrow("rgb.npy: shape (1, 3, 28, 28) does not fit input 'data' [batch, 1, 28, 28] at dimension 1");
  });

  it('checks labels, panels, mean channels and that a proposed input has a size', () => {
    expect(() => checkLabels(['a', 'b'], 10, 'prob', 'm.json')).toThrow('m.json: 2 labels, but output prob has 10 classes');
    expect(() => checkLabels(['a', 'b'], 2, 'prob', 'm.json')).not.toThrow();
    expect(() => checkPanels({ conv: ['conv1'], fc: ['ip9'] }, ['conv1', 'ip1'], 'm.json')).toThrow("m.json: panels.fc names layer 'ip9', which the model does not have (layers: conv1, ip1)");
    expect(() => checkPanels(undefined, [], 'm.json')).not.toThrow();
    expect(() => checkMeanChannels(3, 1, 'm.json')).toThrow('m.json: preprocess.meanFile has 3 channels, the input has 1');
    expect(() => checkInputSizeKnown({ input: { name: 'x', shape: [1, 3, 0, 0], layout: 'NCHW' } }, '/m/fcn.onnx', 'fcn.json')).toThrow(
      '/m/fcn.onnx: input x has no fixed size [1, 3, 0, 0]; give input.shape in a manifest beside the model (fcn.json)',
    );
  });

  it('checks that an age output names an age for every class', () => {
    const ages = { kind: 'age' as const, ages: [[0, 2], [4, 6], [60, null]] as [number, number | null][] };
    expect(() => checkAgeOutput(ages, ['a', 'b', 'c'], 3, 'prob', 'm.json')).not.toThrow();
    expect(() => checkAgeOutput(ages, ['a', 'b', 'c'], 8, 'prob', 'm.json')).toThrow('m.json: output.ages has 3 ages, but output prob has 8 classes');
    expect(() => checkAgeOutput({ kind: 'age' }, ['0-2', '4-6', '60+'], 3, 'prob', 'm.json')).not.toThrow();
    expect(() => checkAgeOutput({ kind: 'age' }, ['0-2', 'teen', '60+'], 3, 'prob', 'm.json')).toThrow(
      "m.json: output.kind is 'age', but label 'teen' (class 1) names no age; give output.ages (one age or [from, to] per class)",
    );
    expect(() => checkAgeOutput(undefined, ['cat', 'dog'], 2, 'prob', 'm.json')).not.toThrow();
  });
});
