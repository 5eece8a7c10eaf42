// Face photos as fake-camera files, written by the tests: the JPEG decoded with jpeg-js, scaled
// (averaging the source pixels each frame pixel covers) onto a plain grey 640×480 frame, either
// still or moving between places. Files are kept between runs under a name with the recipe's version.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import jpeg from 'jpeg-js';
import { videoDir } from './paths';
import { CAMERA } from './scene';
import { writeY4m, type RgbFrame } from './y4m';

const RECIPE = 'v1';
const GREY = 128;

export interface Photo {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Uint8Array;
}

/** Where a photo lies in the frame: its top-left corner and its scale (frame pixels per photo pixel). */
export interface Placement {
  x: number;
  y: number;
  scale: number;
}

export function loadJpeg(file: string): Photo {
  const img = jpeg.decode(readFileSync(file), { useTArray: true, formatAsRGBA: true });
  return { width: img.width, height: img.height, data: img.data };
}

/** The placement that shows the whole photo as large as the frame allows, centred. */
export function fitted(photo: Photo): Placement {
  const scale = Math.min(CAMERA.width / photo.width, CAMERA.height / photo.height);
  return { x: (CAMERA.width - photo.width * scale) / 2, y: (CAMERA.height - photo.height * scale) / 2, scale };
}

/** A grey frame with the photo at `at`; each frame pixel is the mean of the photo pixels it covers. */
export function frameWith(photo: Photo, at: Placement): RgbFrame {
  const { width: w, height: h } = CAMERA;
  const out = new Uint8Array(w * h * 3).fill(GREY);
  const inv = 1 / at.scale;
  for (let y = 0; y < h; y++) {
    const sy0 = (y - at.y) * inv;
    const sy1 = sy0 + inv;
    if (sy1 <= 0 || sy0 >= photo.height) continue;
    for (let x = 0; x < w; x++) {
      const sx0 = (x - at.x) * inv;
      const sx1 = sx0 + inv;
      if (sx1 <= 0 || sx0 >= photo.width) continue;
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let sy = Math.max(0, Math.floor(sy0)); sy < Math.min(photo.height, Math.ceil(sy1)); sy++) {
        for (let sx = Math.max(0, Math.floor(sx0)); sx < Math.min(photo.width, Math.ceil(sx1)); sx++) {
          const i = (sy * photo.width + sx) * 4;
          r += photo.data[i];
          g += photo.data[i + 1];
          b += photo.data[i + 2];
          n++;
        }
      }
      const o = (y * w + x) * 3;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
    }
  }
  return { width: w, height: h, channels: 3, data: out };
}

/** Writes `frames()` as `name` once (atomically) and returns its path. */
function cached(name: string, fps: number, frames: () => Iterable<RgbFrame>): string {
  mkdirSync(videoDir, { recursive: true });
  const video = join(videoDir, `${name}-${RECIPE}.y4m`);
  if (!existsSync(video)) {
    const tmp = `${video}.${process.pid}.tmp`;
    writeY4m(tmp, CAMERA.width, CAMERA.height, fps, frames());
    renameSync(tmp, video);
  }
  return video;
}

/** The photo still, as large as the frame allows. */
export function stillPhotoVideo(file: string): string {
  return cached(`face-still-${basename(file).replace(/\W/g, '_')}`, 10, () => {
    const photo = loadJpeg(file);
    const frame = frameWith(photo, fitted(photo));
    return Array.from({ length: 5 }, () => frame);
  });
}

/** One leg of a moving photo: it glides from the previous place to `to` and then holds still there. */
export interface Leg {
  to: Placement;
  glideFrames: number;
  holdFrames: number;
}

/** The photo moving along `legs` (looping back to the first place), at 10 frames per second. */
export function movingPhotoVideo(file: string, name: string, legs: Leg[]): string {
  return cached(name, 10, function* () {
    const photo = loadJpeg(file);
    let from = legs[legs.length - 1].to;
    for (const leg of legs) {
      for (let i = 1; i <= leg.glideFrames; i++) {
        const k = i / leg.glideFrames;
        yield frameWith(photo, { x: from.x + (leg.to.x - from.x) * k, y: from.y + (leg.to.y - from.y) * k, scale: leg.to.scale });
      }
      const still = frameWith(photo, leg.to);
      for (let i = 0; i < leg.holdFrames; i++) yield still;
      from = leg.to;
    }
  });
}
