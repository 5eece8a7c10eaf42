// Photos as a camera stream: the JPEG is decoded by Chromium itself (createImageBitmap), drawn so
// its shorter side fills the app's default crop square (centred, 60% of the shorter frame side)
// and read back with getImageData; Node then writes the frames as .y4m.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Browser } from '@playwright/test';
import { videoDir } from './paths';
import { CAMERA } from './scene';
import { writeY4m, type RgbFrame } from './y4m';

export async function photoAsCameraFrame(browser: Browser, file: string): Promise<RgbFrame> {
  const page = await browser.newPage();
  try {
    const b64 = readFileSync(file).toString('base64');
    const rgba = await page.evaluate(
      async ({ b64, w, h, crop }) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes]));
        const canvas = new OffscreenCanvas(w, h);
        const ctx = canvas.getContext('2d')!;
        ctx.fillStyle = 'rgb(128,128,128)';
        ctx.fillRect(0, 0, w, h);
        ctx.imageSmoothingEnabled = true;
        ctx.imageSmoothingQuality = 'high';
        const scale = crop / Math.min(bitmap.width, bitmap.height);
        const dw = bitmap.width * scale;
        const dh = bitmap.height * scale;
        ctx.drawImage(bitmap, (w - dw) / 2, (h - dh) / 2, dw, dh);
        return Array.from(ctx.getImageData(0, 0, w, h).data);
      },
      { b64, w: CAMERA.width, h: CAMERA.height, crop: Math.round(Math.min(CAMERA.width, CAMERA.height) * 0.6) },
    );
    return { width: CAMERA.width, height: CAMERA.height, channels: 4, data: Uint8Array.from(rgba) };
  } finally {
    await page.close();
  }
}

/** A fake-camera file that shows `file` (a photo) still, written once and kept between runs. */
export async function photoVideo(browser: Browser, file: string): Promise<string> {
  mkdirSync(videoDir, { recursive: true });
  const video = join(videoDir, `${basename(file).replace(/\W/g, '_')}-v1.y4m`);
  if (!existsSync(video)) {
    const frame = await photoAsCameraFrame(browser, file);
    writeY4m(video, CAMERA.width, CAMERA.height, 10, Array.from({ length: 5 }, () => frame));
  }
  return video;
}
