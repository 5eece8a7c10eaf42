// The bundled gender model (assets/models/gender) through the real engine: face crops cut the way
// the face mode cuts them (a square of crop.margin × the face box, centred on it) are classified
// as the people in the photos are. The face boxes were recorded once by eye (pixels of the photos).
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRuntime } from '../engine/runtime';
import { assetsDir, sharedData } from '../engine/testing/data';
import { readImage, type RgbaImage } from '../formats/image';

/** [photo, face box x, y, side, who]: cheeks to cheeks, eyebrows' top to chin. */
const FACES: [string, number, number, number, 'man' | 'woman'][] = [
  ['obama_small.jpg', 105, 63, 110, 'man'],
  ['obama-240p.jpg', 192, 18, 54, 'man'],
  ['obama1.jpg', 539, 224, 366, 'man'],
  ['rose_leslie_img1.jpg', 635, 130, 240, 'woman'],
];

/** The square of side `side` centred on (cx, cy), moved inside the picture. */
function cutSquare(img: RgbaImage, cx: number, cy: number, side: number): RgbaImage {
  const s = Math.round(Math.min(side, img.width, img.height));
  const x0 = Math.round(Math.max(0, Math.min(img.width - s, cx - s / 2)));
  const y0 = Math.round(Math.max(0, Math.min(img.height - s, cy - s / 2)));
  const rgba = new Uint8Array(s * s * 4);
  for (let y = 0; y < s; y++) rgba.set(img.rgba.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + s) * 4), y * s * 4);
  return { width: s, height: s, rgba };
}

describe('bundled gender model', () => {
  let rt: ModelRuntime;
  beforeAll(async () => {
    rt = await ModelRuntime.load({ bundled: 'gender' }, assetsDir, { forceCpu: true });
  });
  afterAll(() => rt?.release());

  it('is a 64×64 gray Keras model with labels woman, man that turns face mode on', () => {
    const m = rt.info.manifest;
    expect(rt.info.format).toBe('keras');
    expect(rt.info.input).toEqual({ c: 1, h: 64, w: 64 });
    expect(rt.info.labels).toEqual(['woman', 'man']);
    expect(m.crop?.mode).toBe('face');
    expect(m.crop?.margin).toBeGreaterThanOrEqual(1.5);
    expect(m.crop?.margin).toBeLessThanOrEqual(1.8);
    expect(m.attribution).toMatch(/MIT/);
  });

  it('feeds x/255 then (x − 0.5)·2', () => {
    const levels = [0, 51, 128, 255];
    const rgba = new Uint8Array(64 * 64 * 4);
    for (let i = 0; i < 64 * 64; i++) {
      rgba.fill(levels[i % 4], i * 4, i * 4 + 3);
      rgba[i * 4 + 3] = 255;
    }
    const t = rt.prepare({ width: 64, height: 64, rgba });
    for (let i = 0; i < 8; i++) expect(t.data[i]).toBeCloseTo((levels[i % 4] / 255 - 0.5) * 2, 6);
  });

  for (const [photo, x, y, side, who] of FACES) {
    it(`says ${who} for the face in ${photo}`, async () => {
      const img = readImage(resolve(sharedData, 'faces', photo));
      const margin = rt.info.manifest.crop!.margin!;
      const crop = cutSquare(img, x + side / 2, y + side / 2, side * margin);
      const r = await rt.run({ ...crop, id: 1, t: 0 }, { dropped: 0 });
      const best = r.probs[1] > r.probs[0] ? 'man' : 'woman';
      expect(best, `p(woman, man) = ${Array.from(r.probs, (p) => p.toFixed(3)).join(', ')}`).toBe(who);
    });
  }
});
