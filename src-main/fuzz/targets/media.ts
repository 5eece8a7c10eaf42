// Pictures the user opens instead of the camera: PNG and JPEG through the image decoder.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeImage } from '../../formats/image';
import { mutateBytes } from '../mutate';
import type { Random } from '../random';
import { withFile, type FuzzTarget, type Seed } from '../target';

const here = dirname(fileURLToPath(import.meta.url));

const shared = resolve(here, '../../../../shared/data');
const read = (path: string) => new Uint8Array(readFileSync(path));
const DIMS = [12_000, 65_535, 1, 0, 100_000];

/** The image with its declared width and height replaced, wherever the format keeps them. */
function declare(r: Random, s: Seed, at: (bytes: Uint8Array) => number, big: boolean): { bytes: Uint8Array; how: string } {
  const out = s.files[s.mutable].slice();
  const pos = at(out);
  const w = r.pick(DIMS);
  const h = r.pick(DIMS);
  const dv = new DataView(out.buffer);
  if (pos >= 0) {
    if (big) {
      dv.setUint32(pos, w);
      dv.setUint32(pos + 4, h);
    } else {
      dv.setUint16(pos, Math.min(h, 65_535));
      dv.setUint16(pos + 2, Math.min(w, 65_535));
    }
  }
  return { bytes: out, how: `declares ${w}×${h}` };
}

/** Offset of a JPEG's first frame header's height field, or −1. */
function sofAt(b: Uint8Array): number {
  for (let i = 2; i + 9 < b.length; i++) if (b[i] === 0xff && b[i + 1] >= 0xc0 && b[i + 1] <= 0xc2) return i + 5;
  return -1;
}

const open = async (dir: string, files: Record<string, Uint8Array>) => {
  const [name] = Object.keys(files);
  decodeImage(files[name], join(dir, name));
};

const png: FuzzTarget = {
  format: 'png',
  namesFile: true,
  seeds: async () => [
    { files: { 'picture.png': read(join(shared, 'mnist/samples_png/img_0_10.png')) }, mutable: 'picture.png' },
    { files: { 'picture.png': read(join(shared, 'caffe/cifar10_quick/cat10.png')) }, mutable: 'picture.png' },
  ],
  mutate: mutateBytes,
  crafted: [
    (r, s) => {
      const d = declare(r, s, () => 16, true);
      return withFile(s, d.bytes, d.how);
    },
  ],
  open,
};

const jpeg: FuzzTarget = {
  format: 'jpeg',
  namesFile: true,
  seeds: async () => [{ files: { 'picture.jpg': read(join(shared, 'images/kitten.jpg')) }, mutable: 'picture.jpg' }],
  mutate: mutateBytes,
  crafted: [
    (r, s) => {
      const d = declare(r, s, sofAt, false);
      return withFile(s, d.bytes, d.how);
    },
  ],
  open,
};

export const mediaTargets: FuzzTarget[] = [png, jpeg];
