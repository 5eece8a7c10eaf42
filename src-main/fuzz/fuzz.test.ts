// The fuzz harness's quick subset: every format we read, 50 mutated or crafted cases each with a
// fixed seed, each in a worker process with a time bound and memory caps. Every case must end in a
// loaded model (or picture, frame, request) or a clear refusal naming the file.
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
      // The HDF5 library (h5wasm, WebAssembly) can loop forever on some corrupt .h5 files, inside
      // one synchronous call nothing in the same thread can interrupt: the harness's time bound
      // ends those cases, and the engine's load watchdog does in the app. Nothing else may time out.
      const hangs = format === 'keras-h5' ? r.outcomes.timeout : 0;
      expect(r.outcomes.loaded + r.outcomes.refused + hangs, `${format}: ${JSON.stringify(r.failures, null, 1)}`).toBe(50);
      expect(hangs, format).toBeLessThan(3);
    }
    // Mutations must reach past the first check: some cases of every model format still load.
    for (const format of ['onnx', 'caffemodel', 'binaryproto', 'keras-h5', 'tfjs', 'manifest']) expect(report.formats[format].outcomes.loaded, format).toBeGreaterThan(0);
  }, 300_000);
});
