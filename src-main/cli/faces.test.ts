import { describe, expect, it } from 'vitest';
import { DETECT_SIDE, scaledForDetection } from './faces';

describe('faces: the copy a large photo is searched in', () => {
  it('scales the shorter side down to DETECT_SIDE, averaging areas, and leaves small photos alone', () => {
    // 1440×960, left half black, right half white.
    const width = 1440;
    const height = 960;
    const rgba = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) for (let x = width / 2; x < width; x++) rgba.fill(255, (y * width + x) * 4, (y * width + x) * 4 + 4);
    const small = scaledForDetection({ width, height, rgba }, DETECT_SIDE);
    expect([small.width, small.height]).toEqual([720, 480]);
    const px = (x: number, y: number) => Array.from(small.rgba.subarray((y * 720 + x) * 4, (y * 720 + x) * 4 + 4));
    expect(px(10, 10)).toEqual([0, 0, 0, 255]);
    expect(px(700, 400)).toEqual([255, 255, 255, 255]);

    const photo = { width: 320, height: 240, rgba: new Uint8Array(320 * 240 * 4) };
    expect(scaledForDetection(photo, DETECT_SIDE)).toBe(photo);
  });
});
