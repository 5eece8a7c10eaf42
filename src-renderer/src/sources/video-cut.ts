// The crop cut from the camera's video frame instead of from the video element. Drawing a video
// element on a 2D canvas makes Chromium convert the whole camera frame from YUV to RGB before it cuts
// the crop out of it; a WebCodecs VideoFrame narrowed to the crop's rectangle (a view of the same
// frame, nothing copied) is converted only there. Drawn on the same canvas with the same smoothing,
// it gives the same kind of picture: for a 112-px crop of a 640×480 camera in Chromium here, 0.9–1.0
// ms per crop instead of 2.6 (median, draw and read-back). The frame is the one the camera handed over
// as it was captured (camera/frame-stream.ts), or else the video element's current one. Where
// WebCodecs or the frame cannot be used, the video element is drawn as before.
import type { CutFrom } from '../trace/frame-trace';
import type { Cutter, PictureRect, Size } from './frame-pump';

/** A cutter that also says how it read the crop. */
export type CropCutter = (element: CanvasImageSource, rect: PictureRect, out: Size) => { rgba: Uint8Array; from: CutFrom };

/** Chroma subsampling of the pixel formats whose frames can be narrowed: the rectangle must fall on whole chroma samples. */
const SUBSAMPLING: Record<string, [number, number]> = {
  I420: [2, 2],
  I420A: [2, 2],
  I420P10: [2, 2],
  I420P12: [2, 2],
  NV12: [2, 2],
  I422: [2, 1],
  I422P10: [2, 1],
  I422P12: [2, 1],
  I444: [1, 1],
  I444P10: [1, 1],
  I444P12: [1, 1],
  RGBA: [1, 1],
  RGBX: [1, 1],
  BGRA: [1, 1],
  BGRX: [1, 1],
};

/**
 * The rectangle grown outwards to whole samples of a picture subsampled ax × ay (at most ax − 1 and
 * ay − 1 pixels more), kept inside the w × h picture; an odd-sized picture loses its last row or column.
 */
export function alignRect(r: PictureRect, ax: number, ay: number, w: number, h: number): PictureRect {
  const snap = (lo: number, len: number, a: number, max: number): [number, number] => {
    const top = Math.max(a, Math.floor(max / a) * a);
    let s = Math.max(0, Math.floor(Math.round(lo) / a) * a);
    let e = Math.min(top, Math.ceil(Math.round(lo + len) / a) * a);
    if (e - s < a) {
      // A sliver: one whole sample, inside the picture.
      s = Math.max(0, Math.min(s, top - a));
      e = s + a;
    }
    return [s, e - s];
  };
  const [x, width] = snap(r.x, r.width, ax, w);
  const [y, height] = snap(r.y, r.height, ay, h);
  return { x, y, width, height };
}

/** Cuts the crop from the video frame where it can, else with `canvas` (which also draws the narrowed frame). */
export function videoFrameCutter(canvas: Cutter): CropCutter {
  /** Why the video frame cannot be used, once found; from then on the canvas draws the element. */
  let off: string | null = null;
  const giveUp = (why: string) => {
    if (off === null) console.warn(`ConvScope: the crop is cut from the whole video picture: ${why}`);
    off = why;
  };
  const fallback: CropCutter = (element, rect, out) => ({ rgba: canvas(element, rect, out), from: 'canvas' });
  return (element, rect, out) => {
    if (off !== null || typeof VideoFrame === 'undefined') return fallback(element, rect, out);
    // A camera frame handed over by the source (its owner closes it), or the video element's current one.
    const given = element instanceof VideoFrame;
    if (!given && (typeof HTMLVideoElement === 'undefined' || !(element instanceof HTMLVideoElement))) return fallback(element, rect, out);
    let whole: VideoFrame;
    try {
      whole = given ? element : new VideoFrame(element);
    } catch {
      return fallback(element, rect, out); // no picture yet
    }
    const from: CutFrom = given ? 'camera frame' : 'video frame';
    try {
      const vis = whole.visibleRect;
      const sub = SUBSAMPLING[whole.format ?? ''];
      const rotation = (whole as { rotation?: number }).rotation ?? 0;
      // The crop's rectangle is in the picture as the page shows it; a frame scaled or rotated for display is not narrowed.
      if (!vis || !sub || rotation !== 0 || whole.displayWidth !== vis.width || whole.displayHeight !== vis.height) {
        giveUp(`its frames are ${whole.format ?? 'in a format the page cannot read'}${rotation ? `, rotated ${rotation}°` : ''}${vis && whole.displayWidth !== vis.width ? ', scaled for display' : ''}`);
        return fallback(element, rect, out);
      }
      const r = alignRect(rect, sub[0], sub[1], vis.width, vis.height);
      let part: VideoFrame;
      try {
        part = new VideoFrame(whole, { visibleRect: { x: vis.x + r.x, y: vis.y + r.y, width: r.width, height: r.height } });
      } catch (e) {
        giveUp(e instanceof Error ? e.message : String(e));
        return fallback(element, rect, out);
      }
      try {
        return { rgba: canvas(part, { x: 0, y: 0, width: r.width, height: r.height }, out), from };
      } finally {
        part.close();
      }
    } finally {
      if (!given) whole.close();
    }
  };
}
