// Model formats, opened as the app opens them: the importer registry and the engine's runtime
// (manifest checks, onnxruntime session), from files in a folder of their own.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelRuntime } from '../../engine/runtime';
import { caffeType } from '../../importers/caffe/schema';
import { unpackFloats } from '../../formats/protobuf/testing/unpack';
import { weight, type TestModel } from '../../importers/keras/testing/model-spec';
import { writeKeras2H5, writeKeras3, writeTfjs } from '../../importers/keras/testing/writers';
import { concat, mutateBytes, mutateText } from '../mutate';
import type { Random } from '../random';
import { withFile, type FuzzTarget, type Seed } from '../target';

const here = dirname(fileURLToPath(import.meta.url));

const repo = resolve(here, '../../..');
const shared = resolve(repo, '../shared/data');
const enc = new TextEncoder();
const dec = new TextDecoder();

const read = (path: string) => new Uint8Array(readFileSync(path));

async function load(dir: string, names: string[]): Promise<void> {
  const rt = await ModelRuntime.load({ paths: names.map((n) => join(dir, n)) }, dir, { forceCpu: true });
  await rt.release();
}

/** A varint's bytes. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** A length-delimited field: key, length, payload. */
const field = (id: number, payload: Uint8Array | number[]) => concat(varint(id * 8 + 2), varint(payload.length), payload);

/** A BlobProto declaring `dims` and holding `values` floats. */
function blob(dims: number[], values: number): Uint8Array {
  const BlobProto = caffeType('BlobProto');
  return BlobProto.encode(BlobProto.fromObject({ shape: { dim: dims }, data: new Array(values).fill(0.5) })).finish();
}

const prototxtWrap = (t: string, depth: number) => `${'layer {\n'.repeat(depth)}${t}${'}\n'.repeat(depth)}`;
const jsonWrap = (t: string, depth: number) => `${'['.repeat(depth)}${t}${']'.repeat(depth)}`;
const HUGE = [500_000_000, 2 ** 31, 2 ** 40, -1, 0, 65_536];

async function caffeSeeds(): Promise<Seed[]> {
  const lenet = resolve(repo, 'assets/models/lenet');
  return [
    { files: { 'net.prototxt': read(join(lenet, 'mnist_deploy.prototxt')), 'weights.caffemodel': read(join(lenet, 'lenet_iter_10000.caffemodel')) }, mutable: '' },
    { files: { 'net.prototxt': read(join(shared, 'caffe/mtcnn/det1.prototxt')), 'weights.caffemodel': read(join(shared, 'caffe/mtcnn/det1.caffemodel')) }, mutable: '' },
  ];
}

/** Prototxt cases a file can craft: huge or negative declared sizes, deep nesting, one name 20,000 times. */
const craftedPrototxt = [
  (r: Random, s: Seed) => {
    const n = r.pick(HUGE);
    const text = `name: "x"\ninput: "data"\ninput_shape { dim: 1 dim: ${n} dim: 1 dim: 1 }\nlayer { name: "p" type: "Softmax" bottom: "data" top: "p" }\n`;
    return { files: { ...s.files, 'net.prototxt': enc.encode(text), 'weights.caffemodel': new Uint8Array(0) }, how: `input of ${n} channels, empty weights` };
  },
  (r: Random, s: Seed) => {
    const n = r.pick(HUGE);
    const text = dec.decode(s.files['net.prototxt']).replace(/num_output: \d+/, `num_output: ${n}`);
    return withFile({ ...s, mutable: 'net.prototxt' }, enc.encode(text), `num_output ${n}`);
  },
  (r: Random, s: Seed) => {
    const key = r.pick(['kernel_size', 'stride', 'pad']);
    const n = r.pick(HUGE);
    const text = dec.decode(s.files['net.prototxt']).replace(new RegExp(`${key}: \\d+`), `${key}: ${n}`);
    return withFile({ ...s, mutable: 'net.prototxt' }, enc.encode(text), `${key} ${n}`);
  },
  (r: Random, s: Seed) => {
    const depth = r.pick([101, 5000, 20000]);
    return withFile({ ...s, mutable: 'net.prototxt' }, enc.encode(prototxtWrap('', depth)), `${depth}-deep nesting`);
  },
  (r: Random, s: Seed) => {
    const n = r.pick([2000, 20000]);
    const text = `name: "x"\ninput: "data"\ninput_shape { dim: 1 dim: 1 dim: 4 dim: 4 }\n${'layer { name: "r" type: "ReLU" bottom: "data" top: "data" }\n'.repeat(n)}`;
    return { files: { ...s.files, 'net.prototxt': enc.encode(text) }, how: `${n} layers named alike` };
  },
];

/** Unpacked copies of the seed caffemodels, made once. */
const unpacked = new WeakMap<Uint8Array, Uint8Array>();

/** Caffemodel cases: unpacked floats, 50,000 tiny fields, blobs declaring more than they hold. */
const craftedCaffemodel = [
  (_r: Random, s: Seed) => {
    const w = s.files['weights.caffemodel'];
    if (!unpacked.has(w)) unpacked.set(w, unpackFloats(caffeType('NetParameter'), w));
    return withFile({ ...s, mutable: 'weights.caffemodel' }, unpacked.get(w)!, 'floats unpacked');
  },
  (_r: Random, s: Seed) => {
    const extra = new Uint8Array(100_000);
    for (let i = 0; i < 50_000; i++) extra.set([0x20, 1], 2 * i);
    const w = s.files['weights.caffemodel'];
    const out = new Uint8Array(w.length + extra.length);
    out.set(w);
    out.set(extra, w.length);
    return withFile({ ...s, mutable: 'weights.caffemodel' }, out, '50,000 two-byte fields appended');
  },
  (r: Random, s: Seed) => {
    const n = r.pick(HUGE);
    const layer = concat(field(1, enc.encode('conv1')), field(7, blob([n, 1, 5, 5], 4)));
    return withFile({ ...s, mutable: 'weights.caffemodel' }, field(100, layer), `conv1 blob declaring ${n}×1×5×5 with 4 values`);
  },
];

const caffePrototxt: FuzzTarget = {
  format: 'prototxt',
  namesFile: true,
  seeds: async () => (await caffeSeeds()).map((s) => ({ ...s, mutable: 'net.prototxt' })),
  mutate: (r, b) => (r.int(3) === 0 ? mutateBytes(r, b) : mutateText(r, b, prototxtWrap)),
  crafted: craftedPrototxt,
  open: (dir) => load(dir, ['net.prototxt', 'weights.caffemodel']),
};

const caffemodel: FuzzTarget = {
  format: 'caffemodel',
  namesFile: true,
  seeds: async () => (await caffeSeeds()).map((s) => ({ ...s, mutable: 'weights.caffemodel' })),
  mutate: mutateBytes,
  crafted: craftedCaffemodel,
  open: (dir) => load(dir, ['net.prototxt', 'weights.caffemodel']),
};

const binaryproto: FuzzTarget = {
  format: 'binaryproto',
  namesFile: true,
  seeds: async () => {
    const [, det1] = await caffeSeeds();
    return [
      { files: { ...det1.files, 'mean.binaryproto': blob([1, 3, 12, 12], 3 * 12 * 12) }, mutable: 'mean.binaryproto' },
      { files: { ...det1.files, 'mean.binaryproto': read(join(shared, 'caffe/gender_net/mean.binaryproto')) }, mutable: 'mean.binaryproto' },
    ];
  },
  mutate: mutateBytes,
  crafted: [
    (r, s) => {
      const dims = r.pick([[3, -12, -12], [-3, 12, -12], [3, 0, 0], [3, 500_000_000, 1], [1, 3, 2 ** 20, 2 ** 20]]);
      return withFile(s, blob(dims, 3 * 12 * 12), `mean declaring ${dims.join('×')}`);
    },
  ],
  open: (dir) => load(dir, ['net.prototxt', 'weights.caffemodel', 'mean.binaryproto']),
};

const onnx: FuzzTarget = {
  format: 'onnx',
  namesFile: true,
  seeds: async () => [{ files: { 'model.onnx': read(join(shared, 'onnx/mnist.onnx')) }, mutable: 'model.onnx' }],
  mutate: mutateBytes,
  crafted: [
    (r, s) => {
      // An initializer declaring a huge tensor with four bytes of data: graph (7) → initializer (5).
      const n = r.pick(HUGE.filter((h) => h > 0));
      const tensor = concat([1 * 8], varint(n), [1 * 8], varint(n), [2 * 8, 1], field(8, enc.encode('Parameter5')), field(9, [0, 0, 0, 0]));
      // A second graph field is merged into the first by protobuf decoders.
      return withFile(s, concat(s.files['model.onnx'], field(7, field(5, tensor))), `initializer Parameter5 declaring ${n}×${n}`);
    },
    (r, s) => {
      // Graphs nested in node attributes, deeper than any real model: graph → node → attribute → g.
      const depth = r.pick([100, 1000, 3000]);
      let g: Uint8Array = new Uint8Array(0);
      const name = field(1, enc.encode('then_branch'));
      for (let i = 0; i < depth; i++) g = field(1, field(5, concat(name, field(6, g))));
      return withFile(s, concat(s.files['model.onnx'], field(7, g)), `graphs nested ${depth} deep`);
    },
  ],
  open: (dir) => load(dir, ['model.onnx']),
};

function kerasModel(): TestModel {
  return {
    name: 'small', className: 'Functional', input: 'in', output: 'dense',
    layers: [
      { name: 'in', className: 'InputLayer', inputs: [], config: { batch_input_shape: [null, 8, 8, 1] } },
      { name: 'conv', className: 'Conv2D', inputs: ['in'], config: { filters: 2, kernel_size: [3, 3], activation: 'relu' }, weights: [['kernel', weight([3, 3, 1, 2])], ['bias', weight([2])]] },
      { name: 'flat', className: 'Flatten', inputs: ['conv'], config: {} },
      { name: 'dense', className: 'Dense', inputs: ['flat'], config: { units: 3, activation: 'softmax' }, weights: [['kernel', weight([72, 3])], ['bias', weight([3])]] },
    ],
  };
}

/** Runs `make` in a fresh folder, removed afterwards: seeds are kept as bytes, not files. */
async function inSeedDir<T>(make: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'convscope-fuzz-seed-'));
  try {
    return await make(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Declared sizes a Keras config can carry. */
const hugeShapes = (r: Random, text: string) => text.replace(/\[null, 8, 8, 1\]/, `[null, ${r.pick(HUGE)}, ${r.pick(HUGE)}, ${r.pick([1, 3, 500_000_000])}]`);

const kerasH5: FuzzTarget = {
  format: 'keras-h5',
  namesFile: true,
  seeds: () => inSeedDir(async (d) => [{ files: { 'model.h5': read(await writeKeras2H5(kerasModel(), join(d, 'model.h5'))) }, mutable: 'model.h5' }]),
  mutate: mutateBytes,
  crafted: [],
  open: (dir) => load(dir, ['model.h5']),
};

const kerasZip: FuzzTarget = {
  format: 'keras-zip',
  namesFile: true,
  seeds: () => inSeedDir(async (d) => [{ files: { 'model.keras': read(await writeKeras3(kerasModel(), join(d, 'model.keras'), d)) }, mutable: 'model.keras' }]),
  mutate: mutateBytes,
  crafted: [],
  open: (dir) => load(dir, ['model.keras']),
};

const tfjs: FuzzTarget = {
  format: 'tfjs',
  namesFile: true,
  seeds: () =>
    inSeedDir(async (d) => {
      const { modelJson, shards } = writeTfjs(kerasModel(), d);
      const files = { 'model.json': read(modelJson), 'group1-shard1of2.bin': read(shards[0]), 'group1-shard2of2.bin': read(shards[1]) };
      return [{ files, mutable: 'model.json' }, { files, mutable: 'group1-shard1of2.bin' }];
    }),
  mutate: (r, b) => (b[0] === 0x7b ? (r.int(3) === 0 ? mutateBytes(r, b) : mutateText(r, b, jsonWrap)) : mutateBytes(r, b)),
  crafted: [
    (r, s) => {
      const json = dec.decode(s.files['model.json']);
      const how = r.int(2) === 0 ? 'input shape' : 'weight shape';
      const text = how === 'input shape' ? hugeShapes(r, json) : json.replace(/"shape":\[72,3\]/, `"shape":[${r.pick(HUGE)},${r.pick(HUGE)}]`);
      return { files: { ...s.files, 'model.json': enc.encode(text) }, how: `huge ${how}` };
    },
    (r, s) => {
      const depth = r.pick([1000, 10000]);
      const json = dec.decode(s.files['model.json']).replace('"modelTopology":', `"deep":${'['.repeat(depth)}${']'.repeat(depth)},"modelTopology":`);
      return { files: { ...s.files, 'model.json': enc.encode(json) }, how: `arrays nested ${depth} deep` };
    },
  ],
  open: (dir) => load(dir, ['model.json']),
};

const manifest: FuzzTarget = {
  format: 'manifest',
  namesFile: true,
  seeds: async () => {
    const lenet = resolve(repo, 'assets/models/lenet');
    const m = JSON.parse(readFileSync(join(lenet, 'manifest.json'), 'utf8')) as { files: { model: string; weights: string } };
    const files = {
      'manifest.json': read(join(lenet, 'manifest.json')),
      [m.files.model]: read(join(lenet, m.files.model)),
      [m.files.weights]: read(join(lenet, m.files.weights)),
    };
    return [{ files, mutable: 'manifest.json' }];
  },
  mutate: (r, b) => (r.int(4) === 0 ? mutateBytes(r, b) : mutateText(r, b, jsonWrap)),
  crafted: [
    (r, s) => {
      const m = JSON.parse(dec.decode(s.files['manifest.json'])) as Record<string, unknown> & { input: { shape: number[] } };
      const pick = r.int(3);
      if (pick === 0) m.input.shape = [1, 1, r.pick(HUGE), r.pick(HUGE)];
      else if (pick === 1) m.labels = Array.from({ length: r.pick([11, 100_000, 500_000]) }, (_, i) => `label ${i}`);
      else m.preprocess = { colour: 'gray', mean: new Array(r.pick([2, 100_000])).fill(1) };
      return withFile(s, enc.encode(JSON.stringify(m)), ['huge input shape', 'many labels', 'long mean'][pick]);
    },
  ],
  open: (dir, files) => load(dir, Object.keys(files)),
};

export const modelTargets: FuzzTarget[] = [onnx, caffePrototxt, caffemodel, binaryproto, kerasH5, kerasZip, tfjs, manifest];
