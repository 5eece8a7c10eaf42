// Every format the harness fuzzes: the model formats, pictures, and the engine's messages.
import type { FuzzTarget } from '../target';
import { mediaTargets } from './media';
import { messageTargets } from './messages';
import { modelTargets } from './models';

export const FUZZ_TARGETS: FuzzTarget[] = [...modelTargets, ...mediaTargets, ...messageTargets];

export function fuzzTarget(format: string): FuzzTarget {
  const t = FUZZ_TARGETS.find((x) => x.format === format);
  if (!t) throw new Error(`unknown fuzz format '${format}' (one of ${FUZZ_TARGETS.map((x) => x.format).join(', ')})`);
  return t;
}
