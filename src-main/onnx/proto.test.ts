import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataType, decodeModel, encodeModel, floatTensor, floatToHalf, halfToFloat, tensorToFloat32 } from './proto';

describe('ONNX schema', () => {
  it('reads initializers correctly when the model bytes are a view into a larger Buffer', () => {
    const model = {
      irVersion: 7,
      opsetImport: [{ version: 13 }],
      graph: {
        node: [],
        initializer: [floatTensor('w', [2, 2], new Float32Array([1.5, -2, 3, 4.25]))],
        input: [],
        output: [],
      },
    };
    const bytes = encodeModel(model);
    // Node's readFileSync and pooled Buffers hand out views at an offset: the decoded raw data
    // then shares a larger ArrayBuffer, which must not leak into the tensor values.
    const big = Buffer.alloc(bytes.byteLength + 13, 0xff);
    big.set(bytes, 13);
    const decoded = decodeModel(big.subarray(13));
    expect([...tensorToFloat32(decoded.graph.initializer[0])]).toEqual([1.5, -2, 3, 4.25]);
  });

  it('decodes the bundled MNIST model and re-encodes it losslessly', () => {
    const bytes = readFileSync(new URL('../../assets/models/mnist/mnist.onnx', import.meta.url));
    const m = decodeModel(bytes);
    expect(m.graph.node.map((n) => n.opType)).toContain('Conv');
    const again = decodeModel(encodeModel(m));
    expect(again.graph.node.length).toBe(m.graph.node.length);
    const w = m.graph.initializer.find((t) => t.name === 'Parameter5')!;
    expect([...tensorToFloat32(again.graph.initializer.find((t) => t.name === 'Parameter5')!)]).toEqual([...tensorToFloat32(w)]);
  });

  it('refuses an initializer whose dims declare more values than it holds, before allocating them', () => {
    const half = { name: 'w', dims: [500_000_000, 4], dataType: DataType.FLOAT16, int32Data: [1, 2] };
    expect(() => tensorToFloat32(half)).toThrow('tensor w: dims 500000000×4 declare 2000000000 values but it holds 2');
    const raw = { ...floatTensor('v', [3], Float32Array.from([1, 2, 3])), dims: [1_000_000] };
    expect(() => tensorToFloat32(raw)).toThrow('tensor v: dims 1000000 declare 1000000 values but it holds 3');
  });

  it('rejects bytes that are not a model with a clear message', () => {
    expect(() => decodeModel(new Uint8Array([0xff, 0xff, 0xff, 0x07]))).toThrow(/not a valid ONNX model/);
  });

  it('converts float16 both ways', () => {
    for (const x of [0, 1, -2.5, 65504, 6.1035156e-5, 0.333251953125]) expect(halfToFloat(floatToHalf(x))).toBeCloseTo(x, 6);
    expect(floatToHalf(1)).toBe(0x3c00);
  });
});
