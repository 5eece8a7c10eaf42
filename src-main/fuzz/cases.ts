// Case `index` of a run: the same seed, format and index always give the same files. One in five
// cases is structure-aware (crafted); the rest stack one to three blind mutations on a seed file.
import { caseSeed, Random } from './random';
import { withFile, type FuzzCase, type FuzzTarget, type Seed } from './target';

export function makeCase(target: FuzzTarget, seeds: Seed[], seed: number, index: number): FuzzCase {
  const r = new Random(caseSeed(seed, target.format, index));
  const base = r.pick(seeds);
  if (target.crafted.length > 0 && r.int(5) === 0) return r.pick(target.crafted)(r, base);
  let bytes = base.files[base.mutable];
  const how: string[] = [];
  const rounds = 1 + r.int(3);
  for (let i = 0; i < rounds; i++) {
    const m = target.mutate(r, bytes);
    bytes = m.bytes;
    how.push(m.how);
  }
  return withFile(base, bytes, `${base.mutable}: ${how.join(', ')}`);
}
