import { describe, expect, it } from 'vitest';
import type { Cutter } from './frame-pump';
import { alignRect, videoFrameCutter } from './video-cut';

describe('crop from the video frame', () => {
  it('grows the rectangle to whole chroma samples, inside the picture', () => {
    expect(alignRect({ x: 177, y: 97, width: 287, height: 287 }, 2, 2, 640, 480)).toEqual({ x: 176, y: 96, width: 288, height: 288 });
    expect(alignRect({ x: 176.4, y: 95.6, width: 288, height: 288 }, 2, 2, 640, 480)).toEqual({ x: 176, y: 96, width: 288, height: 288 });
    // At the far edge of an odd-sized picture: the last column and row cannot be a whole sample.
    expect(alignRect({ x: 630, y: 470, width: 11, height: 11 }, 2, 2, 641, 481)).toEqual({ x: 630, y: 470, width: 10, height: 10 });
    expect(alignRect({ x: 639, y: 0, width: 1, height: 1 }, 2, 2, 640, 480)).toEqual({ x: 638, y: 0, width: 2, height: 2 });
    expect(alignRect({ x: 3, y: 3, width: 5, height: 5 }, 1, 1, 640, 480)).toEqual({ x: 3, y: 3, width: 5, height: 5 });
    expect(alignRect({ x: 3, y: 3, width: 5, height: 5 }, 2, 1, 640, 480)).toEqual({ x: 2, y: 3, width: 6, height: 5 });
  });

  it('draws anything that is not a video with the canvas, and says so', () => {
    const calls: unknown[] = [];
    const canvas: Cutter = (el, rect, out) => {
      calls.push([el, rect, out]);
      return new Uint8Array(out.width * out.height * 4);
    };
    const cut = videoFrameCutter(canvas);
    const image = {} as HTMLImageElement;
    const got = cut(image, { x: 1, y: 2, width: 30, height: 30 }, { width: 4, height: 4 });
    expect(got.from).toBe('canvas');
    expect(got.rgba).toHaveLength(64);
    expect(calls).toEqual([[image, { x: 1, y: 2, width: 30, height: 30 }, { width: 4, height: 4 }]]);
  });
});
