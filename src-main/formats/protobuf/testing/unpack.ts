// Rewrites a binary protobuf so that every packed repeated float field is written the other valid
// way, one key per value: the shape of files some writers produce, and the worst case for a
// decoder that appends each value as it comes.
import type protobuf from 'protobufjs';
import { readVarint, varintNumber } from '../wire';

function varint(n: number, out: number[]): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

class Bytes {
  private parts: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array | number[]): void {
    const u = b instanceof Uint8Array ? b : Uint8Array.from(b);
    this.parts.push(u);
    this.length += u.length;
  }
  join(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

function rewrite(type: protobuf.Type, bytes: Uint8Array): Uint8Array {
  const out = new Bytes();
  let pos = 0;
  while (pos < bytes.length) {
    const key = readVarint(bytes, pos)!;
    const id = key.lo >>> 3;
    const wire = key.lo & 7;
    const keyBytes = bytes.subarray(pos, key.next);
    pos = key.next;
    const field = type.fieldsById[id];
    field?.resolve();
    if (wire !== 2) {
      const size = wire === 0 ? readVarint(bytes, pos)!.next - pos : wire === 1 ? 8 : 4;
      out.push(keyBytes);
      out.push(bytes.subarray(pos, pos + size));
      pos += size;
      continue;
    }
    const len = readVarint(bytes, pos)!;
    const body = bytes.subarray(len.next, len.next + varintNumber(len));
    pos = len.next + body.length;
    if (field?.repeated && field.type === 'float') {
      const key5: number[] = [];
      varint(id * 8 + 5, key5);
      for (let i = 0; i < body.length; i += 4) {
        out.push(key5);
        out.push(body.subarray(i, i + 4));
      }
    } else if (field?.resolvedType && 'fields' in field.resolvedType) {
      const inner = rewrite(field.resolvedType as protobuf.Type, body);
      const head: number[] = [];
      varint(inner.length, head);
      out.push(keyBytes);
      out.push(head);
      out.push(inner);
    } else {
      out.push(bytes.subarray(key.next - keyBytes.length, pos));
    }
  }
  return out.join();
}

/** `bytes` (a valid `type` message) with its packed float fields unpacked, same values. */
export function unpackFloats(type: protobuf.Type, bytes: Uint8Array): Uint8Array {
  return rewrite(type, bytes);
}
