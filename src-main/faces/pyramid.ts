// The image pyramid P-Net scans. P-Net sees faces of 12 px; a face of `minFacePx` pixels needs the
// picture scaled by 12 / minFacePx, and each further level shrinks by FACTOR (√½ ≈ 0.709, the MTCNN
// value) until the shorter side would drop below 12 px.

/** P-Net's window (its nominal input size). */
export const CELL = 12;
/** Scale step between pyramid levels. */
export const FACTOR = 0.709;

/**
 * The scales of the pyramid, largest first, for a picture of `width` × `height` where the smallest
 * face looked for is `minFacePx` pixels. Faces smaller than a cell are not looked for (the picture
 * is never enlarged), so the first scale is at most 1.
 */
export function pyramidScales(width: number, height: number, minFacePx: number): number[] {
  const first = CELL / Math.max(CELL, minFacePx);
  const scales: number[] = [];
  for (let s = first; Math.min(width, height) * s >= CELL; s *= FACTOR) scales.push(s);
  return scales;
}
