import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelRuntime } from '../../src-main/engine/runtime';
import { argmax, compareOutputs, graphAgreement, providerAgreement } from './agreement';

const assets = join(__dirname, '..', '..', 'assets', 'models');

describe('provider agreement', () => {
  it('gives each layer its largest difference, relative to the largest magnitude of the reference', () => {
    const ref = new Map([
      ['a', Float32Array.of(1, -4, 2)],
      ['b', Float32Array.of(0, 0)],
      ['c', Float32Array.of(0, 0)],
    ]);
    const other = new Map([
      ['a', Float32Array.of(1.5, -4, 1)],
      ['b', Float32Array.of(0, 0)],
      ['c', Float32Array.of(0, 0.25)],
    ]);
    expect(compareOutputs(ref, other)).toEqual([
      { output: 'a', maxAbs: 1, relative: 0.25 },
      { output: 'b', maxAbs: 0, relative: 0 },
      { output: 'c', maxAbs: 0.25, relative: Infinity },
    ]);
  });

  it('counts a NaN as a total disagreement and refuses outputs of another size', () => {
    const ref = new Map([['a', Float32Array.of(1, 2)]]);
    expect(compareOutputs(ref, new Map([['a', Float32Array.of(1, Number.NaN)]]))[0].maxAbs).toBe(Infinity);
    expect(() => compareOutputs(ref, new Map([['a', Float32Array.of(1)]]))).toThrow('output a: 1 values, not 2');
    expect(() => compareOutputs(ref, new Map())).toThrow('output a: missing');
  });

  it('finds the first largest value', () => {
    expect(argmax([0.1, 0.7, 0.7, 0.2])).toBe(1);
    expect(argmax([-3, -1, -2])).toBe(1);
  });

  it("runs LeNet's every layer and its display graph on two providers: the CPU against itself agrees exactly", async () => {
    const rt = await ModelRuntime.load({ bundled: 'lenet' }, assets, { forceCpu: true });
    let display;
    let input;
    let layers: number;
    try {
      layers = rt.info.layers.length;
      const maps = rt.info.layers.filter((l) => l.kind === 'maps');
      await rt.subscribe({ layers: [{ layer: maps[0].name }, { layer: maps[1].name, channels: { topK: 1 } }] });
      display = rt.displayModel;
      // A dark stroke on white, so that the layers are not all zero.
      const rgba = new Uint8Array(112 * 112 * 4).fill(255);
      for (let y = 20; y < 92; y++) for (let x = 50; x < 62; x++) rgba.fill(0, (y * 112 + x) * 4, (y * 112 + x) * 4 + 3);
      input = rt.prepare({ width: 112, height: 112, rgba });
    } finally {
      await rt.release();
    }
    const every = await providerAgreement({ bundled: 'lenet' }, assets, 'cpu', input);
    expect(every.layers.length).toBeGreaterThanOrEqual(layers);
    expect(every.layers.every((l) => l.maxAbs === 0 && l.relative === 0)).toBe(true);
    expect(every.top.other).toBe(every.top.reference);
    const shown = await graphAgreement(display, 'cpu', input);
    // The display graph's outputs: the model's own, then the quantised maps, ranges and picks.
    expect(shown.layers.length).toBeGreaterThan(1);
    expect(shown.worst.relative).toBe(0);
  });
});
