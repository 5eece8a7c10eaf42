import { describe, expect, it } from 'vitest';
import type { FrameResult, Request } from '../../../src-shared/contract';
import { decodeFrame, encodeResult } from '../../../src-shared/payload';
import { EngineLink } from './link';

function result(id: number): FrameResult {
  return {
    id,
    t: 12.5,
    probs: new Float32Array([0.1, 0.9]),
    input: { c: 1, h: 2, w: 2, data: new Uint8Array([0, 1, 2, 3]), min: 0, max: 1 },
    layers: [{ layer: 'ip1', shape: [3], channels: [0], mapH: 1, mapW: 3, data: new Uint8Array([9, 8, 7]), min: new Float32Array([0]), max: new Float32Array([2]) }],
    timing: { preprocessMs: 1, inferenceMs: 2, encodeMs: 0.5 },
    dropped: 4,
    processed: 10,
  };
}

describe('engine link', () => {
  it('queues requests until open, then matches responses by id (JSON and cloned objects)', async () => {
    const link = new EngineLink();
    const sent: Request[] = [];
    const a = link.request({ type: 'listModels' });
    const b = link.request({ type: 'availableProviders' });
    expect(sent).toHaveLength(0);
    link.open({ sendRequest: (r) => sent.push(r), sendFrame: () => true });
    expect(sent.map((r) => r.type)).toEqual(['listModels', 'availableProviders']);
    link.receive(JSON.stringify({ rid: sent[1].rid, ok: true, result: ['cpu'] }));
    link.receive({ rid: sent[0].rid, ok: true, result: [{ id: 'mnist', name: 'MNIST' }] });
    await expect(a).resolves.toEqual([{ id: 'mnist', name: 'MNIST' }]);
    await expect(b).resolves.toEqual(['cpu']);
  });

  it('rejects with the engine error and fails pending requests when the link is lost', async () => {
    const link = new EngineLink();
    const sent: Request[] = [];
    link.open({ sendRequest: (r) => sent.push(r), sendFrame: () => true });
    const bad = link.request({ type: 'loadModel', source: { bundled: 'nope' } });
    link.receive({ rid: sent[0].rid, ok: false, error: 'no bundled model "nope"' });
    await expect(bad).rejects.toThrow('no bundled model "nope"');
    const waiting = link.request({ type: 'subscribe', subscription: { layers: [] } });
    const states: string[] = [];
    link.onState((s) => states.push(s));
    link.lost('connection lost', 'reconnecting');
    await expect(waiting).rejects.toThrow('subscribe: connection lost');
    expect(states).toEqual(['reconnecting']);
  });

  it('keeps requests that never went out waiting through a lost connection, and sends them on the next', async () => {
    const link = new EngineLink();
    const first: Request[] = [];
    link.open({ sendRequest: (r) => first.push(r), sendFrame: () => true });
    const sent = link.request({ type: 'listModels' });
    link.lost('connection lost', 'reconnecting');
    await expect(sent).rejects.toThrow('listModels: connection lost');
    const waiting = link.request({ type: 'availableProviders' });
    // A reconnect attempt that fails before opening: the waiting request is not failed by it.
    link.lost('connection lost', 'reconnecting');
    const second: Request[] = [];
    link.open({ sendRequest: (r) => second.push(r), sendFrame: () => true });
    expect(second.map((r) => r.type)).toEqual(['availableProviders']);
    link.receive({ rid: second[0].rid, ok: true, result: ['cpu'] });
    await expect(waiting).resolves.toEqual(['cpu']);
  });

  it('decodes binary results and passes events on', () => {
    const link = new EngineLink();
    const got: FrameResult[] = [];
    const events: unknown[] = [];
    link.onResult((r) => got.push(r));
    link.onEvent((e) => events.push(e));
    link.receive(encodeResult(result(7)));
    link.receive(JSON.stringify({ type: 'event', event: { type: 'progress', progress: { task: 'load', fraction: 0.5 } } }));
    expect(got[0].id).toBe(7);
    expect(Array.from(got[0].probs)).toEqual([0.10000000149011612, 0.8999999761581421]);
    expect(Array.from(got[0].layers[0].data)).toEqual([9, 8, 7]);
    expect(events).toEqual([{ type: 'progress', progress: { task: 'load', fraction: 0.5 } }]);
  });

  it('encodes frames, counts frames dropped while closed or congested, revives class weights', async () => {
    const link = new EngineLink();
    const frame = { id: 1, t: 0, width: 1, height: 1, rgba: new Uint8Array([1, 2, 3, 255]) };
    link.sendFrame(frame);
    expect(link.droppedByLink).toBe(1);
    const wire: ArrayBuffer[] = [];
    const sent: Request[] = [];
    let congested = false;
    link.open({ sendRequest: (r) => sent.push(r), sendFrame: (b) => (congested ? false : (wire.push(b), true)) });
    link.sendFrame({ ...frame, id: 2 });
    congested = true;
    link.sendFrame({ ...frame, id: 3 });
    expect(link.droppedByLink).toBe(2);
    expect(decodeFrame(wire[0]).id).toBe(2);
    const w = link.request({ type: 'classWeights', layer: 'ip1' });
    // A Float32Array that went through JSON.stringify arrives as an index-keyed object.
    link.receive(JSON.stringify({ rid: sent[0].rid, ok: true, result: { layer: 'ip1', source: 'ip2', classes: 1, neurons: 2, weights: new Float32Array([0.5, -1]) } }));
    const cw = await w;
    expect(cw.weights).toBeInstanceOf(Float32Array);
    expect(Array.from(cw.weights)).toEqual([0.5, -1]);
  });
});
