// Binary protobuf decoding driven by any protobufjs reflection schema (Caffe's .caffemodel and
// .binaryproto, any other format's messages). Written at the wire level (instead of protobufjs's
// decode) so that repeated float fields — the weights, hundreds of MB for VGG-16 — become
// Float32Array views on the file's bytes rather than JavaScript number arrays, and so that a
// truncated file is reported with the byte offset and what was being read.
import type protobuf from 'protobufjs';

/** A file that is truncated or not the expected message; the message names file and byte offset. */
export class ProtobufWireError extends Error {}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** A decoded varint: its low and high 32 bits (unsigned) and the position just after it. */
export interface Varint {
  lo: number;
  hi: number;
  next: number;
}

/**
 * Reads the varint starting at `bytes[pos]`, not reading at or past `limit`. Undefined when the
 * bytes end inside it or it runs longer than the 10 bytes a 64-bit value can take.
 */
export function readVarint(bytes: Uint8Array, pos: number, limit = bytes.length): Varint | undefined {
  let lo = 0;
  let hi = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= limit) return undefined;
    const b = bytes[pos++];
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (shift - 32);
    if ((b & 0x80) === 0) return { lo: lo >>> 0, hi: hi >>> 0, next: pos };
    shift += 7;
  }
  return undefined;
}

/** A varint as an unsigned number (exact up to 2^53). */
export const varintNumber = (v: { lo: number; hi: number }): number => v.hi * 2 ** 32 + v.lo;

const VARINT_TYPES = new Set(['int32', 'uint32', 'int64', 'uint64', 'sint32', 'sint64', 'bool']);

interface Cursor {
  buf: Uint8Array;
  pos: number;
}

export interface DecodeOptions {
  /** File name used in error messages. */
  file: string;
  /** What the file should be, for error messages (default: "a binary protobuf <type name>"). */
  expected?: string;
  /** Called as top-level fields are read: (bytes read, total bytes). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Names what was last read, for error messages ("layer 'conv2'"), from the top-level message
   * decoded so far and the field just read. Default: "field '<name>'".
   */
  describe?: (message: Record<string, unknown>, field: string) => string;
}

/** Deepest nesting of messages accepted (protobuf's own parsers stop at 100 too). */
export const MAX_WIRE_DEPTH = 100;

interface Decoding {
  opts: DecodeOptions;
  /** Messages open around the one being read. */
  depth: number;
  /** What was last read at the top level ('' before the first field). */
  after: string;
}

/** Decodes a whole buffer as the message `type`; enums become their value names, as in text format. */
export function decodeMessage<T>(type: protobuf.Type, bytes: Uint8Array, opts: DecodeOptions): T {
  const cur: Cursor = { buf: bytes, pos: 0 };
  const d: Decoding = { opts: { expected: `a binary protobuf ${type.name}`, ...opts }, after: '', depth: 0 };
  const describe = opts.describe ?? ((_: Record<string, unknown>, field: string) => `field '${field}'`);
  return decodeFields(type, cur, bytes.length, d, (obj, field) => {
    d.after = describe(obj, field);
    opts.onProgress?.(cur.pos, bytes.length);
  }) as T;
}

function fail(d: Decoding, cur: Cursor, what: string): never {
  throw new ProtobufWireError(
    `${d.opts.file}: ${what} at byte ${cur.pos} of ${cur.buf.length}${d.after ? ` (after ${d.after})` : ''} — the file is truncated or not ${d.opts.expected}`,
  );
}

/** readVarint at the cursor, failing with the offset where the varint broke off. */
function varintAt(cur: Cursor, end: number, d: Decoding): Varint {
  const v = readVarint(cur.buf, cur.pos, end);
  if (v) {
    cur.pos = v.next;
    return v;
  }
  const truncated = cur.pos + 10 > end;
  cur.pos = truncated ? end : cur.pos + 10;
  fail(d, cur, truncated ? 'unexpected end of data in a varint' : 'malformed varint');
}

function varintValue(v: { lo: number; hi: number }, type: string): number | boolean {
  if (type === 'bool') return v.lo !== 0 || v.hi !== 0;
  if (type === 'int32') return v.lo | 0;
  if (type === 'uint32') return v.lo;
  if (type === 'sint32' || type === 'sint64') return (v.lo >>> 1) ^ -(v.lo & 1);
  if (type === 'int64' && v.hi & 0x80000000) return -((~v.hi >>> 0) * 2 ** 32 + (~v.lo >>> 0) + 1);
  return varintNumber(v);
}

function skipField(wire: number, cur: Cursor, end: number, d: Decoding): void {
  switch (wire) {
    case WIRE_VARINT:
      varintAt(cur, end, d);
      return;
    case WIRE_FIXED64:
      cur.pos += 8;
      break;
    case WIRE_FIXED32:
      cur.pos += 4;
      break;
    case WIRE_LEN: {
      const len = varintNumber(varintAt(cur, end, d));
      cur.pos += len;
      break;
    }
    default:
      fail(d, cur, `unsupported wire type ${wire}`);
  }
  if (cur.pos > end) fail(d, cur, 'field runs past the end of its message');
}

/** Raw little-endian bytes of repeated float fields, kept beside the decoded object. */
const RAW = Symbol('raw float bytes');

/**
 * The bytes of a decoded repeated float field (e.g. a Caffe BlobProto's `data`) as a view on the
 * file's buffer: weights go into the ONNX model without ever being copied into numbers.
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

/** Joins chunks into one array: the only copy a field made of many pieces costs. */
function joinBytes(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Records float bytes for `name` and exposes `obj[name]` as a Float32Array made on first use. */
function setFloatBytes(obj: Record<string, unknown>, name: string, bytes: Uint8Array): void {
  let raw = (obj as { [RAW]?: Record<string, Uint8Array> })[RAW];
  if (!raw) {
    raw = {};
    Object.defineProperty(obj, RAW, { value: raw, enumerable: false });
  }
  raw[name] = bytes;
  let cache: Float32Array | undefined;
  Object.defineProperty(obj, name, { get: () => (cache ??= floatsOf(bytes)), enumerable: true, configurable: true });
}

function doubleArray(bytes: Uint8Array): Float64Array {
  if (bytes.byteOffset % 8 === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
  return new Float64Array(new Uint8Array(bytes).buffer);
}

const utf8 = new TextDecoder();

function decodeFields(
  type: protobuf.Type,
  cur: Cursor,
  end: number,
  d: Decoding,
  afterField?: (obj: Record<string, unknown>, fieldName: string) => void,
): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const dv = new DataView(cur.buf.buffer, cur.buf.byteOffset, cur.buf.byteLength);
  // Pieces of repeated float / double fields, joined once at the end of the message: an unpacked
  // field arrives as one piece per value, and joining as they come would be quadratic.
  const pieces = new Map<string, { size: number; chunks: Uint8Array[] }>();
  while (cur.pos < end) {
    const key = varintAt(cur, end, d);
    const id = (key.lo >>> 3) + key.hi * 2 ** 29;
    const wire = key.lo & 7;
    const field = type.fieldsById[id];
    if (!field) {
      skipField(wire, cur, end, d);
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
        len = varintNumber(varintAt(cur, end, d));
        start = cur.pos;
        if (len % size !== 0) fail(d, cur, `packed ${ftype} field '${name}' has a length that is not a multiple of ${size}`);
      } else if ((wire === WIRE_FIXED32 && size === 4) || (wire === WIRE_FIXED64 && size === 8)) {
        start = cur.pos;
        len = size;
      } else {
        fail(d, cur, `field '${name}' has wire type ${wire}, expected a ${ftype}`);
      }
      if (start + len > end) fail(d, cur, `field '${name}' needs ${len} bytes but the data ends`);
      cur.pos = start + len;
      if (field.repeated) {
        let entry = pieces.get(name);
        if (!entry) pieces.set(name, (entry = { size, chunks: [] }));
        entry.chunks.push(cur.buf.subarray(start, start + len));
      } else {
        obj[name] = size === 4 ? dv.getFloat32(start, true) : dv.getFloat64(start, true);
      }
    } else if (VARINT_TYPES.has(ftype) || (resolved && !('fields' in resolved))) {
      // Varint scalars and enums (enums become their value names, as in text format).
      const enumType = resolved && !('fields' in resolved) ? (resolved as protobuf.Enum) : null;
      const values: (number | boolean | string)[] = [];
      const decodeOne = () => {
        const v = varintAt(cur, end, d);
        if (enumType) values.push(enumType.valuesById[v.lo] ?? v.lo);
        else values.push(varintValue(v, ftype));
      };
      if (wire === WIRE_LEN) {
        const len = varintNumber(varintAt(cur, end, d));
        const stop = cur.pos + len;
        if (stop > end) fail(d, cur, `packed field '${name}' runs past the end of its message`);
        while (cur.pos < stop) decodeOne();
      } else if (wire === WIRE_VARINT) decodeOne();
      else fail(d, cur, `field '${name}' has wire type ${wire}, expected a varint`);
      if (field.repeated) {
        let arr = obj[name] as unknown[] | undefined;
        if (!arr) obj[name] = arr = [];
        for (const v of values) arr.push(v);
      } else obj[name] = values[values.length - 1];
    } else {
      if (wire !== WIRE_LEN) fail(d, cur, `field '${name}' has wire type ${wire}, expected length-delimited`);
      const len = varintNumber(varintAt(cur, end, d));
      const stop = cur.pos + len;
      if (stop > end) fail(d, cur, `field '${name}' (${len} bytes) runs past the end of the data`);
      let value: unknown;
      if (ftype === 'string') value = utf8.decode(cur.buf.subarray(cur.pos, stop));
      else if (ftype === 'bytes') value = cur.buf.subarray(cur.pos, stop);
      else {
        if (++d.depth > MAX_WIRE_DEPTH) fail(d, cur, `messages nested more than ${MAX_WIRE_DEPTH} deep`);
        value = decodeFields(resolved as protobuf.Type, cur, stop, d);
        d.depth--;
      }
      cur.pos = stop;
      if (field.repeated) {
        const arr = (obj[name] as unknown[]) ?? [];
        arr.push(value);
        obj[name] = arr;
      } else obj[name] = value;
    }
    afterField?.(obj, name);
  }
  if (cur.pos !== end) fail(d, cur, 'a field runs past the end of its message');
  for (const [name, { size, chunks }] of pieces) {
    const bytes = joinBytes(chunks);
    if (size === 4) setFloatBytes(obj, name, bytes);
    else obj[name] = doubleArray(bytes);
  }
  return obj;
}
