// The tensor handlers alone: shapes and values against Caffe's definitions computed here.
import { describe, expect, it } from 'vitest';
import { synthetic } from '../testing/synthetic';
import { at4, runOneLayer, type Tensor } from './testing/one-layer';

const tensor = (shape: number[], seed: number): Tensor => ({ shape, data: synthetic(seed, shape.reduce((a, b) => a * b, 1), 1) });

describe('tensor layer handlers', () => {
  it('Concat without concat_param joins along the channels (axis 1)', async () => {
    const a = tensor([1, 2, 2, 2], 41);
    const b = tensor([1, 3, 2, 2], 42);
    const r = await runOneLayer({ type: 'Concat', inputs: [a, b] });
    expect(r.shapes).toEqual([[1, 5, 2, 2]]);
    expect(Array.from(r.outputs[0].data)).toEqual([...a.data, ...b.data]);
  });

  it('Slice without slice_param splits the channels (axis 1) into equal parts, one per top', async () => {
    const x = tensor([1, 4, 1, 2], 43);
    const r = await runOneLayer({ type: 'Slice', inputs: [x], tops: 2 });
    expect(r.shapes).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]);
    expect(r.outputs.map((o) => Array.from(o.data))).toEqual([Array.from(x.data.slice(0, 4)), Array.from(x.data.slice(4))]);
  });

  it('Split copies its input to every top', async () => {
    const x = tensor([1, 2, 1, 1], 44);
    const r = await runOneLayer({ type: 'Split', inputs: [x], tops: 3 });
    expect(r.outputs.map((o) => Array.from(o.data))).toEqual([0, 1, 2].map(() => Array.from(x.data)));
  });

  it('Flatten without flatten_param keeps the batch and flattens the rest (axis 1, end_axis -1)', async () => {
    const x = tensor([2, 3, 2, 2], 45);
    const r = await runOneLayer({ type: 'Flatten', inputs: [x] });
    expect(r.shapes).toEqual([[2, 12]]);
    expect(r.outputs[0].shape).toEqual([2, 12]);
  });

  it('Reshape applies its shape from axis 0 over all axes; 0 copies a dim, -1 infers it', async () => {
    const x = tensor([2, 3, 2, 2], 46);
    const r = await runOneLayer({ type: 'Reshape', params: { shape: { dim: [0, -1, 2] } }, inputs: [x] });
    expect(r.shapes).toEqual([[2, 6, 2]]);
    expect(r.outputs[0].shape).toEqual([2, 6, 2]);
    expect(Array.from(r.outputs[0].data)).toEqual(Array.from(x.data));
  });

  it('Permute puts the listed axes first, the rest after in order', async () => {
    const x = tensor([1, 2, 3, 4], 47);
    const r = await runOneLayer({ type: 'Permute', params: { order: [0, 2] }, inputs: [x] });
    expect(r.shapes).toEqual([[1, 3, 2, 4]]);
    expect(r.outputs[0].data[at4([1, 3, 2, 4], 0, 2, 1, 3)]).toBe(x.data[at4(x.shape, 0, 1, 2, 3)]);
  });

  it('Crop without crop_param crops height and width (axis 2) at offset 0 to the reference', async () => {
    const x = tensor([1, 2, 4, 5], 48);
    const ref = tensor([1, 1, 2, 3], 49);
    const r = await runOneLayer({ type: 'Crop', inputs: [x, ref] });
    expect(r.shapes).toEqual([[1, 2, 2, 3]]);
    const expected: number[] = [];
    for (let c = 0; c < 2; c++) for (let h = 0; h < 2; h++) for (let w = 0; w < 3; w++) expected.push(x.data[at4(x.shape, 0, c, h, w)]);
    expect(Array.from(r.outputs[0].data)).toEqual(expected);
    const shifted = await runOneLayer({ type: 'Crop', params: { axis: 3, offset: [2] }, inputs: [x, ref] });
    expect(shifted.shapes).toEqual([[1, 2, 4, 3]]);
    expect(shifted.outputs[0].data[0]).toBe(x.data[2]);
  });

  it('Dropout is the identity at inference', async () => {
    const x = tensor([1, 2, 2, 2], 50);
    const r = await runOneLayer({ type: 'Dropout', inputs: [x] });
    expect(r.ops).toEqual(['Identity']);
    expect(Array.from(r.outputs[0].data)).toEqual(Array.from(x.data));
  });
});
