// The MNIST t10k test set from ../shared/data/mnist (idx files, gzip).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sharedData } from './paths';

export interface MnistSet {
  count: number;
  /** count × 28 × 28 bytes, 0 = background, 255 = ink. */
  images: Uint8Array;
  labels: Uint8Array;
}

export function loadMnistTest(): MnistSet {
  const img = gunzipSync(readFileSync(join(sharedData, 'mnist', 't10k-images-idx3-ubyte.gz')));
  const lab = gunzipSync(readFileSync(join(sharedData, 'mnist', 't10k-labels-idx1-ubyte.gz')));
  if (img.readUInt32BE(0) !== 2051 || lab.readUInt32BE(0) !== 2049) throw new Error('MNIST files have the wrong magic numbers');
  const count = img.readUInt32BE(4);
  if (img.readUInt32BE(8) !== 28 || img.readUInt32BE(12) !== 28 || lab.readUInt32BE(4) !== count) {
    throw new Error('MNIST image and label files do not match');
  }
  return { count, images: new Uint8Array(img.subarray(16)), labels: new Uint8Array(lab.subarray(8)) };
}

/** The first test image of each class, in the order the classes first occur. */
export function firstOfEachClass(set: MnistSet): { index: number; label: number }[] {
  const seen = new Set<number>();
  const out: { index: number; label: number }[] = [];
  for (let i = 0; i < set.count && out.length < 10; i++) {
    const label = set.labels[i];
    if (!seen.has(label)) {
      seen.add(label);
      out.push({ index: i, label });
    }
  }
  return out;
}
