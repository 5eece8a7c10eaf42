// The fuzz harness's quick subset: every format we read, 50 mutated or crafted cases each with a
// fixed seed, each in a worker process with a time bound and memory caps. Every case must end in a
// loaded model (or picture, frame, request) or a clear refusal naming the file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCase } from './cases';
import { runFuzz } from './harness';
import { classifyError } from './outcome';
import { FUZZ_TARGETS, fuzzTarget } from './targets';

describe('fuzz cases', () => {
  it('are the same for the same seed and index, and differ between indices', async () => {
    const target = fuzzTarget('caffemodel');
    const seeds = await target.seeds();
    const a = makeCase(target, seeds, 7, 3);
    const b = makeCase(target, seeds, 7, 3);
    expect(b.how).toBe(a.how);
    expect(Buffer.from(b.files['weights.caffemodel']).equals(Buffer.from(a.files['weights.caffemodel']))).toBe(true);
    const hows = new Set(Array.from({ length: 20 }, (_, i) => makeCase(target, seeds, 7, i).how));
    expect(hows.size).toBeGreaterThan(15);
  });

  it('count a refusal as clear only when it is our own message naming the file', () => {
    expect(classifyError(new Error('/x/net.prototxt:3:1: expected a field name'), ['net.prototxt'], true).kind).toBe('refused');
    expect(classifyError(new Error('expected a field name'), ['net.prototxt'], true).kind).toBe('unclear');
    expect(classifyError(new RangeError('Invalid typed array length: -4'), ['net.prototxt'], true).kind).toBe('unclear');
    expect(classifyError(new Error('net.prototxt: Maximum call stack size exceeded'), ['net.prototxt'], true).kind).toBe('unclear');
    expect(classifyError(new Error('request 1: unknown request type'), [], false).kind).toBe('refused');
  });
});

describe('fuzz harness, quick subset', () => {
  it('ends every case of every format in a load or a clear refusal, in time and bounded memory', async () => {
    const formats = FUZZ_TARGETS.map((t) => t.format);
    const report = await runFuzz({ formats, cases: 50, seed: 2026, jobs: 2, timeoutMs: 10_000, heapMb: 1024, rssCapMb: 2048 });
    for (const format of formats) {
      const r = report.formats[format];
      expect(r.cases, format).toBe(50);
      expect(r.outcomes.loaded + r.outcomes.refused, `${format}: ${JSON.stringify(r.failures, null, 1)}`).toBe(50);
    }
    // Mutations must reach past the first check: some cases of every model format still load.
    for (const format of ['onnx', 'caffemodel', 'binaryproto', 'keras-h5', 'tfjs', 'manifest']) expect(report.formats[format].outcomes.loaded, format).toBeGreaterThan(0);
  }, 300_000);
});

describe('fuzz cases that once hung', () => {
  // Mutated Keras .h5 files (seed 1; one of each kind of mutation among the 11 of 2,000 that hung)
  // whose damaged global heap made the HDF5 library loop forever while reading model_config. Each
  // replays in its own process, which a time bound can end.
  const HUNG = [41, 110, 711, 1022];
  it('end in a refusal naming the file and the damaged heap, within 20 s each', () => {
    const main = join(__dirname, 'main.ts');
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-hung-'));
    try {
      for (const index of HUNG) {
        const args = ['--import', 'tsx', main, '--format', 'keras-h5', '--seed', '1', '--case', String(index)];
        const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 20_000, env: { ...process.env, TMPDIR: dir } });
        expect(run.signal, `case ${index}`).toBeNull();
        expect(run.stdout, `case ${index}`).toMatch(/^refused in \d+ ms: model\.h5: damaged global heap at byte \d+/m);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
