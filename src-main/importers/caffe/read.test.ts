// Caffe's files through the format-neutral readers: the importer's error classes and messages.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unpackFloats } from '../../formats/protobuf/testing/unpack';
import { CaffeFileError, decodeCaffe, parsePrototxt, PrototxtError } from './read';
import { caffeType, type BlobProto, type NetParameter } from './schema';
import { writeCaffemodel } from './testing/synthetic';

describe('reading Caffe files', () => {
  it('parses a prototxt with the Caffe schema and keeps each layer line', () => {
    const net = parsePrototxt<NetParameter>('name: "n"\nlayer {\n  name: "c" type: "Convolution"\n  convolution_param { num_output: 2 kernel_size: 3 }\n}', 'n.prototxt');
    expect(net.layer?.[0].convolution_param).toEqual({ num_output: 2, kernel_size: [3] });
    const blob = parsePrototxt<BlobProto>('shape { dim: 2 dim: 3 }', 'b.prototxt', 'BlobProto');
    expect(blob.shape?.dim).toEqual([2, 3]);
  });

  it('reports prototxt errors as PrototxtError with file, line and column', () => {
    let error: unknown;
    try {
      parsePrototxt('layer {\n  pooling_param { pool: MEDIAN }\n}', 'bad.prototxt');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrototxtError);
    expect(error).toMatchObject({ file: 'bad.prototxt', line: 2, column: 25 });
    expect((error as Error).message).toMatch(/^bad\.prototxt:2:25: 'MEDIAN' is not a valid value for 'pool' \(one of MAX, AVE, STOCHASTIC\)/);
  });

  it('decodes a caffemodel and names the last layer read when the file is cut', () => {
    const blob = { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) };
    const bytes = writeCaffemodel([{ name: 'conv1', blobs: [blob] }, { name: 'conv2', blobs: [blob] }], false);
    const net = decodeCaffe<NetParameter>('NetParameter', bytes, { file: 'w.caffemodel' });
    expect(net.layer?.map((l) => l.name)).toEqual(['conv1', 'conv2']);
    expect(Array.from(net.layer![1].blobs![0].data!)).toEqual([1, 2, 3, 4]);
    let error: unknown;
    try {
      decodeCaffe('NetParameter', bytes.subarray(0, bytes.length - 5), { file: 'w.caffemodel' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CaffeFileError);
    expect((error as Error).message).toMatch(
      new RegExp(`^w\\.caffemodel: .* at byte \\d+ of ${bytes.length - 5} \\(after layer 'conv1'\\) — the file is truncated or not a Caffe binary protobuf$`),
    );
  });

  it('decodes unpacked float fields in linear time with the same weights', () => {
    const packed = readFileSync(resolve(__dirname, '../../../assets/models/lenet/lenet_iter_10000.caffemodel'));
    const unpacked = unpackFloats(caffeType('NetParameter'), packed);
    // Every float now has a key of its own: about 430,000 more fields.
    expect(unpacked.length).toBeGreaterThan(packed.length + 400_000);
    const started = performance.now();
    const net = decodeCaffe<NetParameter>('NetParameter', unpacked, { file: 'unpacked.caffemodel' });
    expect(performance.now() - started).toBeLessThan(1000);
    const reference = decodeCaffe<NetParameter>('NetParameter', packed, { file: 'lenet.caffemodel' });
    const weights = (n: NetParameter) => (n.layer ?? []).flatMap((l) => (l.blobs ?? []).map((b) => Array.from(b.data ?? [])));
    expect(weights(net)).toEqual(weights(reference));
    expect(weights(net).flat().length).toBeGreaterThan(400_000);
  });

  it('decodes 50,000 repeated varint fields in linear time', () => {
    const n = 50_000;
    const bytes = new Uint8Array(2 * n);
    for (let i = 0; i < n; i++) bytes.set([0x20, i % 100], 2 * i); // input_dim (field 4), a varint
    const started = performance.now();
    const net = decodeCaffe<NetParameter>('NetParameter', bytes, { file: 'dims.caffemodel' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(net.input_dim).toHaveLength(n);
    expect(net.input_dim?.[n - 1]).toBe((n - 1) % 100);
  });
});
