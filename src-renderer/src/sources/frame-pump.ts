// From pictures to frames: whenever the source has a new picture, cut the crop square out of it,
// scale it to the size the engine wants and send it. The crop of every sent frame is kept briefly so
// the crop view can show exactly the image whose result is on screen. While the crop follows faces,
// the whole picture travels too, scaled down, for the face finder.
import type { DetectImage, FaceFinderSettings, FrameMessage } from '../../../src-shared/contract';
import { wallNow } from '../../../src-shared/clock';
import { RateWindow } from '../scene/perf';
import { frameTrace } from '../trace/frame-trace';
import { CropRing, cropRectPx, type CropSquare } from './crop';
import type { CropImage, PictureInfo, PictureSource } from './types';
import { videoFrameCutter, type CropCutter } from './video-cut';

export interface Size {
  width: number;
  height: number;
}

/** A rectangle of the picture, in its pixels. */
export interface PictureRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Draws the rectangle `rect` of `element` scaled to `out` and returns its RGBA bytes. */
export type Cutter = (element: CanvasImageSource, rect: PictureRect, out: Size) => Uint8Array;

/**
 * Longer side of the picture the face finder gets. MTCNN looks for faces down to 12 px at its
 * finest scale: at 320 px a face of 1/8 of a 4:3 picture's shorter side is still 30 px.
 */
export const DETECT_SIDE = 320;

/** The picture's size scaled so that its longer side is at most DETECT_SIDE (never enlarged). */
export function detectSize(width: number, height: number): Size {
  const k = Math.min(1, DETECT_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

/** The browser's 2D canvas as the cutter: smooth resampling, read back as RGBA. */
export function canvasCutter(): Cutter {
  let ctx: CanvasRenderingContext2D | null = null;
  return (element, r, out) => {
    if (!ctx) {
      ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('this browser cannot draw on a 2D canvas');
    }
    const canvas = ctx.canvas;
    if (canvas.width !== out.width || canvas.height !== out.height) {
      canvas.width = out.width;
      canvas.height = out.height;
    }
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'medium';
    ctx.drawImage(element, r.x, r.y, r.width, r.height, 0, 0, out.width, out.height);
    const pixels = ctx.getImageData(0, 0, out.width, out.height).data;
    return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  };
}

export interface FramePumpOptions {
  /** The crop square now (read for every picture). */
  crop: () => CropSquare;
  /** Size the engine wants, or null while no model is loaded. */
  outSize: () => Size | null;
  send: (frame: FrameMessage) => void;
  /** While true nothing is sent (frozen, or the link is busy); pictures are still counted. */
  paused: () => boolean;
  /**
   * Whether a frame that comes while paused is worth holding for `resume` (the link is busy, not the
   * picture frozen); by default it is.
   */
  holdWhilePaused?: () => boolean;
  /** The face finder's settings while the crop follows faces, else null: then no detect image is sent. */
  detect?: () => FaceFinderSettings | null;
  /** Cuts the crop and the face finder's picture (tests); by default the crop is cut from the camera's video frame where it can be (video-cut.ts). */
  cutter?: Cutter;
  now?: () => number;
}

export class FramePump {
  readonly crops = new CropRing<CropImage>(32);
  private source: PictureSource | null = null;
  private stopListening: (() => void) | null = null;
  private readonly cut: CropCutter;
  /** A cutter of its own for the detect image, so neither canvas changes size every frame. */
  private readonly cutWhole: Cutter;
  private readonly now: () => number;
  private nextId = 1;
  /** The newest frame that came while the link was busy, with when it came (see resume). */
  private held: { info: PictureInfo & { frame: VideoFrame }; at: number; wallAt: number } | null = null;
  /** The pictures of the last two seconds. */
  private readonly pictures = new RateWindow();
  /** The square in picture pixels, worked out again only when the crop or the picture size changes. */
  private rect = { crop: null as CropSquare | null, width: 0, height: 0, px: { x: 0, y: 0, size: 0 } };

  constructor(private readonly opts: FramePumpOptions) {
    const given = opts.cutter;
    this.cut = given ? (element, rect, out) => ({ rgba: given(element, rect, out), from: 'canvas' }) : videoFrameCutter(canvasCutter());
    this.cutWhole = given ?? canvasCutter();
    this.now = opts.now ?? (() => performance.now());
  }

  /** Takes pictures from `source` from now on (null: none). */
  use(source: PictureSource | null): void {
    if (source === this.source) return;
    this.release();
    this.stopListening?.();
    this.source = source;
    this.pictures.clear();
    this.stopListening = source ? source.onPicture((info) => this.capture(info)) : null;
  }

  /**
   * New pictures per second over the last two seconds, measured as "shown fps" measures drawn
   * results (RateWindow); 0 when fewer than two came in them.
   */
  get fps(): number {
    return this.pictures.rate(this.now());
  }

  /** Sends an earlier crop again as a new frame (a frozen picture re-run for new panels); returns its id. */
  resend(img: CropImage): number {
    const id = this.nextId++;
    this.crops.put(id, img);
    this.opts.send({ id, t: this.now(), width: img.width, height: img.height, rgba: img.rgba });
    return id;
  }

  /** A new picture: its crop is cut and sent, or, while the link is busy, its frame is held for when it is free. */
  private capture(info?: PictureInfo): void {
    const now = this.now();
    const wallStart = wallNow();
    // Counted by when the camera took them where that is known: frames the browser hands over in a
    // bunch (the stream's first ones, a busy page) still read at the camera's rate.
    this.pictures.mark(info?.takenAt ?? info?.capturedAt ?? now);
    if (!this.source || !this.opts.outSize()) return;
    if (this.opts.paused()) {
      if (info?.frame && (this.opts.holdWhilePaused?.() ?? true)) this.hold(info.frame, info, now, wallStart);
      return;
    }
    this.release(); // a newer picture than the one held
    this.cutAndSend(info, now, wallStart);
  }

  /**
   * The link has room again (a result came back): the frame held since it was busy is sent now instead
   * of waiting for the camera's next one, up to a camera interval later. Where the source has no
   * frames to hold (a video element's callbacks already come at the page's next rendering step) this
   * does nothing.
   */
  resume(): void {
    const h = this.held;
    if (!h || !this.source || !this.opts.outSize() || this.opts.paused()) return;
    this.held = null;
    try {
      this.cutAndSend(h.info, h.at, h.wallAt);
    } finally {
      h.info.frame.close();
    }
  }

  /** Keeps a copy of `frame` (the source closes its own), replacing the one held before. */
  private hold(frame: VideoFrame, info: PictureInfo, at: number, wallAt: number): void {
    let copy: VideoFrame;
    try {
      copy = frame.clone();
    } catch {
      return;
    }
    this.release();
    this.held = { info: { ...info, frame: copy }, at, wallAt };
  }

  private release(): void {
    this.held?.info.frame.close();
    this.held = null;
  }

  /** Cuts the crop out of the picture that came at `now`, scales it and sends it. */
  private cutAndSend(info: PictureInfo | undefined, now: number, wallStart: number): void {
    const source = this.source;
    const out = this.opts.outSize();
    if (!source || !out) return;
    const cutAt = wallNow();
    // The picture: the source's frame where it hands one over (its own size), else its element.
    const frame = info?.frame;
    const picture: CanvasImageSource = frame ?? source.element;
    const { width: pw, height: ph } = frame ? { width: frame.displayWidth, height: frame.displayHeight } : source.size();
    if (!(pw > 0 && ph > 0)) return;
    const rect = this.squareIn(pw, ph);
    const { rgba, from } = this.cut(picture, { x: rect.x, y: rect.y, width: rect.size, height: rect.size }, out);
    const id = this.nextId++;
    this.crops.put(id, { width: out.width, height: out.height, rgba, sourceSide: rect.size, from: source.kind });
    const finder = this.opts.detect?.();
    const detect = finder ? this.detectImage(picture, pw, ph, finder) : undefined;
    frameTrace.captured(id, wallStart, info?.capturedAt !== undefined ? now - info.capturedAt : null, from, cutAt);
    this.opts.send({ id, t: now, width: out.width, height: out.height, rgba, ...(detect ? { detect } : {}) });
  }

  /** The whole picture, scaled down, with the finder's settings. */
  private detectImage(element: CanvasImageSource, width: number, height: number, finder: FaceFinderSettings): DetectImage {
    const size = detectSize(width, height);
    const rgba = this.cutWhole(element, { x: 0, y: 0, width, height }, size);
    return { ...size, rgba, minFace: finder.minFace, thresholds: [finder.thresholds[0], finder.thresholds[1]] };
  }

  private squareIn(width: number, height: number): { x: number; y: number; size: number } {
    const crop = this.opts.crop();
    const r = this.rect;
    if (r.crop !== crop || r.width !== width || r.height !== height) {
      r.crop = crop;
      r.width = width;
      r.height = height;
      r.px = cropRectPx(crop, width, height);
    }
    return r.px;
  }
}
