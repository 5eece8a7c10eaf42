// Serialises the converted model with one copy of the weights. protobufjs would copy every
// initializer's bytes two or three times (Buffer conversion, then the final buffer), which for a
// 500 MB VGG-16 costs seconds and gigabytes; here the graph structure goes through protobufjs
// (encodeModel) and the float initializers are written at the wire level straight into the output.
import { readVarint, varintNumber, type Varint } from '../formats/protobuf/wire';
import { encodeModel, type ModelProto, type TensorProto } from './proto';

const GRAPH_FIELD = 7; // ModelProto.graph
const INITIALIZER_FIELD = 5; // GraphProto.initializer
// TensorProto fields: dims 1, data_type 2, name 8, raw_data 9.

function varintLength(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

class Out {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  varint(n: number): void {
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

const utf8 = new TextEncoder();

/** Encoded size of a TensorProto body (without its own key and length). */
function tensorBody(t: TensorProto, name: Uint8Array, raw: Uint8Array): number {
  let n = 0;
  for (const d of t.dims) n += 1 + varintLength(d);
  n += 1 + varintLength(t.dataType);
  n += 1 + varintLength(name.length) + name.length;
  n += 1 + varintLength(raw.length) + raw.length;
  return n;
}

/** The varint at `pos` of bytes protobufjs just wrote (so always complete). */
function varintIn(b: Uint8Array, pos: number): Varint {
  const v = readVarint(b, pos);
  if (!v) throw new Error(`encodeOnnx: unreadable varint at byte ${pos} of the encoded graph`);
  return v;
}

/** Encodes an ONNX model whose initializers carry rawData (any other initializer goes via protobufjs). */
export function encodeOnnx(model: ModelProto): Uint8Array {
  const direct = model.graph.initializer.filter((t) => t.rawData && t.name !== undefined);
  const viaProto = model.graph.initializer.filter((t) => !(t.rawData && t.name !== undefined));
  const skeleton = encodeModel({ ...model, graph: { ...model.graph, initializer: viaProto } });

  // Locate the graph field in the skeleton (top-level fields: key, then length for wire type 2).
  let pos = 0;
  let graphStart = -1;
  let graphBody = 0;
  let graphLen = 0;
  while (pos < skeleton.length) {
    const key = varintIn(skeleton, pos);
    const wire = key.lo & 7;
    if (wire === 0) {
      pos = varintIn(skeleton, key.next).next;
    } else if (wire === 2) {
      const lenField = varintIn(skeleton, key.next);
      const len = varintNumber(lenField);
      if (key.lo >>> 3 === GRAPH_FIELD) {
        graphStart = pos;
        graphBody = lenField.next;
        graphLen = len;
      }
      pos = lenField.next + len;
    } else if (wire === 5) pos = key.next + 4;
    else pos = key.next + 8;
  }
  if (graphStart < 0) throw new Error('encodeOnnx: the model has no graph');

  const parts = direct.map((t) => {
    const name = utf8.encode(t.name as string);
    const raw = t.rawData as Uint8Array;
    const body = tensorBody(t, name, raw);
    return { t, name, raw, body, total: 1 + varintLength(body) + body };
  });
  const newGraphLen = graphLen + parts.reduce((a, p) => a + p.total, 0);
  const graphEnd = graphBody + graphLen;
  const size = graphStart + 1 + varintLength(newGraphLen) + newGraphLen + (skeleton.length - graphEnd);
  const out = new Out(new Uint8Array(size));
  out.bytes(skeleton.subarray(0, graphStart));
  out.varint((GRAPH_FIELD << 3) | 2);
  out.varint(newGraphLen);
  out.bytes(skeleton.subarray(graphBody, graphEnd));
  for (const p of parts) {
    out.varint((INITIALIZER_FIELD << 3) | 2);
    out.varint(p.body);
    for (const d of p.t.dims) {
      out.varint(1 << 3);
      out.varint(d);
    }
    out.varint(2 << 3);
    out.varint(p.t.dataType);
    out.varint((8 << 3) | 2);
    out.varint(p.name.length);
    out.bytes(p.name);
    out.varint((9 << 3) | 2);
    out.varint(p.raw.length);
    out.bytes(p.raw);
  }
  out.bytes(skeleton.subarray(graphEnd));
  if (out.pos !== size) throw new Error(`encodeOnnx: wrote ${out.pos} of ${size} bytes`);
  return out.buf;
}
