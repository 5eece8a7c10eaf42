// The crop square on the camera image, kept in fractions of the image so it survives a change of
// resolution: centre as fractions of width and height, size as a fraction of the shorter side.

export interface CropSquare {
  cx: number;
  cy: number;
  size: number;
}

/** Centred, 60 % of the shorter side. */
export const DEFAULT_CROP: CropSquare = { cx: 0.5, cy: 0.5, size: 0.6 };

/** Smallest square, as a fraction of the shorter side. */
export const MIN_CROP = 0.05;

/** Keeps the square whole and inside the image. */
export function clampCrop(c: CropSquare, vw: number, vh: number): CropSquare {
  const short = Math.min(vw, vh);
  if (!(short > 0)) return { ...c };
  const size = Math.min(1, Math.max(MIN_CROP, c.size));
  const s = size * short;
  const hx = s / 2 / vw;
  const hy = s / 2 / vh;
  return { cx: Math.min(1 - hx, Math.max(hx, c.cx)), cy: Math.min(1 - hy, Math.max(hy, c.cy)), size };
}

/** The square in image pixels (whole pixels, inside the image). */
export function cropRectPx(c: CropSquare, vw: number, vh: number): { x: number; y: number; size: number } {
  const k = clampCrop(c, vw, vh);
  const size = Math.max(1, Math.round(k.size * Math.min(vw, vh)));
  const x = Math.min(vw - size, Math.max(0, Math.round(k.cx * vw - size / 2)));
  const y = Math.min(vh - size, Math.max(0, Math.round(k.cy * vh - size / 2)));
  return { x, y, size };
}

/** Moves the square by a drag of (dx, dy) image pixels. */
export function moveCrop(c: CropSquare, dx: number, dy: number, vw: number, vh: number): CropSquare {
  return clampCrop({ ...c, cx: c.cx + dx / vw, cy: c.cy + dy / vh }, vw, vh);
}

/**
 * Resizes from the bottom-right corner by a drag of (dx, dy) image pixels: the top-left corner stays
 * where it is and the side follows the larger of the two movements.
 */
export function resizeCrop(c: CropSquare, dx: number, dy: number, vw: number, vh: number): CropSquare {
  const short = Math.min(vw, vh);
  const r = cropRectPx(c, vw, vh);
  const maxSide = Math.min(vw - r.x, vh - r.y);
  const side = Math.min(maxSide, Math.max(MIN_CROP * short, r.size + Math.max(dx, dy)));
  return clampCrop({ cx: (r.x + side / 2) / vw, cy: (r.y + side / 2) / vh, size: side / short }, vw, vh);
}

/** Remembers the crops sent with recent frames, so the crop view shows the one whose result is drawn. */
export class CropRing<T> {
  // A fixed ring: putting a crop allocates nothing and overwrites the oldest.
  private readonly ids: number[];
  private readonly values: (T | null)[];
  private next = 0;

  constructor(private readonly capacity = 16) {
    this.ids = new Array<number>(capacity).fill(-1);
    this.values = new Array<T | null>(capacity).fill(null);
  }

  put(id: number, value: T): void {
    this.ids[this.next] = id;
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
  }

  get(id: number): T | null {
    for (let i = 0; i < this.capacity; i++) if (this.ids[i] === id) return this.values[i];
    return null;
  }

  clear(): void {
    this.ids.fill(-1);
    this.values.fill(null);
  }
}
