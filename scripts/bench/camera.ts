// What the benchmarks show the app: the end-to-end tests' digit scene (MNIST test digits as ink on
// paper, uneven light, noise) at a webcam's 30 frames/s, as a .y4m for Chromium's fake camera and
// as the RGBA crops the renderer would send to the engine.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cropSizeFor } from '../../src-shared/frame-size';
import { firstOfEachClass, loadMnistTest } from '../../e2e/support/mnist';
import { CAMERA, digitFrames } from '../../e2e/support/scene';
import { writeY4m, type RgbFrame } from '../../e2e/support/y4m';

export const CAMERA_FPS = 30;
/** 10 digits × 12 frames at 30 frames/s: a 4 s loop (about 55 MB). */
const FRAMES_PER_DIGIT = 12;
/** Bump when the recipe changes so a stale cached file is not reused. */
const VIDEO = join(tmpdir(), 'convscope-bench', `digits-${CAMERA_FPS}fps-v1.y4m`);

/** The fake-camera file, written once and then reused (it is deterministic). */
export function cameraVideo(): string {
  if (existsSync(VIDEO)) return VIDEO;
  mkdirSync(join(tmpdir(), 'convscope-bench'), { recursive: true });
  const set = loadMnistTest();
  const tmp = `${VIDEO}.${process.pid}.tmp`;
  writeY4m(tmp, CAMERA.width, CAMERA.height, CAMERA_FPS, digitFrames(set, firstOfEachClass(set), FRAMES_PER_DIGIT));
  renameSync(tmp, VIDEO);
  return VIDEO;
}

/**
 * The app's default crop (centred square, 60% of the shorter side) of a camera frame, area-averaged
 * down to `size`×`size` RGBA, as the renderer sends it.
 */
export function cropOf(frame: RgbFrame, size: number): Uint8Array {
  const side = Math.round(Math.min(frame.width, frame.height) * 0.6);
  const x0 = Math.round((frame.width - side) / 2);
  const y0 = Math.round((frame.height - side) / 2);
  const out = new Uint8Array(size * size * 4);
  const c = frame.channels;
  for (let y = 0; y < size; y++) {
    const sy0 = y0 + Math.floor((y * side) / size);
    const sy1 = Math.max(sy0 + 1, y0 + Math.floor(((y + 1) * side) / size));
    for (let x = 0; x < size; x++) {
      const sx0 = x0 + Math.floor((x * side) / size);
      const sx1 = Math.max(sx0 + 1, x0 + Math.floor(((x + 1) * side) / size));
      const sum = [0, 0, 0];
      for (let sy = sy0; sy < sy1; sy++)
        for (let sx = sx0; sx < sx1; sx++) {
          const i = (sy * frame.width + sx) * c;
          sum[0] += frame.data[i];
          sum[1] += frame.data[i + 1];
          sum[2] += frame.data[i + 2];
        }
      const n = (sy1 - sy0) * (sx1 - sx0);
      const o = (y * size + x) * 4;
      out[o] = Math.round(sum[0] / n);
      out[o + 1] = Math.round(sum[1] / n);
      out[o + 2] = Math.round(sum[2] / n);
      out[o + 3] = 255;
    }
  }
  return out;
}

export interface Crop {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** One crop per digit class, sized for a model input with `cropSizeFor` (as the renderer does). */
export function engineCrops(input: { h: number; w: number }): Crop[] {
  const { width, height } = cropSizeFor(input);
  if (width !== height) throw new Error(`the benchmark crops squares; cropSizeFor gave ${width}×${height}`);
  const set = loadMnistTest();
  const crops: Crop[] = [];
  // The middle frame of each digit's run of two.
  let k = 0;
  for (const f of digitFrames(set, firstOfEachClass(set), 2)) if (k++ % 2 === 1) crops.push({ width, height, rgba: cropOf(f, width) });
  return crops;
}
