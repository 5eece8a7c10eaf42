// `npm run fuzz -- [--format F[,G…]] [--cases N] [--seed S] [--jobs J] [--timeout MS] [--heap MB]
// [--rss MB] [--out report.json]`: runs the fuzz harness, prints the outcomes per format and writes
// the JSON report (default <tmp>/convscope-fuzz-report.json); exits 1 when any case did not end in
// a load or a clear refusal. `--format F --case N` replays one case here and prints how it ended.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCase } from './cases';
import { runFuzz, type FuzzReport } from './harness';
import { classifyError, OUTCOME_KINDS } from './outcome';
import { FUZZ_TARGETS, fuzzTarget } from './targets';

function parse(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}'`);
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else out.set(a.slice(2), argv[++i] ?? '');
  }
  return out;
}

function number(args: Map<string, string>, key: string, fallback: number): number {
  const v = args.get(key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${key} must be a non-negative number, got '${v}'`);
  return n;
}

async function replay(format: string, seed: number, index: number): Promise<void> {
  const target = fuzzTarget(format);
  const c = makeCase(target, await target.seeds(), seed, index);
  // The files stay for a look at them.
  const dir = mkdtempSync(join(tmpdir(), 'convscope-fuzz-case-'));
  for (const [name, bytes] of Object.entries(c.files)) writeFileSync(join(dir, name), bytes);
  console.log(`${format} case ${index} (seed ${seed}): ${c.how}\nfiles in ${dir}`);
  const started = performance.now();
  try {
    await target.open(dir, c.files);
    console.log(`loaded in ${(performance.now() - started).toFixed(0)} ms`);
  } catch (e) {
    const { kind, message } = classifyError(e, Object.keys(c.files), target.namesFile);
    console.log(`${kind} in ${(performance.now() - started).toFixed(0)} ms: ${message}`);
    if (kind === 'unclear' && e instanceof Error) console.log(e.stack);
  }
}

function table(report: FuzzReport): string {
  const rows = Object.entries(report.formats).map(([f, r]) =>
    [f, r.cases, ...OUTCOME_KINDS.map((k) => r.outcomes[k]), r.slowest ? `${r.slowest.ms} ms (#${r.slowest.index})` : '-', r.peakRss ? `${r.peakRss.mb} MB` : '-'].join(' | '),
  );
  return [`format | cases | ${OUTCOME_KINDS.join(' | ')} | slowest | peak RSS`, ...rows].join('\n');
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const seed = number(args, 'seed', 1);
  const formats = args.get('format')?.split(',') ?? FUZZ_TARGETS.map((t) => t.format);
  formats.forEach(fuzzTarget);
  if (args.has('case')) return replay(formats[0], seed, number(args, 'case', 0));
  const cases = number(args, 'cases', 2000);
  let done = 0;
  const report = await runFuzz({
    formats,
    cases,
    seed,
    jobs: number(args, 'jobs', 2),
    timeoutMs: number(args, 'timeout', 20_000),
    heapMb: number(args, 'heap', 1024),
    rssCapMb: number(args, 'rss', 2048),
    onCase: (format, r) => {
      if (r.kind !== 'loaded' && r.kind !== 'refused') process.stderr.write(`fuzz: ${format} case ${r.index} ${r.kind} (${r.how}): ${r.message}\n`);
      if (++done % 100 === 0) process.stderr.write(`fuzz: ${done} of ${cases * formats.length} cases\n`);
    },
  });
  const out = args.get('out') ?? join(tmpdir(), 'convscope-fuzz-report.json');
  writeFileSync(out, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`${table(report)}\n\nseed ${seed}, ${report.seconds} s; report: ${out}`);
  const bad = Object.values(report.formats).reduce((n, r) => n + r.cases - r.outcomes.loaded - r.outcomes.refused, 0);
  if (bad > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
