// The fuzz harness: runs each format's cases in worker processes (a time bound per case, a heap
// cap and a resident-size cap per worker), restarts a worker after a crash, a timeout or a memory
// overrun, and sums the outcomes per format.
import { fork } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTCOME_KINDS, type OutcomeKind } from './outcome';
import type { CaseResult, WorkerJob, WorkerMessage } from './protocol';

const here = dirname(fileURLToPath(import.meta.url));

export interface FuzzOptions {
  formats: string[];
  /** Cases per format. */
  cases: number;
  seed: number;
  /** Worker processes at a time. */
  jobs: number;
  /** Time bound per case. */
  timeoutMs: number;
  /** The workers' V8 heap limit (--max-old-space-size). */
  heapMb: number;
  /** Peak resident size past which a case counts as a memory failure. */
  rssCapMb: number;
  /** Cases a worker runs before the harness starts a fresh one. */
  casesPerWorker?: number;
  onCase?: (format: string, r: CaseResult) => void;
}

export interface FormatReport {
  cases: number;
  outcomes: Record<OutcomeKind, number>;
  slowest: { index: number; ms: number; how: string } | null;
  peakRss: { mb: number; index: number } | null;
  /** Cases that did not end in a load or a clear refusal (the first 20). */
  failures: { index: number; kind: OutcomeKind; how: string; message: string }[];
  /** A few refusals, to show what users read. */
  sampleRefusals: string[];
}

export interface FuzzReport {
  seed: number;
  casesPerFormat: number;
  timeoutMs: number;
  heapMb: number;
  rssCapMb: number;
  seconds: number;
  formats: Record<string, FormatReport>;
}

const WORKER = resolve(here, 'worker.ts');

function emptyReport(): FormatReport {
  return {
    cases: 0,
    outcomes: Object.fromEntries(OUTCOME_KINDS.map((k) => [k, 0])) as Record<OutcomeKind, number>,
    slowest: null,
    peakRss: null,
    failures: [],
    sampleRefusals: [],
  };
}

function record(rep: FormatReport, r: CaseResult): void {
  rep.cases++;
  rep.outcomes[r.kind]++;
  if (r.kind !== 'timeout' && (!rep.slowest || r.ms > rep.slowest.ms)) rep.slowest = { index: r.index, ms: Math.round(r.ms), how: r.how };
  if (!rep.peakRss || r.peakMb > rep.peakRss.mb) rep.peakRss = { mb: Math.round(r.peakMb), index: r.index };
  if (r.kind !== 'loaded' && r.kind !== 'refused' && rep.failures.length < 20) {
    rep.failures.push({ index: r.index, kind: r.kind, how: r.how, message: r.message.slice(0, 400) });
  }
  if (r.kind === 'refused' && rep.sampleRefusals.length < 5 && !rep.sampleRefusals.includes(r.message)) rep.sampleRefusals.push(r.message.slice(0, 300));
}

/** Runs one job in a worker; resolves with the part of it left to run when the worker had to stop. */
function runWorker(job: WorkerJob, opts: FuzzOptions, onResult: (r: CaseResult) => void): Promise<WorkerJob | null> {
  return new Promise((done, fail) => {
    const child = fork(WORKER, [], {
      cwd: resolve(here, '../..'),
      execArgv: ['--import', 'tsx', `--max-old-space-size=${opts.heapMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    let current: { index: number; how: string; started: number } | null = null;
    let lastIndex = job.from - 1;
    let ended: CaseResult | null = null;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'start') {
        current = { index: m.index, how: m.how, started: performance.now() };
        timer = setTimeout(() => {
          ended = { index: m.index, kind: 'timeout', message: `no end after ${opts.timeoutMs} ms`, how: m.how, ms: opts.timeoutMs, peakMb: 0 };
          child.kill('SIGKILL');
        }, opts.timeoutMs);
      } else if (m.type === 'done') {
        clearTimeout(timer);
        current = null;
        lastIndex = m.result.index;
        onResult(m.result);
      } else if (m.type === 'finished') finished = true;
      else if (m.type === 'failed') {
        child.kill();
        fail(new Error(`fuzz worker for ${job.format} failed: ${m.error}`));
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (finished && code === 0) return done(null);
      const inFlight = current as { index: number; how: string; started: number } | null;
      if (inFlight) {
        const heap = /heap out of memory|Allocation failed/i.test(stderr);
        const result: CaseResult = ended ?? {
          index: inFlight.index,
          kind: heap ? 'memory' : 'crash',
          message: `worker ended (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`.slice(0, 400),
          how: inFlight.how,
          ms: performance.now() - inFlight.started,
          peakMb: 0,
        };
        onResult(result);
        lastIndex = inFlight.index;
      }
      const next = lastIndex + 1;
      if (next >= job.to) return done(null);
      if (!inFlight && lastIndex < job.from) return fail(new Error(`fuzz worker for ${job.format} exited (${signal ?? code}) before its first case: ${stderr.slice(-1000)}`));
      done({ ...job, from: next });
    });
    child.send(job);
  });
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const per = opts.casesPerWorker ?? 500;
  const queue: WorkerJob[] = [];
  for (const format of opts.formats) {
    for (let from = 0; from < opts.cases; from += per) queue.push({ format, seed: opts.seed, from, to: Math.min(opts.cases, from + per), rssCapMb: opts.rssCapMb });
  }
  const formats: Record<string, FormatReport> = Object.fromEntries(opts.formats.map((f) => [f, emptyReport()]));
  const lane = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      let rest: WorkerJob | null = job;
      const format = job.format;
      while (rest) {
        rest = await runWorker(rest, opts, (r) => {
          record(formats[format], r);
          opts.onCase?.(format, r);
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, lane));
  return {
    seed: opts.seed,
    casesPerFormat: opts.cases,
    timeoutMs: opts.timeoutMs,
    heapMb: opts.heapMb,
    rssCapMb: opts.rssCapMb,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    formats,
  };
}
