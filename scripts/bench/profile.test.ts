import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelRuntime } from '../../src-main/engine/runtime';
import { partOf, summariseProfile, timeGraphs, type ProfileEvent } from './profile';

const assets = join(__dirname, '..', '..', 'assets', 'models');

describe('bench profile', () => {
  it('sorts nodes into kinds of work by name and operator', () => {
    expect(partOf('convscope_q/g0/bytes', 'Cast')).toBe('quantisation');
    expect(partOf('convscope_q/ranges', 'Concat')).toBe('quantisation');
    expect(partOf('convscope_q/3/layer_min', 'ReduceMin')).toBe('quantisation');
    expect(partOf('convscope_q/3/map_sum', 'ReduceSum')).toBe('selection');
    expect(partOf('convscope_q/3/top_channels', 'TopK')).toBe('selection');
    expect(partOf('ReorderOutput_token_12', 'ReorderOutput')).toBe('layout');
    expect(partOf('InsertedPrecisionFreeCast_conv1', 'Cast')).toBe('casts');
    expect(partOf('conv1_nchwc', 'Conv')).toBe('model');
  });

  it('leaves out the warm-up runs and averages the rest per run', () => {
    const node = (name: string, op: string, ts: number, dur: number): ProfileEvent => ({ cat: 'Node', name: `${name}_kernel_time`, ts, dur, args: { op_name: op } });
    const events: ProfileEvent[] = [
      { cat: 'Session', name: 'model_run', ts: 0, dur: 100 },
      node('conv', 'Conv', 1, 90),
      { cat: 'Session', name: 'model_run', ts: 200, dur: 30 },
      node('conv', 'Conv', 201, 10),
      node('convscope_q/g0/bytes', 'Cast', 212, 6),
      { cat: 'Session', name: 'model_run', ts: 300, dur: 50 },
      node('conv', 'Conv', 301, 20),
      node('convscope_q/g0/bytes', 'Cast', 322, 14),
      node('convscope_q/0/map_sum', 'ReduceSum', 337, 4),
    ];
    const p = summariseProfile(events, 1);
    expect(p.runs).toBe(2);
    expect(p.runUs).toBe(40);
    expect(p.kernelUs).toBe(27);
    expect(p.parts).toEqual({ model: 15, layout: 0, casts: 0, selection: 2, quantisation: 10 });
    expect(p.nodes).toBe(3);
  });

  it("profiles a real model's plain and display graphs: ConvScope's nodes only in the display graph", async () => {
    const rt = await ModelRuntime.load({ bundled: 'lenet' }, assets, { forceCpu: true });
    let plain: Uint8Array;
    let display: Uint8Array;
    let input;
    try {
      plain = rt.displayModel;
      const maps = rt.info.layers.filter((l) => l.kind === 'maps');
      await rt.subscribe({ layers: [{ layer: maps[0].name }, { layer: maps[1].name, channels: { topK: 1 } }] });
      display = rt.displayModel;
      input = rt.prepare({ width: 112, height: 112, rgba: new Uint8Array(112 * 112 * 4).fill(255) });
    } finally {
      await rt.release();
    }
    const [p, d, alone] = await timeGraphs(
      [
        { model: plain, profile: true },
        { model: display, profile: true },
        { model: display, profile: false },
      ],
      input,
      { warmUp: 1, min: 3, ms: 0 },
    );
    expect(alone.profile).toBeUndefined();
    expect(alone.runMs).toBeGreaterThan(0);
    const pp = p.profile!;
    const dp = d.profile!;
    expect(pp.runs).toBe(3);
    expect(dp.runs).toBe(3);
    expect(pp.parts.selection + pp.parts.quantisation).toBe(0);
    expect(pp.parts.model).toBeGreaterThan(0);
    expect(dp.parts.selection).toBeGreaterThan(0);
    expect(dp.parts.quantisation).toBeGreaterThan(0);
    expect(dp.nodes).toBeGreaterThan(pp.nodes);
    expect(p.runMs).toBeGreaterThan(0);
    expect(d.runMs).toBeGreaterThan(0);
  });
});
