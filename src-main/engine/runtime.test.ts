// The model runtime's display sessions: one per subscription, built with the quantisation appended
// to the model's bytes, and kept for going back to an earlier subscription.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameResult, Subscription } from '../../src-shared/contract';
import { ModelRuntime } from './runtime';
import { assetsDir, loadMnistTest, mnistDigit, paperDigit } from './testing/data';

describe('display sessions', () => {
  let rt: ModelRuntime;
  beforeAll(async () => {
    rt = await ModelRuntime.load({ bundled: 'lenet' }, assetsDir, { forceCpu: true });
  });
  afterAll(async () => {
    await rt.release();
  });

  const frame = { id: 1, t: 0, ...paperDigit(mnistDigit(loadMnistTest(10), 0), { size: 112 }) };
  const run = () => rt.run(frame, { dropped: 0 });
  const payload = (r: FrameResult) => r.layers.map((l) => ({ ...l, data: Array.from(l.data), min: Array.from(l.min), max: Array.from(l.max) }));

  it('goes back to an earlier subscription without building its session again, with the same results', async () => {
    const grids: Subscription = { layers: [{ layer: 'conv1' }, { layer: 'conv2', channels: { topK: 4 } }] };
    const strip: Subscription = { layers: [{ layer: 'pool1', channels: { topK: 1 } }, { layer: 'ip1', norm: 'map' }] };
    const built = rt.displaySessionsBuilt;
    await rt.subscribe(grids);
    const first = payload(await run());
    await rt.subscribe(strip);
    const other = payload(await run());
    expect(other.map((l) => l.layer)).toEqual(['pool1', 'ip1']);
    expect(rt.displaySessionsBuilt).toBe(built + 2);

    await rt.subscribe(grids);
    expect(rt.displaySessionsBuilt).toBe(built + 2);
    expect(payload(await run())).toEqual(first);
    await rt.subscribe(strip);
    expect(payload(await run())).toEqual(other);
    // Nothing subscribed (the plain model, as loaded) is not kept: a large model would hold a second
    // copy of its weights for a subscription the app never makes.
    await rt.subscribe({ layers: [] });
    expect((await run()).layers).toEqual([]);
    await rt.subscribe(grids);
    await rt.subscribe({ layers: [] });
    expect(rt.displaySessionsBuilt).toBe(built + 4);
  });

  it('keeps at most four sessions for a small model, dropping the least recently used', async () => {
    const built = rt.displaySessionsBuilt;
    const subs: Subscription[] = ['conv1', 'pool1', 'conv2', 'pool2', 'ip1'].map((layer) => ({ layers: [{ layer }] }));
    for (const s of subs) await rt.subscribe(s);
    expect(rt.displaySessionsBuilt).toBe(built + 5);
    // The last four are kept (the current one among them); the first was let go.
    for (const s of subs.slice(1).reverse()) await rt.subscribe(s);
    expect(rt.displaySessionsBuilt).toBe(built + 5);
    await rt.subscribe(subs[0]);
    expect(rt.displaySessionsBuilt).toBe(built + 6);
    expect((await run()).layers.map((l) => l.layer)).toEqual(['conv1']);
  });

  it('lets the kept sessions go when the provider changes (they ran on the old one)', async () => {
    const a: Subscription = { layers: [{ layer: 'conv2' }] };
    const b: Subscription = { layers: [{ layer: 'pool2' }] };
    await rt.subscribe(a);
    await rt.subscribe(b);
    await rt.setProvider(true);
    const built = rt.displaySessionsBuilt;
    await rt.subscribe(a);
    expect(rt.displaySessionsBuilt).toBe(built + 1);
    expect((await run()).layers.map((l) => l.layer)).toEqual(['conv2']);
  });
});
