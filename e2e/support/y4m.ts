// YUV4MPEG2 writer for Chromium's fake camera (--use-file-for-fake-video-capture): 4:2:0 planar,
// one "FRAME" per picture, looped by Chromium. Chromium treats the planes as BT.601 limited
// ("studio") range, so RGB is converted with those coefficients (Y 16–235, Cb/Cr 16–240).
import { closeSync, openSync, writeSync } from 'node:fs';

/** A picture as packed RGB (3 bytes per pixel) or RGBA (4 bytes per pixel), row-major. */
export interface RgbFrame {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** Converts one RGB picture to I420 (Y plane, then U, then V at half resolution in both directions). */
export function rgbToI420(f: RgbFrame): Uint8Array {
  const { width: w, height: h, channels: c, data } = f;
  if (w % 2 || h % 2) throw new Error(`y4m 4:2:0 needs even dimensions, got ${w}×${h}`);
  const out = new Uint8Array(w * h * 1.5);
  const cw = w / 2;
  const ch = h / 2;
  const uOff = w * h;
  const vOff = uOff + cw * ch;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * c;
      out[y * w + x] = clamp(16 + (65.481 * data[i] + 128.553 * data[i + 1] + 24.966 * data[i + 2]) / 255);
    }
  }
  // Chroma from the mean colour of each 2×2 block.
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const i = ((2 * y + dy) * w + 2 * x + dx) * c;
          r += data[i];
          g += data[i + 1];
          b += data[i + 2];
        }
      }
      r /= 4;
      g /= 4;
      b /= 4;
      out[uOff + y * cw + x] = clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      out[vOff + y * cw + x] = clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return out;
}

/** Writes frames as a .y4m file at `fps` frames per second. */
export function writeY4m(path: string, width: number, height: number, fps: number, frames: Iterable<RgbFrame>): number {
  const fd = openSync(path, 'w');
  let n = 0;
  try {
    writeSync(fd, Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, 'latin1'));
    for (const f of frames) {
      if (f.width !== width || f.height !== height) throw new Error(`frame ${n} is ${f.width}×${f.height}, not ${width}×${height}`);
      writeSync(fd, Buffer.from('FRAME\n', 'latin1'));
      writeSync(fd, rgbToI420(f));
      n++;
    }
  } finally {
    closeSync(fd);
  }
  return n;
}
