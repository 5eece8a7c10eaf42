import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { LayerInfo, LayerSubscription, ModelSource } from '../../src-shared/contract';
import { quantise } from '../../src-shared/payload';
import { encodeLayer, fromQuantised, quantisedSlices, quantiseRequest, type Activations } from '../engine/encode';
import { resolveModel } from '../engine/model-source';
import { ModelRuntime } from '../engine/runtime';
import { assetsDir, mnistDigit, loadMnistTest, paperDigit, sharedData } from '../engine/testing/data';
import { decodeImage } from '../formats/image';
import type { RgbaImage } from '../engine/preprocess';
import { addOutputs, inferElementTypes } from './instrument';
import { DataType, decodeModel, encodeModel, extendModel, type ModelProto } from './proto';
import { addQuantisation, concatParts, type QuantiseRequest } from './quantise-graph';

/** Every way a panel can ask for a layer. */
const ASKS: Omit<LayerSubscription, 'layer'>[] = [
  {},
  { norm: 'layer' },
  { signed: true },
  { norm: 'layer', signed: true },
  { channels: { topK: 3 } },
  { channels: { topK: 1 }, norm: 'layer' },
  { channels: { list: [2, 0] }, signed: true },
  { channels: { start: 1, count: 2 } },
];

interface Case {
  sub: LayerSubscription;
  info: LayerInfo;
  req: QuantiseRequest;
}

/**
 * Runs `proto` once with the quantisation nodes for `cases` and the layers' floats as extra outputs,
 * and returns both payloads per case: the graph's and the one JavaScript makes from those floats.
 */
async function bothWays(proto: ModelProto, input: { name: string; tensor: ort.Tensor }, cases: Case[]) {
  const tensors = [...new Set(cases.map((c) => c.req.tensor))];
  const base = addOutputs(proto, tensors);
  const q = addQuantisation(base, cases.map((c) => c.req));
  // As the runtime builds it: the quantisation appended to the model's bytes.
  const session = await ort.InferenceSession.create(extendModel(encodeModel(base), q.added), { graphOptimizationLevel: 'all' });
  try {
    const out = await session.run({ [input.name]: input.tensor });
    return cases.map((c, i) => {
      const o = q.outputs[i];
      const graph = fromQuantised(c.info, c.req, quantisedSlices(o, (name) => out[name].data));
      const raw = out[c.req.tensor];
      const acts: Activations = raw.type === 'float16' ? { half: raw.data as Uint16Array } : (raw.data as Float32Array);
      return { graph, js: encodeLayer(c.sub, c.info, acts) };
    });
  } finally {
    await session.release();
  }
}

async function compareOnModel(source: ModelSource, image: RgbaImage, pick: (layers: LayerInfo[]) => LayerInfo[]) {
  const rt = await ModelRuntime.load(source, assetsDir, { forceCpu: true });
  try {
    const resolved = await resolveModel(source, assetsDir);
    const types = inferElementTypes(resolved.proto);
    const tensorOf = (name: string) => resolved.layers?.find((l) => l.name === name)?.tensor ?? name;
    const layers = pick(rt.info.layers);
    const cases: Case[] = layers.flatMap((info) =>
      ASKS.map((ask) => {
        const sub = { layer: info.name, ...ask };
        const tensor = tensorOf(info.name);
        return { sub, info, req: quantiseRequest(sub, info, tensor, types.get(tensor) ?? DataType.FLOAT) };
      }),
    );
    const prepared = rt.prepare(image);
    const tensor = prepared.data instanceof Uint16Array
      ? new ort.Tensor('float16', prepared.data, prepared.dims)
      : new ort.Tensor('float32', prepared.data, prepared.dims);
    const results = await bothWays(resolved.proto, { name: rt.ports.inputName, tensor }, cases);
    let nonTrivial = 0;
    results.forEach(({ graph, js }, i) => {
      const what = `${cases[i].info.name} ${JSON.stringify(cases[i].sub)}`;
      expect(graph.channels, what).toEqual(js.channels);
      expect(Array.from(graph.min), what).toEqual(Array.from(js.min));
      expect(Array.from(graph.max), what).toEqual(Array.from(js.max));
      expect(Buffer.from(graph.data).equals(Buffer.from(js.data)), what).toBe(true);
      if (new Set(graph.data).size > 16) nonTrivial++;
    });
    // Real activations, not flat maps: most cases use the whole byte range.
    expect(nonTrivial).toBeGreaterThan(results.length / 2);
    return { layers, types, resolved, requests: cases.map((c) => c.req) };
  } finally {
    await rt.release();
  }
}

const mapsAndVectors = (count: number) => (layers: LayerInfo[]) => {
  const maps = layers.filter((l) => l.kind === 'maps' && l.shape[0] >= 3);
  const step = Math.max(1, Math.floor(maps.length / count));
  return [...maps.filter((_, i) => i % step === 0).slice(0, count), ...layers.filter((l) => l.kind === 'vector').slice(0, 2)];
};

describe('quantisation in the graph', () => {
  it('gives LeNet’s (Caffe) layers bit for bit the bytes, ranges and maps JavaScript gives', async () => {
    const digit = paperDigit(mnistDigit(loadMnistTest(10), 3), { size: 112 });
    const { layers } = await compareOnModel({ bundled: 'lenet' }, digit, mapsAndVectors(4));
    expect(layers.some((l) => l.kind === 'vector')).toBe(true);
  });

  it('does so on SqueezeNet’s float16 layers', async () => {
    const photo = decodeImage(readFileSync(resolve(sharedData, 'images/kitten_224.png')));
    const { layers, types, resolved } = await compareOnModel({ bundled: 'squeezenet' }, photo, mapsAndVectors(8));
    const tensor = resolved.layers?.find((l) => l.name === layers[0].name)?.tensor ?? layers[0].name;
    expect(types.get(tensor)).toBe(DataType.FLOAT16);
  }, 60_000);

  it('does so on a Keras model’s layers', async () => {
    const face = decodeImage(readFileSync(resolve(sharedData, 'images/kitten_224.png')));
    await compareOnModel({ paths: [resolve(sharedData, 'keras/gender_mini_XCEPTION.21-0.95.hdf5')] }, face, mapsAndVectors(6));
  }, 60_000);

  it('rounds values halfway between two bytes up, in float32, like quantise', async () => {
    // One map whose scaled values land on .5, just below it, and on float32 rounding edges.
    const values: number[] = [0, 255];
    for (let b = 0; b < 255; b++) values.push(b + 0.5, Math.fround(b + 0.5) - 2 ** -17, b + 0.49999997, b + 0.25);
    const scale = [1, 1 / 3, 7.1, 1e-3];
    const cases = scale.map((s) => Float32Array.from(values, (v) => v * s - 2 * s));
    const n = values.length;
    const info: LayerInfo = { name: 'x', op: 'Identity', shape: [scale.length, 1, n], kind: 'maps', index: 0 };
    const proto: ModelProto = {
      irVersion: 7,
      opsetImport: [{ version: 13 }],
      graph: {
        name: 'edges',
        node: [{ opType: 'Identity', input: ['in'], output: ['x'] }],
        initializer: [],
        input: [{ name: 'in', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: scale.length }, { dimValue: 1 }, { dimValue: n }] } } } }],
        output: [{ name: 'x', type: { tensorType: { elemType: DataType.FLOAT } } }],
      },
    };
    const data = new Float32Array(scale.length * n);
    cases.forEach((c, i) => data.set(c, i * n));
    const sub = { layer: 'x' };
    const req = quantiseRequest(sub, info, 'x', DataType.FLOAT);
    const [{ graph }] = await bothWays(proto, { name: 'in', tensor: new ort.Tensor('float32', data, [1, scale.length, 1, n]) }, [{ sub, info, req }]);
    const expected = new Uint8Array(data.length);
    cases.forEach((c, i) => quantise(c, 0, n, expected, i * n));
    expect(Buffer.from(graph.data).equals(Buffer.from(expected))).toBe(true);
    // Halfway cases round up (Math.round), not to even: 0.5 → 1, 1.5 → 2, 2.5 → 3.
    expect(Array.from(graph.data.subarray(2, 14).filter((_, i) => i % 4 === 0))).toEqual([1, 2, 3]);
  });

  /**
   * Top-k picks of one layer `x` = op(in) of `maps` maps of h×w, with k = each of `ks`, from the graph
   * and from JavaScript; the graph in the given opset (the reductions change form at 13 and 18).
   */
  const topKBothWays = async (op: string, values: number[][], h: number, w: number, ks: number[], opset: number) => {
    const dims = [1, values.length, h, w];
    const info: LayerInfo = { name: 'x', op, shape: [values.length, h, w], kind: 'maps', index: 0 };
    const proto: ModelProto = {
      irVersion: opset >= 13 ? 7 : 3,
      opsetImport: [{ version: opset }],
      graph: {
        name: 'top_k',
        node: [{ opType: op, input: ['in'], output: ['x'] }],
        initializer: [],
        input: [{ name: 'in', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } }],
        output: [{ name: 'x', type: { tensorType: { elemType: DataType.FLOAT } } }],
      },
    };
    const cases = ks.map((k) => {
      const sub = { layer: 'x', channels: { topK: k } };
      return { sub, info, req: quantiseRequest(sub, info, 'x', DataType.FLOAT) };
    });
    const results = await bothWays(proto, { name: 'in', tensor: new ort.Tensor('float32', Float32Array.from(values.flat()), dims) }, cases);
    for (const r of results) expect(r.graph).toEqual(r.js);
    return results.map((r) => r.graph.channels);
  };

  it('breaks top-k ties by the lower map index, as JavaScript does', async () => {
    // After the ReLU maps 1, 3 and 4 share the highest mean (dead ReLU maps tie the same way at 0).
    const peaks = [2, 5, 1, 5, 5];
    const values = peaks.map((p, c) => [c - 10, p, 0]);
    expect(await topKBothWays('Relu', values, 1, 3, [0, 1, 2, 4], 7)).toEqual([[], [1], [1, 3], [1, 3, 4, 0]]);
  });

  it('takes the most active maps by their mean: a map bright over an area before one hot pixel', async () => {
    // Map 0: one hot pixel (the highest maximum, mean 3); map 1: bright everywhere (mean 4);
    // map 2: dim (mean 1); map 3: negative.
    const values = [[0, 0, 0, 12], [4, 4, 4, 4], [1, 1, 1, 1], [-1, -2, -3, -4]];
    expect(await topKBothWays('Identity', values, 2, 2, [1, 3], 13)).toEqual([[1], [1, 0, 2]]);
  });

  it('quantises layers whose maps have the same size together: a few outputs per map size, not per layer', async () => {
    // Six layers of two map sizes, each asking for its strongest map as the all-layers strip does,
    // plus one asking for all its maps with one range over the layer (a group of its own).
    const shapes = [[3, 4, 4], [5, 4, 4], [2, 4, 4], [4, 2, 3], [3, 2, 3], [2, 4, 4]];
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 4 - 1;
    const proto: ModelProto = {
      irVersion: 7,
      opsetImport: [{ version: 13 }],
      graph: {
        name: 'sizes',
        node: shapes.map((_, i) => ({ opType: 'Identity', input: [`in${i}`], output: [`x${i}`] })),
        initializer: [],
        input: shapes.map((d, i) => ({ name: `in${i}`, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [1, ...d].map((v) => ({ dimValue: v })) } } } })),
        output: shapes.map((_, i) => ({ name: `x${i}`, type: { tensorType: { elemType: DataType.FLOAT } } })),
      },
    };
    const cases: Case[] = shapes.map((d, i) => {
      const info: LayerInfo = { name: `x${i}`, op: 'Identity', shape: d, kind: 'maps', index: i };
      const sub: LayerSubscription = i === 5 ? { layer: info.name, norm: 'layer' } : { layer: info.name, channels: { topK: 1 } };
      return { sub, info, req: quantiseRequest(sub, info, info.name, DataType.FLOAT) };
    });
    const q = addQuantisation(proto, cases.map((c) => c.req));
    // Bytes for each group (4×4 strip maps, 2×3 strip maps, the layer-range request), then one output
    // of every group's minima and maxima and one of the maps the top-k requests chose.
    expect(q.model.graph.output.length - proto.graph.output.length).toBe(3 + 2);
    expect(new Set(q.outputs.flatMap((o) => [o.min.output, o.max.output])).size).toBe(1);
    expect(new Set(q.outputs.slice(0, 5).map((o) => o.channels?.output)).size).toBe(1);
    expect(new Set(q.outputs.slice(0, 3).map((o) => o.data.output)).size).toBe(1);
    expect(q.outputs.slice(0, 3).map((o) => [o.data.start, o.data.end])).toEqual([[0, 16], [16, 32], [32, 48]]);
    const session = await ort.InferenceSession.create(encodeModel(q.model));
    try {
      const feeds: Record<string, ort.Tensor> = {};
      shapes.forEach((d, i) => (feeds[`in${i}`] = new ort.Tensor('float32', Float32Array.from({ length: d[0] * d[1] * d[2] }, rand), [1, ...d])));
      const out = await session.run(feeds);
      cases.forEach((c, i) => {
        const graph = fromQuantised(c.info, c.req, quantisedSlices(q.outputs[i], (name) => out[name].data));
        expect(graph, c.info.name).toEqual(encodeLayer(c.sub, c.info, out[`x${i}`].data as Float32Array));
      });
    } finally {
      await session.release();
    }
  });

  it('takes a channel concatenation’s strongest maps from its parts: same picks and bytes, its maps not summed again', async () => {
    // y = Concat(a, b) on the channel axis; z = Concat(y, c) (nested); w = Concat on the height axis
    // and u = Concat(a, d) with d not asked for its strongest maps: both summed as layers of their own.
    const h = 3;
    const w = 4;
    const maps = { a: 3, b: 2, c: 2, d: 2 };
    const concat = (out: string, inputs: string[], axis = 1) => ({ opType: 'Concat', input: inputs, output: [out], attribute: [{ name: 'axis', type: 2, i: axis }] });
    const proto: ModelProto = {
      irVersion: 7,
      opsetImport: [{ version: 13 }],
      graph: {
        name: 'concat',
        node: [
          ...Object.keys(maps).map((k) => ({ opType: 'Relu', input: [`in_${k}`], output: [k] })),
          concat('y', ['a', 'b']),
          concat('z', ['y', 'c']),
          concat('hw', ['a', 'a'], 2),
          concat('u', ['a', 'd']),
        ],
        initializer: [],
        input: Object.entries(maps).map(([k, m]) => ({ name: `in_${k}`, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [1, m, h, w].map((v) => ({ dimValue: v })) } } } })),
        output: ['z', 'hw', 'u'].map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } })),
      },
    };
    const shapes: Record<string, number[]> = { ...Object.fromEntries(Object.entries(maps).map(([k, m]) => [k, [m, h, w]])), y: [5, h, w], z: [7, h, w], hw: [3, 2 * h, w], u: [5, h, w] };
    const asks: [string, Omit<LayerSubscription, 'layer'>][] = [
      ['a', { channels: { topK: 1 } }],
      ['b', { channels: { topK: 2 } }],
      ['c', { channels: { topK: 1 } }],
      ['d', {}],
      ['y', { channels: { topK: 2 } }],
      ['y', { channels: { topK: 1 }, norm: 'layer' }],
      ['z', { channels: { topK: 3 }, signed: true }],
      ['hw', { channels: { topK: 1 } }],
      ['u', { channels: { topK: 1 } }],
    ];
    const cases: Case[] = asks.map(([name, ask], i) => {
      const info: LayerInfo = { name, op: 'x', shape: shapes[name], kind: 'maps', index: i };
      const sub = { layer: name, ...ask };
      return { sub, info, req: quantiseRequest(sub, info, name, DataType.FLOAT) };
    });
    const reqs = cases.map((c) => c.req);
    expect([...concatParts(proto, reqs)]).toEqual([[4, [0, 1]], [5, [0, 1]], [6, [4, 2]]]);
    // Sums of a, b, c, hw and u; none of y or z, and nothing reads y or z.
    const added = addQuantisation(proto, reqs).added.node;
    expect(added.filter((n) => n.opType === 'ReduceSum')).toHaveLength(5);
    expect(added.filter((n) => n.input.includes('z'))).toEqual([]);
    // The maps y and z choose from are their parts joined, once per layer (y is asked for twice).
    expect(added.filter((n) => n.name?.includes('/joined'))).toHaveLength(2);
    // A layer range over y still reads y (its minimum and maximum), and only for that.
    expect(added.filter((n) => n.input.includes('y')).map((n) => n.opType)).toEqual(['Reshape']);
    let seed = 11;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 4 - 1;
    const feeds = Object.entries(maps).map(([k, m]) => ({ name: `in_${k}`, tensor: new ort.Tensor('float32', Float32Array.from({ length: m * h * w }, rand), [1, m, h, w]) }));
    const tensors = [...new Set(reqs.map((r) => r.tensor))];
    const q = addQuantisation(addOutputs(proto, tensors), reqs);
    const session = await ort.InferenceSession.create(encodeModel(q.model), { graphOptimizationLevel: 'all' });
    try {
      const out = await session.run(Object.fromEntries(feeds.map((f) => [f.name, f.tensor])));
      cases.forEach((c, i) => {
        const graph = fromQuantised(c.info, c.req, quantisedSlices(q.outputs[i], (name) => out[name].data));
        expect(graph, JSON.stringify(c.sub)).toEqual(encodeLayer(c.sub, c.info, out[c.req.tensor].data as Float32Array));
      });
    } finally {
      await session.release();
    }
  });

  it('does so on SqueezeNet’s fire modules (squeeze, two expands and their concatenation)', async () => {
    const photo = decodeImage(readFileSync(resolve(sharedData, 'images/kitten_224.png')));
    const fire = ['fire2/squeeze1x1_2', 'fire2/expand1x1_2', 'fire2/expand3x3_2', 'fire2/concat_1', 'fire6/expand1x1_2', 'fire6/expand3x3_2', 'fire6/concat_1'];
    const { resolved, requests } = await compareOnModel({ bundled: 'squeezenet' }, photo, (layers) => layers.filter((l) => fire.includes(l.name)));
    // The comparison above took both concatenations' strongest maps from their expands.
    const tensorOf = (name: string) => resolved.layers?.find((l) => l.name === name)?.tensor ?? name;
    const found = [...concatParts(resolved.proto, requests)].map(([i, from]) => [requests[i].tensor, from.map((j) => requests[j].tensor)]);
    expect(found.length).toBeGreaterThan(0);
    expect(new Map(found as [string, string[]][])).toEqual(new Map([
      [tensorOf('fire2/concat_1'), [tensorOf('fire2/expand1x1_2'), tensorOf('fire2/expand3x3_2')]],
      [tensorOf('fire6/concat_1'), [tensorOf('fire6/expand1x1_2'), tensorOf('fire6/expand3x3_2')]],
    ]));
  }, 60_000);

  it('appends its nodes to the model’s bytes so that they read back as the whole instrumented model', () => {
    const proto = decodeModel(readFileSync(resolve(assetsDir, 'mnist/mnist.onnx')));
    const layers = proto.graph.node.slice(0, 3).map((n) => n.output[0]);
    const info = (name: string): LayerInfo => ({ name, op: 'x', shape: [1, 1, 1], kind: 'maps', index: 0 });
    const q = addQuantisation(proto, layers.map((t) => quantiseRequest({ layer: t, channels: { topK: 1 } }, info(t), t, DataType.FLOAT)));
    const bytes = (m: Uint8Array) => Buffer.from(encodeModel(decodeModel(m)));
    expect(bytes(extendModel(encodeModel(proto), q.added)).equals(bytes(encodeModel(q.model)))).toBe(true);
    expect(decodeModel(extendModel(encodeModel(proto), q.added)).graph.node.length).toBe(proto.graph.node.length + q.added.node.length);
  });
});
