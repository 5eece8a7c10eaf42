// A fuzz worker (a child process of the harness): runs a range of cases of one format and reports
// each as it starts and ends, so that the harness can time it out or see it crash. Memory is
// capped by the harness's --max-old-space-size and, for memory outside the heap, by `rssCapMb`:
// a case that pushes the peak resident size past it is reported and the worker exits.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCase } from './cases';
import { classifyError } from './outcome';
import type { CaseResult, WorkerJob, WorkerMessage } from './protocol';
import { fuzzTarget } from './targets';

const send = (m: WorkerMessage) => process.send?.(m);
const peakMb = () => process.resourceUsage().maxRSS / 1024;

async function runJob(job: WorkerJob): Promise<void> {
  const target = fuzzTarget(job.format);
  const seeds = await target.seeds();
  const root = mkdtempSync(join(tmpdir(), 'convscope-fuzz-'));
  let overrun = false;
  try {
    for (let index = job.from; index < job.to; index++) {
      const c = makeCase(target, seeds, job.seed, index);
      send({ type: 'start', index, how: c.how });
      const dir = join(root, String(index));
      mkdirSync(dir);
      for (const [name, bytes] of Object.entries(c.files)) writeFileSync(join(dir, name), bytes);
      const started = performance.now();
      let result: Pick<CaseResult, 'kind' | 'message'>;
      try {
        await target.open(dir, c.files);
        result = { kind: 'loaded', message: '' };
      } catch (e) {
        result = classifyError(e, Object.keys(c.files), target.namesFile);
      }
      const ms = performance.now() - started;
      rmSync(dir, { recursive: true, force: true });
      const peak = peakMb();
      const over = peak > job.rssCapMb;
      send({ type: 'done', result: { index, how: c.how, ms, peakMb: peak, ...(over ? { kind: 'memory', message: `peak RSS ${peak.toFixed(0)} MB` } : result) } });
      // A fresh worker runs the rest: this one's peak cannot go down again.
      if (over) {
        overrun = true;
        break;
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  if (!overrun) send({ type: 'finished' });
}

process.on('message', (job: WorkerJob) => {
  runJob(job).then(
    () => process.exit(0),
    (e: unknown) => {
      send({ type: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      process.exit(1);
    },
  );
});
