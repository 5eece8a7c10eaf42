import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeMessage, floatsOf, ProtobufWireError, rawFloatBytes, readVarint, varintNumber } from './wire';

const root = protobuf.Root.fromJSON({
  nested: {
    Sample: {
      fields: {
        small: { type: 'int32', id: 1 },
        big: { type: 'int64', id: 2 },
        huge: { type: 'uint64', id: 3 },
        zigzag: { type: 'sint32', id: 4 },
        ok: { type: 'bool', id: 5 },
        colour: { type: 'Colour', id: 6 },
        label: { type: 'string', id: 7 },
        raw: { type: 'bytes', id: 8 },
        ratio: { type: 'double', id: 9 },
        gain: { type: 'float', id: 10 },
        packed: { rule: 'repeated', type: 'float', id: 11, options: { packed: true } },
        loose: { rule: 'repeated', type: 'float', id: 12, options: { packed: false } },
        doubles: { rule: 'repeated', type: 'double', id: 13, options: { packed: true } },
        dims: { rule: 'repeated', type: 'int64', id: 14, options: { packed: true } },
        child: { rule: 'repeated', type: 'Sample', id: 15 },
      },
    },
    // Sample as an older reader sees it: fields it does not know are skipped.
    Older: { fields: { label: { type: 'string', id: 7 }, child: { rule: 'repeated', type: 'Older', id: 15 } } },
    Colour: { values: { RED: 0, GREEN: 1, BLUE: 2 } },
  },
});
root.resolveAll();
const Sample = root.lookupType('Sample');
const Older = root.lookupType('Older');

const encode = (value: Record<string, unknown>) => Sample.encode(Sample.fromObject(value)).finish();

describe('readVarint', () => {
  it('reads values up to 2^53 with the position after them', () => {
    for (const n of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1]) {
      const bytes = protobuf.Writer.create().uint32(0x55).uint64(n).uint32(0x55).finish();
      const v = readVarint(bytes, 1)!;
      expect(varintNumber(v)).toBe(n);
      expect(bytes[v.next]).toBe(0x55);
      expect(v.next).toBe(bytes.length - 1);
    }
  });

  it('gives nothing for a varint that is cut off, runs past the limit or is longer than 10 bytes', () => {
    expect(readVarint(Uint8Array.from([0x80, 0x80]), 0)).toBeUndefined();
    expect(readVarint(Uint8Array.from([0x80, 0x01]), 0, 1)).toBeUndefined();
    expect(readVarint(new Uint8Array(11).fill(0xff), 0)).toBeUndefined();
  });
});

describe('decodeMessage', () => {
  it('decodes every scalar kind, enums by name, strings, bytes and nested messages', () => {
    const bytes = encode({
      small: -5, big: '-1234567890123', huge: '4503599627370497', zigzag: -77, ok: true, colour: 'BLUE',
      label: 'héllo', raw: Uint8Array.from([1, 2, 3]), ratio: Math.PI, gain: 0.25, dims: [1, 3, 224, 224],
      child: [{ label: 'a', child: [{ colour: 'GREEN' }] }, { ok: true, small: -1 }],
    });
    const m = decodeMessage<Record<string, unknown>>(Sample, bytes, { file: 's.bin' });
    expect(m).toMatchObject({ small: -5, big: -1234567890123, huge: 2 ** 52 + 1, zigzag: -77, ok: true, colour: 'BLUE', label: 'héllo', ratio: Math.PI, gain: 0.25 });
    expect(Array.from(m.raw as Uint8Array)).toEqual([1, 2, 3]);
    expect(m.dims).toEqual([1, 3, 224, 224]);
    expect(m.child).toEqual([{ label: 'a', child: [{ colour: 'GREEN' }] }, { ok: true, small: -1 }]);
  });

  it('keeps repeated floats as views on the input bytes, packed or not; doubles as Float64Array', () => {
    const packed = Float32Array.from([1.5, -2, 3.25, 1e-7]);
    const bytes = encode({ packed: Array.from(packed), loose: [4, 5], doubles: [0.1, 0.2] });
    // An offset that keeps the float data aligned: a view, no copy.
    const file = new Uint8Array(bytes.length + 8);
    file.set(bytes, 8);
    const m = decodeMessage<Record<string, unknown>>(Sample, file.subarray(8), { file: 's.bin' });
    const raw = rawFloatBytes(m, 'packed')!;
    expect(raw.buffer).toBe(file.buffer);
    expect(m.packed).toBeInstanceOf(Float32Array);
    expect(Array.from(m.packed as Float32Array)).toEqual(Array.from(packed));
    expect(Array.from(m.loose as Float32Array)).toEqual([4, 5]);
    expect(Array.from(m.doubles as Float64Array)).toEqual([0.1, 0.2]);
    // Misaligned bytes are copied once and read the same.
    expect(Array.from(floatsOf(new Uint8Array(new Uint8Array([0, ...new Uint8Array(packed.buffer)]).buffer, 1)))).toEqual(Array.from(packed));
  });

  it('skips fields the schema does not know', () => {
    const bytes = encode({ small: 3, label: 'kept', packed: [1, 2], child: [{ ratio: 2, label: 'inner' }] });
    expect(decodeMessage(Older, bytes, { file: 's.bin' })).toEqual({ label: 'kept', child: [{ label: 'inner' }] });
  });

  it('reports progress per top-level field, up to the whole file', () => {
    const bytes = encode({ label: 'x', child: [{ label: 'a' }, { label: 'b' }] });
    const seen: [number, number][] = [];
    decodeMessage(Sample, bytes, { file: 's.bin', onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toHaveLength(3);
    expect(seen.every(([, t]) => t === bytes.length)).toBe(true);
    expect(seen.map(([d]) => d)).toEqual([...seen.map(([d]) => d)].sort((a, b) => a - b));
    expect(seen[2][0]).toBe(bytes.length);
  });

  it('names the file, byte offset and what it read last when the data is cut or corrupt', () => {
    const fail = (bytes: Uint8Array, opts: Partial<Parameters<typeof decodeMessage>[2]> = {}) => {
      try {
        decodeMessage(Sample, bytes, { file: 's.bin', ...opts });
      } catch (e) {
        expect(e).toBeInstanceOf(ProtobufWireError);
        return (e as Error).message;
      }
      throw new Error('decoded');
    };
    expect(fail(Uint8Array.from([0x08, 0x80]))).toBe('s.bin: unexpected end of data in a varint at byte 2 of 2 — the file is truncated or not a binary protobuf Sample');
    expect(fail(Uint8Array.from([0x08, ...new Array(10).fill(0xff), 0x01]))).toBe('s.bin: malformed varint at byte 11 of 12 — the file is truncated or not a binary protobuf Sample');
    // Two encodings one after the other are one message (protobuf merges them): packed comes last.
    const head = encode({ label: 'first', child: [{ label: 'c1' }] });
    const tail = encode({ packed: [1, 2, 3] });
    const cut = Uint8Array.from([...head, ...tail.subarray(0, tail.length - 3)]);
    expect(fail(cut)).toMatch(/^s\.bin: field 'packed' needs 12 bytes but the data ends at byte \d+ of \d+ \(after field 'child'\) — the file is truncated/);
    const named = fail(cut, {
      expected: 'a Sample file',
      describe: (m, f) => (f === 'child' ? `child '${(m.child as { label: string }[]).at(-1)!.label}'` : f),
    });
    expect(named).toMatch(/\(after child 'c1'\) — the file is truncated or not a Sample file$/);
    expect(fail(Uint8Array.from([0x3a, 0x05, 0x61]))).toMatch(/^s\.bin: field 'label' \(5 bytes\) runs past the end of the data at byte 2 of 3/);
    // Field 20 (unknown to the schema) with wire type 3, which nothing writes any more.
    expect(fail(Uint8Array.from([0xa3, 0x01]))).toMatch(/unsupported wire type 3 at byte 2 of 2/);
    expect(fail(Uint8Array.from([0x0d, 0, 0, 0, 0]))).toMatch(/field 'small' has wire type 5, expected a varint at byte 1 of 5/);
  });

  it('refuses messages nested deeper than protobuf allows, naming the file, without a stack overflow', () => {
    // 1,000 nested 'child' messages, each a key and a length around the next.
    let bytes = new Uint8Array(0);
    for (let i = 0; i < 1000; i++) {
      const len: number[] = [];
      for (let n = bytes.length; ; n = Math.floor(n / 128)) {
        if (n < 128) {
          len.push(n);
          break;
        }
        len.push((n % 128) | 0x80);
      }
      bytes = Uint8Array.from([0x7a, ...len, ...bytes]);
    }
    expect(() => decodeMessage(Sample, bytes, { file: 'deep.bin' })).toThrow(/^deep\.bin: messages nested more than 100 deep at byte \d+/);
    // 100 levels are fine.
    const ok = encode(Array.from({ length: 99 }).reduce<Record<string, unknown>>((inner) => ({ child: [inner] }), { label: 'x' }));
    expect(decodeMessage(Sample, ok, { file: 'ok.bin' })).toBeTruthy();
  });
});

