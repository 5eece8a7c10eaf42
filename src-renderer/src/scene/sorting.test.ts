import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src-main/engine/engine';
import type { ClassWeights } from '../../../src-shared/contract';
import { rowMeans, sortNeuronsByWeight } from './sorting';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sharedData = resolve(repoRoot, '../shared/data');

// A minimal protobuf walk over the Caffe NetParameter, independent of the app's importer:
// NetParameter.layer = 100, LayerParameter.name = 1, .blobs = 7, BlobProto.data = 5 (packed float),
// BlobProto.shape = 7 (BlobShape.dim = 1, packed int64).
interface Field {
  no: number;
  wire: number;
  int: number;
  bytes: Uint8Array;
}

function* walk(buf: Uint8Array): Generator<Field> {
  let o = 0;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[o++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (o < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { no, wire, int: varint(), bytes: new Uint8Array(0) };
    else if (wire === 2) {
      const n = varint();
      yield { no, wire, int: n, bytes: buf.subarray(o, o + n) };
      o += n;
    } else if (wire === 5) {
      yield { no, wire, int: 0, bytes: buf.subarray(o, o + 4) };
      o += 4;
    } else if (wire === 1) {
      yield { no, wire, int: 0, bytes: buf.subarray(o, o + 8) };
      o += 8;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
}

function caffeBlobs(model: Uint8Array, layerName: string): { shape: number[]; data: Float32Array }[] {
  const dec = new TextDecoder();
  for (const f of walk(model)) {
    if (f.no !== 100 || f.wire !== 2) continue;
    const fields = [...walk(f.bytes)];
    if (fields.find((x) => x.no === 1 && dec.decode(x.bytes) === layerName) === undefined) continue;
    return fields
      .filter((x) => x.no === 7)
      .map((blob) => {
        let shape: number[] = [];
        const floats: number[] = [];
        for (const b of walk(blob.bytes)) {
          if (b.no === 7) for (const d of walk(b.bytes)) if (d.no === 1) shape = d.wire === 2 ? [...packedVarints(d.bytes)] : [...shape, d.int];
          if (b.no === 5) {
            const bytes = b.bytes.slice();
            floats.push(...new Float32Array(bytes.buffer, 0, bytes.byteLength / 4));
          }
        }
        return { shape, data: Float32Array.from(floats) };
      });
  }
  throw new Error(`layer ${layerName} not in the caffemodel`);
}

function* packedVarints(buf: Uint8Array): Generator<number> {
  for (const f of walk(concatKeyed(buf))) yield f.int;
}
/** Prefixes every varint of a packed field with a field-1 varint key so `walk` can read them. */
function concatKeyed(buf: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = 0;
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] < 0x80) {
      out.push(0x08, ...buf.subarray(start, i + 1));
      start = i + 1;
    }
  }
  return Uint8Array.from(out);
}

describe('sortNeuronsByWeight', () => {
  let engine: Engine;
  let weights: ClassWeights;
  let ip2: { shape: number[]; data: Float32Array };

  beforeAll(async () => {
    // A plain Uint8Array (a Node Buffer's slice() would not copy).
    ip2 = caffeBlobs(new Uint8Array(readFileSync(resolve(sharedData, 'caffe/lenet/lenet_iter_10000.caffemodel'))), 'ip2')[0];
    // The app's path: the engine reads the class weights from the loaded model.
    engine = await Engine.create({ assetsDir: resolve(repoRoot, 'assets/models') });
    await engine.loadModel({ bundled: 'lenet' });
    weights = await engine.classWeights('relu1');
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('orders LeNet relu1 neurons exactly as the argsort of ip2’s weight row, for every digit', () => {
    expect(ip2.shape).toEqual([10, 500]);
    expect([weights.classes, weights.neurons]).toEqual([10, 500]);
    for (let c = 0; c < 10; c++) {
      const row = ip2.data.subarray(c * 500, (c + 1) * 500);
      // Independent argsort, highest weight first.
      const expected = [...row.keys()].sort((a, b) => (row[b] === row[a] ? a - b : row[b] > row[a] ? 1 : -1));
      const order = sortNeuronsByWeight(weights.weights, weights.classes, weights.neurons, c);
      expect([...order]).toEqual(expected);
      expect(row[order[0]]).toBe(Math.max(...row));
    }
  });

  it('rejects a class outside the model and a weight matrix of the wrong size', () => {
    const w = new Float32Array([0.1, 0.9, 0.5, 0.3, 0.2, 0.7]);
    expect([...sortNeuronsByWeight(w, 2, 3, 0)]).toEqual([1, 2, 0]);
    expect([...sortNeuronsByWeight(w, 2, 3, 1)]).toEqual([2, 0, 1]);
    expect(() => sortNeuronsByWeight(w, 2, 3, 2)).toThrow(/class 2 is not one of the 2 classes/);
    expect(() => sortNeuronsByWeight(w, 3, 3, 0)).toThrow(/6 values for 3 classes × 3 neurons/);
  });
});

describe('rowMeans', () => {
  it('averages each displayed row, the last one partial', () => {
    expect([...rowMeans([1, 2, 3, 4, 5, 6, 7], 3)]).toEqual([2, 5, 7]);
    expect([...rowMeans(Float32Array.from({ length: 500 }, (_, i) => i), 50)].map((m, r) => m - (r * 50 + 24.5))).toEqual(new Array(10).fill(0));
  });
});
