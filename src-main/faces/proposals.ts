// P-Net's output for one pyramid level → candidate boxes. P-Net slides a 12-pixel window with a
// stride of 2 over the scaled picture; its maps are transposed like its input (first spatial axis x).
import type { Box } from './boxes';
import { CELL } from './pyramid';

const STRIDE = 2;

export interface PnetMaps {
  /** Face probability per window, sx × sy (x-major). */
  prob: Float32Array;
  /** dx1, dy1, dx2, dy2 planes, each sx × sy. */
  reg: Float32Array;
  sx: number;
  sy: number;
}

/**
 * The windows whose face probability reaches `threshold`, as boxes in picture pixels. `scaleX` /
 * `scaleY` are the level's size over the picture's size.
 */
export function proposals(maps: PnetMaps, scaleX: number, scaleY: number, threshold: number): Box[] {
  const { prob, reg, sx, sy } = maps;
  const plane = sx * sy;
  const out: Box[] = [];
  for (let i = 0; i < sx; i++) {
    for (let j = 0; j < sy; j++) {
      const k = i * sy + j;
      const score = prob[k];
      if (!(score >= threshold)) continue;
      out.push({
        x1: (STRIDE * i) / scaleX,
        y1: (STRIDE * j) / scaleY,
        x2: (STRIDE * i + CELL) / scaleX,
        y2: (STRIDE * j + CELL) / scaleY,
        score,
        reg: [reg[k], reg[plane + k], reg[2 * plane + k], reg[3 * plane + k]],
      });
    }
  }
  return out;
}
