// Greedy non-maximum suppression: of boxes that overlap by more than a threshold, the best scoring stays.
import { iou, type Box } from './boxes';

/** The boxes kept, best score first; a box is dropped when its IoU with a kept one exceeds `threshold`. */
export function nms(boxes: readonly Box[], threshold: number): Box[] {
  const order = [...boxes].sort((a, b) => b.score - a.score);
  const kept: Box[] = [];
  for (const b of order) {
    if (kept.every((k) => iou(k, b) <= threshold)) kept.push(b);
  }
  return kept;
}
