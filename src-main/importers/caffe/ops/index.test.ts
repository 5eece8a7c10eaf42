import { describe, expect, it } from 'vitest';
import { CAFFE_LAYERS, layerInfo } from '../layers';
import { handlerFor, SUPPORTED_TYPES } from './index';

describe('the layer handler list', () => {
  it('has one handler for every layer type layers.ts calls compute, and no other', () => {
    const compute = Object.entries(CAFFE_LAYERS).filter(([, info]) => info.role === 'compute').map(([type]) => type);
    expect([...SUPPORTED_TYPES].sort()).toEqual(compute.sort());
    for (const type of compute) expect(handlerFor(type), type).toBeTypeOf('function');
  });

  it('finds nothing for unknown types, input and training layers, or names of object properties', () => {
    for (const type of ['Swish', 'Input', 'Data', 'SoftmaxWithLoss', 'Accuracy', 'constructor', 'toString']) expect(handlerFor(type), type).toBeUndefined();
    expect(layerInfo('constructor')).toBeUndefined();
  });
});
