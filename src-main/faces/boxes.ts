// Face candidate boxes and the geometry MTCNN applies to them. Coordinates are continuous pixels of
// the picture: pixel k covers [k, k + 1), so a box's width is simply x2 − x1.

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  /** The network's regression for this box: dx1, dy1, dx2, dy2 as fractions of its width / height. */
  reg: [number, number, number, number];
}

export const boxArea = (b: Box): number => Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);

/** Intersection over union of two boxes (0 when either is empty). */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

/** The box moved by its regression: each edge shifts by its offset times the box's width or height. */
export function regressed(b: Box): Box {
  const w = b.x2 - b.x1;
  const h = b.y2 - b.y1;
  const [dx1, dy1, dx2, dy2] = b.reg;
  return { ...b, x1: b.x1 + dx1 * w, y1: b.y1 + dy1 * h, x2: b.x2 + dx2 * w, y2: b.y2 + dy2 * h };
}

/** The square with the same centre whose side is the box's longer side (the next network's input is square). */
export function squared(b: Box): Box {
  const w = b.x2 - b.x1;
  const h = b.y2 - b.y1;
  const side = Math.max(w, h);
  const x1 = b.x1 + (w - side) / 2;
  const y1 = b.y1 + (h - side) / 2;
  return { ...b, x1, y1, x2: x1 + side, y2: y1 + side };
}
