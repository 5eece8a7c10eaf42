import { describe, expect, it } from 'vitest';
import type { LayerPayload } from '../../../src-shared/contract';
import { quantise } from '../../../src-shared/payload';
import { dequantiseByte, formatValue, mapValue, neuronView } from './values';

function payload(values: number[][], mapH: number, mapW: number, signed = false): LayerPayload {
  const data = new Uint8Array(values.length * mapH * mapW);
  const min = new Float32Array(values.length);
  const max = new Float32Array(values.length);
  values.forEach((v, i) => {
    const a = Math.max(...v.map(Math.abs));
    const r = quantise(v, 0, v.length, data, i * mapH * mapW, signed ? { min: -a, max: a } : undefined);
    min[i] = r.min;
    max[i] = r.max;
  });
  return { layer: 'conv', shape: [values.length, mapH, mapW], channels: values.map((_, i) => i * 2), mapH, mapW, data, min, max };
}

describe('hover values', () => {
  it('de-quantises bytes with the map’s own min and max', () => {
    expect(dequantiseByte(0, -1, 3)).toBe(-1);
    expect(dequantiseByte(255, -1, 3)).toBe(3);
    const p = payload([[0, 1, 2, 3, 4, 5], [-10, 0, 10, 20, 30, 40]], 2, 3);
    expect(mapValue(p, 0, 2, 1)).toBeCloseTo(5, 5);
    expect(mapValue(p, 0, 1, 0)).toBeCloseTo(1, 1);
    expect(mapValue(p, 1, 0, 0)).toBeCloseTo(-10, 5);
    expect(mapValue(p, 1, 1, 1)).toBeCloseTo(30, 0);
    expect(() => mapValue(p, 2, 0, 0)).toThrow(/slot 2/);
    expect(() => mapValue(p, 0, 3, 0)).toThrow(/outside 3×2/);
  });

  it('keeps zero at zero for signed (symmetric) maps', () => {
    const p = payload([[-2, 0, 1, 2]], 1, 4, true);
    expect([p.min[0], p.max[0]]).toEqual([-2, 2]);
    expect(mapValue(p, 0, 0, 0)).toBeCloseTo(-2, 5);
    expect(Math.abs(mapValue(p, 0, 1, 0))).toBeLessThan(2 / 255 + 1e-6);
    expect(mapValue(p, 0, 2, 0)).toBeCloseTo(1, 1);
    expect(mapValue(p, 0, 3, 0)).toBeCloseTo(2, 5);
  });

  it('reads neurons of a vector sent as one 1 × N map or as one cell per neuron', () => {
    const v = payload([[0, 0.5, 1, 2]], 1, 4);
    const whole = neuronView({ ...v, channels: [0] });
    expect(whole.count).toBe(4);
    expect(whole.neuron(3)).toBe(3);
    expect(whole.value(1)).toBeCloseTo(0.5, 2);
    const listed = neuronView(payload([[7], [9]], 1, 1));
    expect(listed.count).toBe(2);
    expect(listed.neuron(1)).toBe(2);
    expect(listed.value(1)).toBeCloseTo(9, 5);
  });

  it('formats values compactly without units', () => {
    expect(formatValue(0)).toBe('0');
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(formatValue(-12.3456)).toBe('-12.35');
    expect(formatValue(1)).toBe('1');
    expect(formatValue(0.00001234)).toBe('1.23e-5');
    expect(formatValue(123456789)).toBe('1.23e+8');
  });
});
