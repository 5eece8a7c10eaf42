// Mean images for preprocessing: Caffe .binaryproto (BlobProto) or a float32 .npy array, both C×H×W.
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import type { MeanImage } from '../engine/preprocess';

// BlobProto field numbers (caffe.proto): num 1, channels 2, height 3, width 4, data 5, shape 7 (dim 1).
const root = protobuf.Root.fromJSON({
  nested: {
    BlobShape: { fields: { dim: { rule: 'repeated', type: 'int64', id: 1 } } },
    BlobProto: {
      fields: {
        num: { type: 'int32', id: 1 },
        channels: { type: 'int32', id: 2 },
        height: { type: 'int32', id: 3 },
        width: { type: 'int32', id: 4 },
        data: { rule: 'repeated', type: 'float', id: 5 },
        shape: { type: 'BlobShape', id: 7 },
      },
    },
  },
});
const Blob = root.lookupType('BlobProto');

function fromBinaryproto(bytes: Uint8Array, file: string): MeanImage {
  let o: { num?: number; channels?: number; height?: number; width?: number; data?: number[]; shape?: { dim?: number[] } };
  try {
    o = Blob.toObject(Blob.decode(bytes), { longs: Number, arrays: true }) as typeof o;
  } catch (e) {
    throw new Error(`${file}: not a Caffe mean file (${(e as Error).message})`);
  }
  let dims = o.shape?.dim?.length ? o.shape.dim : [o.num ?? 1, o.channels ?? 0, o.height ?? 0, o.width ?? 0];
  while (dims.length > 3 && dims[0] === 1) dims = dims.slice(1);
  if (dims.length !== 3) throw new Error(`${file}: mean blob has shape [${dims.join(', ')}], expected C×H×W`);
  const [c, h, w] = dims;
  const data = Float32Array.from(o.data ?? []);
  if (data.length !== c * h * w) throw new Error(`${file}: mean blob holds ${data.length} values for ${c}×${h}×${w}`);
  return { c, h, w, data };
}

function fromNpy(bytes: Uint8Array, file: string): MeanImage {
  const magic = String.fromCharCode(...bytes.subarray(1, 6));
  if (bytes[0] !== 0x93 || magic !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + hlen));
  if (!/'descr':\s*'<f4'/.test(header)) throw new Error(`${file}: mean array must be little-endian float32 ('<f4'), header ${header.trim()}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran-ordered arrays are not supported`);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  let dims = shape;
  while (dims.length > 3 && dims[0] === 1) dims = dims.slice(1);
  if (dims.length !== 3) throw new Error(`${file}: mean array has shape (${shape.join(', ')}), expected C×H×W`);
  const [c, h, w] = dims;
  const off = start + hlen;
  const data = new Float32Array(bytes.slice(off, off + c * h * w * 4).buffer);
  if (data.length !== c * h * w) throw new Error(`${file}: mean array is truncated`);
  return { c, h, w, data };
}

export function readMeanImage(path: string): MeanImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read mean file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return path.toLowerCase().endsWith('.npy') ? fromNpy(bytes, path) : fromBinaryproto(bytes, path);
}
