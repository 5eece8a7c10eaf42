// Mean images for preprocessing: Caffe .binaryproto (BlobProto) or a float32 .npy array, both C×H×W.
// The files are read with the Caffe importer's BlobProto reader and the .npy reader.
import { readFileSync } from 'node:fs';
import { decodeNpy } from '../formats/npy';
import { blobData, checkedBlobShape } from '../importers/caffe/net';
import type { BlobProto } from '../importers/caffe/schema';
import { decodeCaffe } from '../importers/caffe/read';

/** A mean image in the tensor's channel order, planar c × h × w (0–255 scale). */
export interface MeanImage {
  c: number;
  h: number;
  w: number;
  data: Float32Array;
}

function toChw(dims: number[], data: Float32Array, file: string): MeanImage {
  let d = dims;
  while (d.length > 3 && d[0] === 1) d = d.slice(1);
  if (d.length !== 3) throw new Error(`${file}: mean has shape [${dims.join(', ')}], expected C×H×W`);
  const [c, h, w] = d;
  // Checked before anything (a resize, a plane per channel) is sized by them.
  if (!d.every((v) => Number.isSafeInteger(v) && v > 0)) throw new Error(`${file}: mean has shape [${dims.join(', ')}]; dimensions are positive whole numbers`);
  if (data.length !== c * h * w) throw new Error(`${file}: mean holds ${data.length} values for ${c}×${h}×${w}`);
  return { c, h, w, data };
}

function fromBinaryproto(bytes: Uint8Array, file: string): MeanImage {
  let blob: BlobProto;
  try {
    blob = decodeCaffe<BlobProto>('BlobProto', bytes, { file });
  } catch (e) {
    throw new Error(`${file}: not a Caffe mean file (${(e as Error).message})`);
  }
  return toChw(checkedBlobShape(blob, `${file}: mean`), blobData(blob), file);
}

function fromNpy(bytes: Uint8Array, file: string): MeanImage {
  const a = decodeNpy(bytes, file);
  return toChw(a.shape, a.data, file);
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
