// When the quantisation cannot be appended to a model's graph (an operator version it does not
// handle, a session that refuses the extended graph), the runtime quantises in JavaScript instead:
// the same subscription then gives the same bytes, ranges and chosen maps.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FrameResult, Subscription } from '../../src-shared/contract';
import { ModelRuntime } from './runtime';
import { assetsDir, loadMnistTest, mnistDigit, paperDigit } from './testing/data';

const failing = vi.hoisted(() => ({ on: false }));
vi.mock('../onnx/quantise-graph', async (importOriginal) => {
  const real = await importOriginal<typeof import('../onnx/quantise-graph')>();
  return {
    ...real,
    addQuantisation: (...args: Parameters<typeof real.addQuantisation>) => {
      if (failing.on) throw new Error('test: this graph cannot be extended');
      return real.addQuantisation(...args);
    },
  };
});

describe('quantising in JavaScript when the graph cannot do it', () => {
  let inGraph: ModelRuntime;
  let inJs: ModelRuntime;
  beforeAll(async () => {
    inGraph = await ModelRuntime.load({ bundled: 'lenet' }, assetsDir, { forceCpu: true });
    inJs = await ModelRuntime.load({ bundled: 'lenet' }, assetsDir, { forceCpu: true });
  });
  afterAll(async () => {
    await inGraph.release();
    await inJs.release();
  });

  const payload = (r: FrameResult) => r.layers.map((l) => ({ ...l, data: Array.from(l.data), min: Array.from(l.min), max: Array.from(l.max) }));

  it('sends what the graph would have sent, for every kind of request', async () => {
    const sub: Subscription = {
      layers: [
        { layer: 'conv1' },
        { layer: 'conv2', channels: { topK: 4 } },
        { layer: 'pool1', channels: { list: [3, 1] }, norm: 'layer' },
        { layer: 'pool2', channels: { start: 10, count: 5 }, signed: true },
        { layer: 'ip1', norm: 'map' },
      ],
    };
    await inGraph.subscribe(sub);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    failing.on = true;
    try {
      await inJs.subscribe(sub);
    } finally {
      failing.on = false;
    }
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(/quantising in the graph failed, quantising in JavaScript \(test: this graph cannot be extended\)/)]);
    warn.mockRestore();
    const digits = loadMnistTest(5);
    for (let i = 0; i < 5; i++) {
      const frame = { id: i, t: 0, ...paperDigit(mnistDigit(digits, i), { size: 112 }) };
      const a = await inGraph.run(frame, { dropped: 0 });
      const b = await inJs.run(frame, { dropped: 0 });
      expect(b.layers.map((l) => l.layer)).toEqual(['conv1', 'conv2', 'pool1', 'pool2', 'ip1']);
      expect(payload(b)).toEqual(payload(a));
      expect(Array.from(b.probs)).toEqual(Array.from(a.probs));
    }
  });
});
