// Order of the sorted-neurons view: a fully connected layer's neurons ranked by the weight that
// connects each of them to one output class, and the mean activation of each displayed row.

/**
 * Neuron indices ordered by weights[classIndex · neurons + j], highest first (ties: lower index first).
 * `weights` is classes × neurons, row c = the weights from every neuron to class c.
 */
export function sortNeuronsByWeight(weights: Float32Array, classes: number, neurons: number, classIndex: number): Int32Array {
  if (weights.length !== classes * neurons) {
    throw new Error(`class weights: ${weights.length} values for ${classes} classes × ${neurons} neurons`);
  }
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= classes) {
    throw new RangeError(`class ${classIndex} is not one of the ${classes} classes`);
  }
  const row = weights.subarray(classIndex * neurons, (classIndex + 1) * neurons);
  const order = Array.from({ length: neurons }, (_, j) => j);
  order.sort((a, b) => row[b] - row[a] || a - b);
  return Int32Array.from(order);
}

/**
 * Mean of each row when `values` (already in display order) are laid out `cols` per row.
 * The last row may be partial; its mean is over the cells it has.
 */
export function rowMeans(values: ArrayLike<number>, cols: number, out?: Float32Array): Float32Array {
  const n = values.length;
  const rows = Math.ceil(n / cols);
  const res = out && out.length >= rows ? out : new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const end = Math.min(n, (r + 1) * cols);
    let s = 0;
    for (let i = r * cols; i < end; i++) s += values[i];
    res[r] = s / (end - r * cols);
  }
  return res;
}
