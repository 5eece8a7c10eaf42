// Small per-frame helpers of the probability bars and the crop view.

/** Classes shown by default: all up to 20, else the top 10. */
export function defaultTopK(classes: number): number {
  return classes <= 20 ? classes : 10;
}

/** Class indices of the K most probable classes, most probable first (ties: lower index first). */
export function topClasses(probs: ArrayLike<number>, k: number): number[] {
  // Insertion into a short sorted list: O(classes · K), no per-frame sort of every class.
  const top: number[] = [];
  if (k <= 0) return top;
  for (let c = 0; c < probs.length; c++) {
    const p = probs[c];
    if (top.length === k && !(p > probs[top[k - 1]])) continue;
    let i = top.length < k ? top.length : k - 1;
    while (i > 0 && p > probs[top[i - 1]]) i--;
    top.splice(i, 0, c);
    if (top.length > k) top.pop();
  }
  return top;
}

/**
 * RGBA bytes of a c × h × w display tensor: one channel as gray, three as an RGB composite.
 * `order` is the tensor's channel order (a 'bgr' tensor holds blue first).
 */
export function tensorToRgba(c: number, h: number, w: number, data: Uint8Array, order: 'gray' | 'rgb' | 'bgr', out: Uint8Array): void {
  const plane = h * w;
  const [ri, gi, bi] = c >= 3 ? (order === 'bgr' ? [2, 1, 0] : [0, 1, 2]) : [0, 0, 0];
  for (let i = 0; i < plane; i++) {
    out[i * 4] = data[ri * plane + i];
    out[i * 4 + 1] = data[gi * plane + i];
    out[i * 4 + 2] = data[bi * plane + i];
    out[i * 4 + 3] = 255;
  }
}
