// The subset of the ONNX protobuf schema ConvScope reads and writes, declared as protobufjs
// reflection data. Field numbers are those of onnx.proto (IR version 3–10).
import protobuf from 'protobufjs';

const rep = 'repeated';

const descriptor = {
  nested: {
    onnx: {
      nested: {
        AttributeType: {
          values: {
            UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7,
            STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11, SPARSE_TENSORS: 12, TYPE_PROTO: 13, TYPE_PROTOS: 14,
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            refAttrName: { type: 'string', id: 21 },
            docString: { type: 'string', id: 13 },
            type: { type: 'AttributeType', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            g: { type: 'GraphProto', id: 6 },
            floats: { rule: rep, type: 'float', id: 7, options: { packed: false } },
            ints: { rule: rep, type: 'int64', id: 8, options: { packed: false } },
            strings: { rule: rep, type: 'bytes', id: 9 },
            tensors: { rule: rep, type: 'TensorProto', id: 10 },
            graphs: { rule: rep, type: 'GraphProto', id: 11 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            docString: { type: 'string', id: 3 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: rep, type: 'string', id: 1 },
            output: { rule: rep, type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            domain: { type: 'string', id: 7 },
            attribute: { rule: rep, type: 'AttributeProto', id: 5 },
            docString: { type: 'string', id: 6 },
          },
        },
        StringStringEntryProto: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            opsetImport: { rule: rep, type: 'OperatorSetIdProto', id: 8 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            metadataProps: { rule: rep, type: 'StringStringEntryProto', id: 14 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: rep, type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: rep, type: 'TensorProto', id: 5 },
            docString: { type: 'string', id: 10 },
            input: { rule: rep, type: 'ValueInfoProto', id: 11 },
            output: { rule: rep, type: 'ValueInfoProto', id: 12 },
            valueInfo: { rule: rep, type: 'ValueInfoProto', id: 13 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: rep, type: 'int64', id: 1, options: { packed: false } },
            dataType: { type: 'int32', id: 2 },
            floatData: { rule: rep, type: 'float', id: 4, options: { packed: true } },
            int32Data: { rule: rep, type: 'int32', id: 5, options: { packed: true } },
            stringData: { rule: rep, type: 'bytes', id: 6 },
            int64Data: { rule: rep, type: 'int64', id: 7, options: { packed: true } },
            name: { type: 'string', id: 8 },
            docString: { type: 'string', id: 12 },
            rawData: { type: 'bytes', id: 9 },
            doubleData: { rule: rep, type: 'double', id: 10, options: { packed: true } },
            uint64Data: { rule: rep, type: 'uint64', id: 11, options: { packed: true } },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: rep, type: 'Dimension', id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
              fields: {
                dimValue: { type: 'int64', id: 1 },
                dimParam: { type: 'string', id: 2 },
                denotation: { type: 'string', id: 3 },
              },
            },
          },
        },
        TypeProto: {
          fields: {
            tensorType: { type: 'Tensor', id: 1 },
            denotation: { type: 'string', id: 6 },
          },
          nested: {
            Tensor: {
              fields: {
                elemType: { type: 'int32', id: 1 },
                shape: { type: 'TensorShapeProto', id: 2 },
              },
            },
          },
        },
      },
    },
  },
};

/** TensorProto.DataType values used here. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
} as const;

// Plain-object views of the messages (what decodeModel returns and encodeModel accepts).
export interface Dimension { dimValue?: number; dimParam?: string }
export interface TypeProto { tensorType?: { elemType: number; shape?: { dim: Dimension[] } } }
export interface ValueInfoProto { name: string; type?: TypeProto; docString?: string }
export interface TensorProto {
  name?: string;
  dims: number[];
  dataType: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: number[];
  doubleData?: number[];
}
export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}
export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: AttributeProto[];
}
export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
}
export interface ModelProto {
  irVersion: number;
  opsetImport: { domain?: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  graph: GraphProto;
  metadataProps?: { key: string; value: string }[];
}

const root = protobuf.Root.fromJSON(descriptor);
const Model = root.lookupType('onnx.ModelProto');

/** Decodes an ONNX model. int64 fields become numbers (ONNX dims and attributes fit in 2^53). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  let msg: protobuf.Message;
  try {
    msg = Model.decode(bytes);
  } catch (e) {
    throw new Error(`not a valid ONNX model (${(e as Error).message})`);
  }
  const obj = Model.toObject(msg, { longs: Number, enums: Number, arrays: true, defaults: false }) as ModelProto;
  if (!obj.graph || !Array.isArray(obj.graph.node)) throw new Error('not a valid ONNX model (no graph)');
  obj.graph.initializer ??= [];
  obj.graph.input ??= [];
  obj.graph.output ??= [];
  return obj;
}

export function encodeModel(model: ModelProto): Uint8Array {
  const err = Model.verify(model);
  if (err) throw new Error(`invalid ONNX model structure: ${err}`);
  return Model.encode(Model.fromObject(model)).finish();
}

/**
 * A model's bytes with nodes and graph outputs added, without encoding the model again: protobuf
 * parsers merge a repeated occurrence of an embedded message field (ModelProto.graph) into the
 * first, appending its repeated fields, so the addition is encoded on its own and appended. For a
 * large model this is a copy instead of re-encoding its weights (VGG-16's 513 MB: ≈ 1 s).
 */
export function extendModel(model: Uint8Array, add: { node: NodeProto[]; output: ValueInfoProto[] }): Uint8Array {
  // Only field 7 (graph) is written: the partial model has no other field set.
  const tail = Model.encode(Model.fromObject({ graph: { node: add.node, output: add.output } })).finish();
  const out = new Uint8Array(model.byteLength + tail.byteLength);
  out.set(model, 0);
  out.set(tail, model.byteLength);
  return out;
}

/** A float32 tensor initializer. */
export function floatTensor(name: string, dims: number[], data: Float32Array): TensorProto {
  return {
    name,
    dims,
    dataType: DataType.FLOAT,
    rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  };
}

/** An int64 tensor initializer (shapes, axes). */
export function int64Tensor(name: string, dims: number[], data: number[]): TensorProto {
  const raw = new BigInt64Array(data.map((x) => BigInt(x)));
  return { name, dims, dataType: DataType.INT64, rawData: new Uint8Array(raw.buffer) };
}

/** Reads a float32 (or float16) initializer into a Float32Array. */
export function tensorToFloat32(t: TensorProto): Float32Array {
  const n = t.dims.reduce((a, b) => a * b, 1);
  // What the dims declare must be what the tensor holds, checked before anything is sized by them.
  const size = t.dataType === DataType.FLOAT16 ? 2 : t.dataType === DataType.DOUBLE ? 8 : 4;
  const listed = t.dataType === DataType.FLOAT16 ? t.int32Data : t.dataType === DataType.DOUBLE ? t.doubleData : t.floatData;
  const held = t.rawData && t.rawData.byteLength ? t.rawData.byteLength / size : (listed?.length ?? 0);
  const floating = t.dataType === DataType.FLOAT || t.dataType === DataType.FLOAT16 || t.dataType === DataType.DOUBLE;
  if (floating && (t.dims.some((d) => !Number.isSafeInteger(d) || d < 0) || held !== n)) {
    throw new Error(`tensor ${t.name}: dims ${t.dims.join('×') || 'scalar'} declare ${n} values but it holds ${held}`);
  }
  if (t.dataType === DataType.FLOAT) {
    if (t.rawData && t.rawData.byteLength) {
      const copy = new Uint8Array(t.rawData);
      return new Float32Array(copy.buffer, 0, n);
    }
    return Float32Array.from(t.floatData ?? []);
  }
  if (t.dataType === DataType.FLOAT16) {
    const src = t.rawData && t.rawData.byteLength
      ? new Uint16Array(new Uint8Array(t.rawData).buffer, 0, n)
      : Uint16Array.from(t.int32Data ?? []);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = halfToFloat(src[i]);
    return out;
  }
  if (t.dataType === DataType.DOUBLE) {
    if (t.rawData && t.rawData.byteLength) return Float32Array.from(new Float64Array(new Uint8Array(t.rawData).buffer, 0, n));
    return Float32Array.from(t.doubleData ?? []);
  }
  throw new Error(`tensor ${t.name}: data type ${t.dataType} is not a floating-point type`);
}

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** float32 → IEEE half (round to nearest even), for float16 model inputs. */
export function floatToHalf(x: number): number {
  f32[0] = x;
  return floatBitsToHalf(u32[0]);
}

/** floatToHalf of the float32 whose bits are `b` (saves the round trip through a number for typed arrays). */
export function floatBitsToHalf(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Reads an attribute by name from a node. */
export function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}
