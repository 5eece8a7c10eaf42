// Bounds on what a model file may declare, checked before anything proportional to a declared size
// is made (labels, tensors, buffers): a 141-byte file must not be able to ask for gigabytes.
// Learned weights are further checked against the bytes the file actually holds.

/** Most values one tensor may hold at the model's nominal input size (512 MiB of float32). */
export const MAX_TENSOR_VALUES = 2 ** 27;
/** Most dimensions a tensor may have (Caffe's own limit on blob axes). */
export const MAX_RANK = 32;
/**
 * Most layers a converted model may have. Real nets have hundreds; past this, onnxruntime alone
 * takes many seconds to open a graph with every layer exposed, and no one can read the panels.
 */
export const MAX_LAYERS = 10_000;
/** Most classes for which an importer proposes the labels '0'…'N−1'. */
export const MAX_PROPOSED_LABELS = 100_000;

/** Why `shape` cannot be a tensor ConvScope runs ("has dimension -3 …"), or null when it can. */
export function shapeProblem(shape: readonly number[]): string | null {
  if (shape.length > MAX_RANK) return `has ${shape.length} dimensions (at most ${MAX_RANK})`;
  let values = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d <= 0) return `has dimension ${d} (dimensions are positive whole numbers)`;
    values *= d;
  }
  if (values > MAX_TENSOR_VALUES) return `holds ${values} values (at most ${MAX_TENSOR_VALUES}, 512 MiB of float32, per tensor)`;
  return null;
}

/** The labels '0'…'N−1' for `classes` outputs, or undefined when there are too many to list. */
export function proposedLabels(classes: number): string[] | undefined {
  if (!Number.isSafeInteger(classes) || classes <= 0 || classes > MAX_PROPOSED_LABELS) return undefined;
  return Array.from({ length: classes }, (_, i) => String(i));
}
