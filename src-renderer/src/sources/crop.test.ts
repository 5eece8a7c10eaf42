import { describe, expect, it } from 'vitest';
import { CropRing, DEFAULT_CROP, clampCrop, cropRectPx, moveCrop, resizeCrop } from './crop';

describe('crop square', () => {
  it('starts centred at 60 % of the shorter side', () => {
    expect(cropRectPx(DEFAULT_CROP, 640, 480)).toEqual({ x: 176, y: 96, size: 288 });
    expect(cropRectPx(DEFAULT_CROP, 480, 640)).toEqual({ x: 96, y: 176, size: 288 });
  });

  it('moves with a drag and stops at the image border', () => {
    const moved = moveCrop(DEFAULT_CROP, 100, -20, 640, 480);
    expect(cropRectPx(moved, 640, 480)).toEqual({ x: 276, y: 76, size: 288 });
    const far = moveCrop(DEFAULT_CROP, 5000, 5000, 640, 480);
    expect(cropRectPx(far, 640, 480)).toEqual({ x: 352, y: 192, size: 288 });
  });

  it('resizes from the corner keeping the top-left corner, within the image', () => {
    const bigger = resizeCrop(DEFAULT_CROP, 40, 10, 640, 480);
    expect(cropRectPx(bigger, 640, 480)).toEqual({ x: 176, y: 96, size: 328 });
    const huge = resizeCrop(DEFAULT_CROP, 1000, 1000, 640, 480);
    expect(cropRectPx(huge, 640, 480)).toEqual({ x: 176, y: 96, size: 384 });
    const tiny = resizeCrop(DEFAULT_CROP, -1000, -1000, 640, 480);
    expect(cropRectPx(tiny, 640, 480).size).toBe(24);
  });

  it('clamps a square that no longer fits after a change of resolution', () => {
    const c = clampCrop({ cx: 0.95, cy: 0.5, size: 1.2 }, 1280, 720);
    expect(c.size).toBe(1);
    expect(cropRectPx(c, 1280, 720)).toEqual({ x: 560, y: 0, size: 720 });
  });

  it('the ring returns the crop of a frame id and forgets old ones', () => {
    const ring = new CropRing<string>(3);
    for (let i = 1; i <= 5; i++) ring.put(i, `crop ${i}`);
    expect(ring.get(5)).toBe('crop 5');
    expect(ring.get(3)).toBe('crop 3');
    expect(ring.get(2)).toBeNull();
  });
});
