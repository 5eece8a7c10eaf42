// `faces`: the engine's face finder on a photo. Prints {"faces":[{"box":[x,y,w,h],"score":…}]} with
// boxes in pixels of the original image (to 0.1 px), largest first. A photo whose shorter side exceeds
// DETECT_SIDE is searched in a copy scaled down to that (as the app searches a small copy of the
// camera picture): the finder's cost grows with the pixels, not with what it finds.
import { resolve } from 'node:path';
import { DEFAULT_FACE_FINDER, type FaceFinderSettings } from '../../src-shared/contract';
import { resizePlane } from '../engine/resize';
import { faceFinderDir } from '../faces/bundled';
import { FaceFinder } from '../faces/face-finder';
import { readImage, type RgbaImage } from '../formats/image';
import { CliError, option, type Args } from './args';
import { USAGE } from './usage';

/** Shorter side of the copy the faces are searched in. */
export const DETECT_SIDE = 480;

export interface FacesOutput {
  faces: { box: [number, number, number, number]; score: number }[];
}

/** The image scaled (area-averaged) so its shorter side is at most `side`; the image itself when it already is. */
export function scaledForDetection(img: RgbaImage, side: number): RgbaImage {
  const k = side / Math.min(img.width, img.height);
  if (k >= 1) return img;
  const width = Math.max(1, Math.round(img.width * k));
  const height = Math.max(1, Math.round(img.height * k));
  const n = img.width * img.height;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  const plane = new Float32Array(n);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) plane[i] = img.rgba[i * 4 + c];
    const small = resizePlane(plane, img.width, img.height, width, height);
    for (let i = 0; i < small.length; i++) rgba[i * 4 + c] = Math.round(small[i]);
  }
  return { width, height, rgba };
}

function settingsFrom(args: Args): FaceFinderSettings {
  const minText = option(args, 'min-face');
  const minFace = minText === undefined ? DEFAULT_FACE_FINDER.minFace : Number(minText);
  if (!(minFace > 0 && minFace <= 1)) throw new CliError(`--min-face must be a fraction of the shorter side in (0, 1], got '${minText}'\n${USAGE}`);
  const tText = option(args, 'thresholds');
  let thresholds = DEFAULT_FACE_FINDER.thresholds;
  if (tText !== undefined) {
    const t = tText.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
    if (t.length !== 2 || !t.every((v) => v >= 0 && v <= 1)) throw new CliError(`--thresholds must be two numbers between 0 and 1 like 0.6,0.7, got '${tText}'\n${USAGE}`);
    thresholds = [t[0], t[1]];
  }
  return { minFace, thresholds };
}

const tenth = (v: number) => Math.round(v * 10) / 10;

export async function facesCommand(args: Args): Promise<string> {
  const input = option(args, 'input');
  if (!input) throw new CliError(`faces needs --input\n${USAGE}`);
  const settings = settingsFrom(args);
  const img = readImage(resolve(input));
  const small = scaledForDetection(img, DETECT_SIDE);
  const finder = await FaceFinder.load(faceFinderDir());
  try {
    const { faces } = await finder.find(small.rgba, small.width, small.height, settings);
    const out: FacesOutput = {
      faces: faces.map((f) => ({
        box: [tenth(f.x * img.width), tenth(f.y * img.height), tenth(f.w * img.width), tenth(f.h * img.height)],
        score: Math.round(f.score * 1e4) / 1e4,
      })),
    };
    return JSON.stringify(out);
  } finally {
    await finder.release();
  }
}
