// Progress of long steps (converting a large model) on stderr, so stdout keeps only the result.
import type { ProgressFn } from '../importers/types';

/** A rewritten line on a terminal, a line per 10 % otherwise (logs, CI). */
export function stderrProgress(task: string): ProgressFn {
  let lastStep = -1;
  const tty = process.stderr.isTTY;
  return (f, detail) => {
    const pct = Math.round(f * 100);
    if (tty) {
      process.stderr.write(`\r${task}: ${pct}% ${detail ?? ''}`.padEnd(78).slice(0, 78) + (f >= 1 ? '\n' : ''));
      return;
    }
    const step = Math.floor(pct / 10);
    if (step !== lastStep) {
      lastStep = step;
      process.stderr.write(`${task}: ${pct}%${detail ? ` ${detail}` : ''}\n`);
    }
  };
}
