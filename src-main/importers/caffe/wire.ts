// Binary protobuf decoding for .caffemodel and .binaryproto files, driven by the reflection schema
// in schema.ts. Written at the wire level (instead of protobufjs's decode) so that the float data of
// weight blobs — hundreds of MB for VGG-16 — becomes Float32Array views on the file's bytes rather
// than JavaScript number arrays, and so that a truncated file is reported with the byte offset and
// the layer being read.
import type protobuf from 'protobufjs';
import { caffeType } from './schema';

export class CaffeFileError extends Error {}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const VARINT_TYPES = new Set(['int32', 'uint32', 'int64', 'uint64', 'sint32', 'sint64', 'bool']);

interface Cursor {
  buf: Uint8Array;
  pos: number;
}

/** What a decode is reading, for error messages ("layer 'conv2', field blobs"). */
type Where = () => string;

export interface DecodeOptions {
  /** File name used in error messages. */
  file: string;
  /** Called as top-level fields are read: (bytes read, total bytes). */
  onProgress?: (done: number, total: number) => void;
}

/** Decodes a whole buffer as the given Caffe message type (e.g. 'NetParameter', 'BlobProto'). */
export function decodeCaffe<T>(typeName: string, bytes: Uint8Array, opts: DecodeOptions): T {
  const type = caffeType(typeName);
  const cur: Cursor = { buf: bytes, pos: 0 };
  let current = '';
  const where: Where = () => current;
  return decodeMessage(type, cur, bytes.length, where, opts, (obj, fieldName) => {
    const layers = (obj as Record<string, unknown[] | undefined>)[fieldName];
    const last = layers?.[layers.length - 1] as { name?: string } | undefined;
    current = last?.name !== undefined ? `layer '${last.name}'` : `field '${fieldName}'`;
    opts.onProgress?.(cur.pos, bytes.length);
  }) as T;
}

function fail(opts: DecodeOptions, cur: Cursor, where: Where, what: string): never {
  const ctx = where();
  throw new CaffeFileError(
    `${opts.file}: ${what} at byte ${cur.pos} of ${cur.buf.length}${ctx ? ` (after ${ctx})` : ''} — the file is truncated or not a Caffe binary protobuf`,
  );
}

function readVarint(cur: Cursor, end: number, opts: DecodeOptions, where: Where): { lo: number; hi: number } {
  let lo = 0;
  let hi = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (cur.pos >= end) fail(opts, cur, where, 'unexpected end of data in a varint');
    const b = cur.buf[cur.pos++];
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (shift - 32);
    if ((b & 0x80) === 0) return { lo: lo >>> 0, hi: hi >>> 0 };
    shift += 7;
  }
  fail(opts, cur, where, 'malformed varint');
}

function varintValue(v: { lo: number; hi: number }, type: string): number | boolean {
  if (type === 'bool') return v.lo !== 0 || v.hi !== 0;
  if (type === 'int32') return v.lo | 0;
  if (type === 'uint32') return v.lo;
  if (type === 'sint32' || type === 'sint64') return (v.lo >>> 1) ^ -(v.lo & 1);
  if (type === 'int64' && v.hi & 0x80000000) return -((~v.hi >>> 0) * 2 ** 32 + (~v.lo >>> 0) + 1);
  return v.hi * 2 ** 32 + v.lo;
}

function skipField(wire: number, cur: Cursor, end: number, opts: DecodeOptions, where: Where): void {
  switch (wire) {
    case WIRE_VARINT:
      readVarint(cur, end, opts, where);
      return;
    case WIRE_FIXED64:
      cur.pos += 8;
      break;
    case WIRE_FIXED32:
      cur.pos += 4;
      break;
    case WIRE_LEN: {
      const len = readVarint(cur, end, opts, where);
      cur.pos += len.hi * 2 ** 32 + len.lo;
      break;
    }
    default:
      fail(opts, cur, where, `unsupported wire type ${wire}`);
  }
  if (cur.pos > end) fail(opts, cur, where, 'field runs past the end of its message');
}

/** Raw little-endian bytes of repeated float fields, kept beside the decoded object. */
const RAW = Symbol('raw float bytes');

/**
 * The bytes of a decoded repeated float field (e.g. a BlobProto's `data`) as a view on the file's
 * buffer: weights go into the ONNX model without ever being copied into numbers.
 */
export function rawFloatBytes(obj: object, field: string): Uint8Array | undefined {
  return (obj as { [RAW]?: Record<string, Uint8Array> })[RAW]?.[field];
}

/** Float32Array over little-endian bytes: a view when aligned, one copy otherwise. */
export function floatsOf(bytes: Uint8Array): Float32Array {
  const abs = bytes.byteOffset;
  if (abs % 4 === 0) return new Float32Array(bytes.buffer, abs, bytes.length / 4);
  return new Float32Array(new Uint8Array(bytes).buffer);
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Records float bytes for `name` and exposes `obj[name]` as a Float32Array made on first use. */
function addFloatBytes(obj: Record<string, unknown>, name: string, chunk: Uint8Array): void {
  let raw = (obj as { [RAW]?: Record<string, Uint8Array> })[RAW];
  if (!raw) {
    raw = {};
    Object.defineProperty(obj, RAW, { value: raw, enumerable: false });
  }
  raw[name] = raw[name] ? concatBytes(raw[name], chunk) : chunk;
  const bytes = raw[name];
  let cache: Float32Array | undefined;
  Object.defineProperty(obj, name, { get: () => (cache ??= floatsOf(bytes)), enumerable: true, configurable: true });
}

function doubleArray(buf: Uint8Array, start: number, len: number): Float64Array {
  const abs = buf.byteOffset + start;
  if (abs % 8 === 0) return new Float64Array(buf.buffer, abs, len / 8);
  return new Float64Array(new Uint8Array(buf.subarray(start, start + len)).buffer);
}

function concatDouble(a: Float64Array | undefined, b: Float64Array): Float64Array {
  if (!a || a.length === 0) return b;
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const utf8 = new TextDecoder();

function decodeMessage(
  type: protobuf.Type,
  cur: Cursor,
  end: number,
  where: Where,
  opts: DecodeOptions,
  afterField?: (obj: Record<string, unknown>, fieldName: string) => void,
): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const dv = new DataView(cur.buf.buffer, cur.buf.byteOffset, cur.buf.byteLength);
  while (cur.pos < end) {
    const key = readVarint(cur, end, opts, where);
    const id = (key.lo >>> 3) + key.hi * 2 ** 29;
    const wire = key.lo & 7;
    const field = type.fieldsById[id];
    if (!field) {
      skipField(wire, cur, end, opts, where);
      continue;
    }
    field.resolve();
    const name = field.name;
    const ftype = field.type;
    const resolved = field.resolvedType;
    if (ftype === 'float' || ftype === 'double') {
      const size = ftype === 'float' ? 4 : 8;
      let start: number;
      let len: number;
      if (wire === WIRE_LEN) {
        const l = readVarint(cur, end, opts, where);
        len = l.hi * 2 ** 32 + l.lo;
        start = cur.pos;
        if (len % size !== 0) fail(opts, cur, where, `packed ${ftype} field '${name}' has a length that is not a multiple of ${size}`);
      } else if ((wire === WIRE_FIXED32 && size === 4) || (wire === WIRE_FIXED64 && size === 8)) {
        start = cur.pos;
        len = size;
      } else {
        fail(opts, cur, where, `field '${name}' has wire type ${wire}, expected a ${ftype}`);
      }
      if (start + len > end) fail(opts, cur, where, `field '${name}' needs ${len} bytes but the data ends`);
      cur.pos = start + len;
      if (field.repeated) {
        if (size === 4) addFloatBytes(obj, name, cur.buf.subarray(start, start + len));
        else obj[name] = concatDouble(obj[name] as Float64Array | undefined, doubleArray(cur.buf, start, len));
      } else {
        obj[name] = size === 4 ? dv.getFloat32(start, true) : dv.getFloat64(start, true);
      }
    } else if (VARINT_TYPES.has(ftype) || (resolved && !('fields' in resolved))) {
      // Varint scalars and enums (enums become their value names, as in prototxt).
      const enumType = resolved && !('fields' in resolved) ? (resolved as protobuf.Enum) : null;
      const values: (number | boolean | string)[] = [];
      const decodeOne = () => {
        const v = readVarint(cur, end, opts, where);
        if (enumType) values.push(enumType.valuesById[v.lo] ?? v.lo);
        else values.push(varintValue(v, ftype));
      };
      if (wire === WIRE_LEN) {
        const l = readVarint(cur, end, opts, where);
        const stop = cur.pos + l.lo + l.hi * 2 ** 32;
        if (stop > end) fail(opts, cur, where, `packed field '${name}' runs past the end of its message`);
        while (cur.pos < stop) decodeOne();
      } else if (wire === WIRE_VARINT) decodeOne();
      else fail(opts, cur, where, `field '${name}' has wire type ${wire}, expected a varint`);
      if (field.repeated) obj[name] = [...((obj[name] as unknown[]) ?? []), ...values];
      else obj[name] = values[values.length - 1];
    } else {
      if (wire !== WIRE_LEN) fail(opts, cur, where, `field '${name}' has wire type ${wire}, expected length-delimited`);
      const l = readVarint(cur, end, opts, where);
      const len = l.lo + l.hi * 2 ** 32;
      const stop = cur.pos + len;
      if (stop > end) fail(opts, cur, where, `field '${name}' (${len} bytes) runs past the end of the data`);
      let value: unknown;
      if (ftype === 'string') value = utf8.decode(cur.buf.subarray(cur.pos, stop));
      else if (ftype === 'bytes') value = cur.buf.subarray(cur.pos, stop);
      else value = decodeMessage(resolved as protobuf.Type, cur, stop, where, opts);
      cur.pos = stop;
      if (field.repeated) {
        const arr = (obj[name] as unknown[]) ?? [];
        arr.push(value);
        obj[name] = arr;
      } else obj[name] = value;
    }
    afterField?.(obj, name);
  }
  if (cur.pos !== end) fail(opts, cur, where, 'a field runs past the end of its message');
  return obj;
}
