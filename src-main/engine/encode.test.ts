import { describe, expect, it } from 'vitest';
import type { LayerInfo } from '../../src-shared/contract';
import { dequantise } from '../../src-shared/payload';
import { floatToHalf } from '../onnx/proto';
import { encodeLayer, fromQuantised, quantiseRequest } from './encode';

const maps: LayerInfo = { name: 'conv', op: 'Conv', shape: [3, 2, 2], kind: 'maps', index: 0 };
// Map 0: 0..3, map 1: −4..−1, map 2: all 10 (flat).
const data = Float32Array.from([0, 1, 2, 3, -4, -3, -2, -1, 10, 10, 10, 10]);

describe('encodeLayer', () => {
  it('quantises each map on its own range by default', () => {
    const p = encodeLayer({ layer: 'conv' }, maps, data);
    expect(p.channels).toEqual([0, 1, 2]);
    expect([p.mapH, p.mapW]).toEqual([2, 2]);
    expect(Array.from(p.min)).toEqual([0, -4, 10]);
    expect(Array.from(p.max)).toEqual([3, -1, 10]);
    expect(Array.from(p.data.subarray(0, 4))).toEqual([0, 85, 170, 255]);
    expect(dequantise(p.data[5], p.min[1], p.max[1])).toBeCloseTo(-3, 5);
  });

  it('uses one range for the whole layer, and a symmetric one when signed', () => {
    const layer = encodeLayer({ layer: 'conv', norm: 'layer' }, maps, data);
    expect(Array.from(layer.min)).toEqual([-4, -4, -4]);
    expect(Array.from(layer.max)).toEqual([10, 10, 10]);
    const signed = encodeLayer({ layer: 'conv', signed: true }, maps, data);
    expect(Array.from(signed.min)).toEqual([-3, -4, -10]);
    expect(Array.from(signed.max)).toEqual([3, 4, 10]);
    expect(signed.data[0]).toBe(128); // zero sits in the middle
  });

  it('selects ranges, lists and the top-k most active maps', () => {
    expect(encodeLayer({ layer: 'conv', channels: { start: 1, count: 5 } }, maps, data).channels).toEqual([1, 2]);
    const list = encodeLayer({ layer: 'conv', channels: { list: [2, 0] } }, maps, data);
    expect(list.channels).toEqual([2, 0]);
    expect(Array.from(list.data.subarray(4, 8))).toEqual([0, 85, 170, 255]);
    expect(encodeLayer({ layer: 'conv', channels: { topK: 2 } }, maps, data).channels).toEqual([2, 0]);
  });

  it('sends a vector whole as one 1×N map', () => {
    const vec: LayerInfo = { name: 'fc', op: 'Gemm', shape: [4], kind: 'vector', index: 1 };
    const p = encodeLayer({ layer: 'fc', channels: { start: 0, count: 2 } }, vec, Float32Array.from([1, -1, 0, 3]));
    expect(p.channels).toEqual([0]);
    expect([p.mapH, p.mapW]).toEqual([1, 4]);
    expect(Array.from(p.data)).toEqual([128, 0, 64, 255]);
  });

  it('gives the same bytes for float16 activations as for float32', () => {
    const half = { half: Uint16Array.from(data, (v) => floatToHalf(v)) };
    for (const sub of [{ layer: 'conv' }, { layer: 'conv', norm: 'layer' as const, signed: true }, { layer: 'conv', channels: { topK: 2 } }]) {
      const a = encodeLayer(sub, maps, data);
      const b = encodeLayer(sub, maps, half);
      expect(b.channels).toEqual(a.channels);
      expect(Array.from(b.data)).toEqual(Array.from(a.data));
      expect(Array.from(b.min)).toEqual(Array.from(a.min));
    }
  });

  it('unpacks the graph’s outputs, and a map whose range is not finite as quantise gives it: all zero on 0…0', () => {
    const req = quantiseRequest({ layer: 'conv', channels: { list: [2, 0] } }, maps, 'conv', 1);
    const p = fromQuantised(maps, req, {
      data: Uint8Array.from([9, 9, 9, 9, 0, 85, 170, 255]),
      min: Float32Array.of(Number.NaN, 0),
      max: Float32Array.of(10, 3),
    });
    expect(p.channels).toEqual([2, 0]);
    expect(Array.from(p.data)).toEqual([0, 0, 0, 0, 0, 85, 170, 255]);
    expect(Array.from(p.min)).toEqual([0, 0]);
    expect(Array.from(p.max)).toEqual([0, 3]);
    const nan = encodeLayer({ layer: 'conv', channels: { list: [0] } }, maps, Float32Array.from([Infinity, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(Array.from(nan.data)).toEqual([0, 0, 0, 0]);
    expect([nan.min[0], nan.max[0]]).toEqual([0, 0]);
  });

  it('takes one range for the whole layer from the graph when it sends one', () => {
    const req = quantiseRequest({ layer: 'conv', norm: 'layer', channels: { topK: 2 } }, maps, 'conv', 1);
    const p = fromQuantised(maps, req, { data: new Uint8Array(8), min: Float32Array.of(-4), max: Float32Array.of(10), channels: BigInt64Array.of(2n, 0n) });
    expect(p.channels).toEqual([2, 0]);
    expect(Array.from(p.min)).toEqual([-4, -4]);
    expect(Array.from(p.max)).toEqual([10, 10]);
  });
});
