// The crop square that follows a face: each result's largest face gives a target square (centred
// on the face, a margin around it, inside the picture), and the square moves part of the way there
// so that detection noise does not make it jitter. A face far from the square (another person, a
// jump) is taken at once instead of being slid to.
import type { FaceBox } from '../../../src-shared/contract';
import { clampCrop, type CropSquare } from './crop';

/** Side of the square as a multiple of the face box: face classifiers are trained on loose crops. */
export const DEFAULT_MARGIN = 1.6;
/** Share of the way the square stays behind per result (0 jumps at once). */
export const DEFAULT_SMOOTHING = 0.5;

export interface FollowSettings {
  margin: number;
  smoothing: number;
}

/** The square centred on the face, its side `margin` × the box's longer side, kept inside the picture. */
export function squareAround(face: FaceBox, margin: number, width: number, height: number): CropSquare {
  const side = margin * Math.max(face.w * width, face.h * height);
  return clampCrop({ cx: face.x + face.w / 2, cy: face.y + face.h / 2, size: side / Math.min(width, height) }, width, height);
}

/**
 * One step from `from` towards `to`: the square keeps `smoothing` of the remaining way for later.
 * When the target's centre is more than its own side away, or its size differs more than twice,
 * the square snaps to it.
 */
export function followStep(from: CropSquare, to: CropSquare, smoothing: number, width: number, height: number): CropSquare {
  const short = Math.min(width, height);
  const distance = Math.hypot((to.cx - from.cx) * width, (to.cy - from.cy) * height);
  const far = distance > to.size * short || to.size > 2 * from.size || to.size < from.size / 2;
  const s = Math.min(0.99, Math.max(0, smoothing));
  if (far || s === 0) return to;
  const k = 1 - s;
  return clampCrop({ cx: from.cx + k * (to.cx - from.cx), cy: from.cy + k * (to.cy - from.cy), size: from.size + k * (to.size - from.size) }, width, height);
}

/** What the follower made of one result. */
export type FollowOutcome =
  /** A face: the square's next place (the faces are largest first). */
  | { kind: 'face'; crop: CropSquare; faces: FaceBox[] }
  /** The frame was searched and held no face: the square stays. */
  | { kind: 'none' }
  /** The result is older than one already used, or was not searched for faces: nothing changes. */
  | { kind: 'skip' };

/** Keeps to the newest result: results come back for earlier frames and may overtake each other. */
export class FaceFollower {
  private newest = 0;

  update(
    result: { id: number; faces?: FaceBox[] },
    current: CropSquare,
    picture: { width: number; height: number },
    settings: FollowSettings,
  ): FollowOutcome {
    if (!result.faces || result.id <= this.newest) return { kind: 'skip' };
    this.newest = result.id;
    const face = largest(result.faces);
    if (!face || !(picture.width > 0 && picture.height > 0)) return { kind: 'none' };
    const target = squareAround(face, settings.margin, picture.width, picture.height);
    return { kind: 'face', crop: followStep(current, target, settings.smoothing, picture.width, picture.height), faces: result.faces };
  }
}

/** The largest face by area (the finder sends them largest first; this does not rely on it). */
function largest(faces: FaceBox[]): FaceBox | null {
  let best: FaceBox | null = null;
  for (const f of faces) if (!best || f.w * f.h > best.w * best.h) best = f;
  return best;
}
