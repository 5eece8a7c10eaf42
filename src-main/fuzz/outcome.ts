// How a case ended, and whether a refusal is one the user can act on: a message of our own that
// names the file, not an internal JavaScript error leaking out.
export type OutcomeKind = 'loaded' | 'refused' | 'unclear' | 'crash' | 'timeout' | 'memory';

export const OUTCOME_KINDS: readonly OutcomeKind[] = ['loaded', 'refused', 'unclear', 'crash', 'timeout', 'memory'];

/** Messages of errors the code did not mean to throw. */
const INTERNAL = /Maximum call stack|Invalid typed array length|Invalid array length|Array buffer allocation failed|Cannot read propert|is not a function|is not iterable|out of memory|offset is out of bounds/i;

export function classifyError(e: unknown, fileNames: string[], namesFile: boolean): { kind: OutcomeKind; message: string } {
  const message = e instanceof Error ? e.message : String(e);
  const leaked = e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || INTERNAL.test(message) || message.trim() === '';
  if (leaked) return { kind: 'unclear', message };
  if (namesFile && !fileNames.some((n) => message.includes(n))) return { kind: 'unclear', message };
  return { kind: 'refused', message };
}
