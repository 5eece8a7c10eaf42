// The MNIST t10k test set from ../shared/data/mnist, read by the engine tests' helper.
import type { MnistSet } from '../../src-main/engine/testing/data';

export { loadMnistTest, type MnistSet } from '../../src-main/engine/testing/data';

/** The first test image of each class, in the order the classes first occur. */
export function firstOfEachClass(set: MnistSet): { index: number; label: number }[] {
  const seen = new Set<number>();
  const out: { index: number; label: number }[] = [];
  for (let i = 0; i < set.count && out.length < 10; i++) {
    const label = set.labels[i];
    if (!seen.has(label)) {
      seen.add(label);
      out.push({ index: i, label });
    }
  }
  return out;
}
