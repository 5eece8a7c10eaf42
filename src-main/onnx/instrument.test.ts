import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetsDir } from '../engine/testing/data';
import { addOutputs, displayShape, findActivations, inferElementTypes, layerInputs } from './instrument';
import { DataType, decodeModel, type ModelProto } from './proto';

describe('graph instrumentation', () => {
  const mnist = decodeModel(readFileSync(resolve(assetsDir, 'mnist/mnist.onnx')));
  const squeeze = decodeModel(readFileSync(resolve(assetsDir, 'squeezenet/squeezenet_fp16.onnx')));

  it('lists float activations downstream of the input, not constant sub-graphs', () => {
    const acts = findActivations(mnist, 'Input3').map((a) => a.tensor);
    expect(acts[0]).toBe('Convolution28_Output_0');
    expect(acts).toContain('Pooling160_Output_0_reshape0');
    expect(acts).not.toContain('Parameter193_reshape1'); // a reshaped weight, not an activation
    expect(acts).toHaveLength(11);
  });

  it('infers float16 activations and skips Dropout’s boolean mask', () => {
    const types = inferElementTypes(squeeze);
    expect(types.get('fire5/concat_1')).toBe(DataType.FLOAT16);
    expect(types.get('_fire9/concat_mask_1')).toBe(DataType.BOOL);
    const acts = findActivations(squeeze, 'data_0').map((a) => a.tensor);
    expect(acts).toContain('fire9/concat_2');
    expect(acts).not.toContain('_fire9/concat_mask_1');
    const inst = addOutputs(squeeze, acts);
    expect(inst.graph.output[0].name).toBe('softmaxout_1');
    const added = inst.graph.output.find((o) => o.name === 'conv1_2');
    expect(added?.type?.tensorType?.elemType).toBe(DataType.FLOAT16);
    expect(squeeze.graph.output).toHaveLength(1); // the original is untouched
  });

  it('shows tensors as maps or vectors', () => {
    expect(displayShape([1, 20, 24, 24])).toEqual({ kind: 'maps', shape: [20, 24, 24] });
    expect(displayShape([1, 500])).toEqual({ kind: 'vector', shape: [500] });
    expect(displayShape([1, 1000, 1, 1])).toEqual({ kind: 'vector', shape: [1000] });
    expect(displayShape([1, 28, 28])).toEqual({ kind: 'maps', shape: [1, 28, 28] });
    expect(displayShape([1, 1, 16, 4, 4])).toEqual({ kind: 'maps', shape: [16, 4, 4] });
    expect(displayShape([1, 2, 3, 4, 5])).toBeNull();
  });

  it('finds the layers each layer is computed from, through nodes that are not layers themselves', () => {
    // image → conv → relu, which feeds a two-node layer (depthwise + pointwise, one layer) and a
    // shortcut conv; a sum of both follows.
    const node = (opType: string, input: string[], output: string) => ({ opType, input, output: [output] });
    const model: ModelProto = {
      irVersion: 7,
      opsetImport: [{ version: 13 }],
      graph: {
        name: 'flow',
        node: [
          node('Conv', ['image', 'w1'], 'conv'),
          node('Relu', ['conv'], 'relu'),
          node('Conv', ['relu', 'wd'], 'sep/depthwise'),
          node('Conv', ['sep/depthwise', 'wp'], 'sep'),
          node('Conv', ['relu', 'ws'], 'shortcut'),
          node('Add', ['sep', 'shortcut'], 'sum'),
        ],
        initializer: [],
        input: [],
        output: [],
      },
    };
    const layers = ['conv', 'relu', 'sep', 'shortcut', 'sum'].map((t) => ({ tensor: t, name: `L_${t}`, op: 'x' }));
    const inputs = layerInputs(model, layers);
    expect(Object.fromEntries(inputs)).toEqual({
      L_conv: [],
      L_relu: ['L_conv'],
      L_sep: ['L_relu'],
      L_shortcut: ['L_relu'],
      L_sum: ['L_sep', 'L_shortcut'],
    });
  });
});
