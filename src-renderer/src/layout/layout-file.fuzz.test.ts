// Layout files from disk or settings, mutated: 2,000 cases with a fixed seed (the same mutations
// the fuzz harness uses for the engine's formats). Each ends in a layout or a LayoutError naming
// what is wrong, quickly — never another exception, a hang or a stack overflow.
import { describe, expect, it } from 'vitest';
import { mutateBytes, mutateText } from '../../../src-main/fuzz/mutate';
import { caseSeed, Random } from '../../../src-main/fuzz/random';
import { smallModel } from '../model/testing/small-model';
import { LayoutError } from '../panels/fields';
import { defaultLayout } from './default-layout';
import { parseLayout, serialiseLayout } from './layout-file';

describe('layout files, fuzzed', () => {
  it('end in a layout or a LayoutError for 2,000 mutated files', () => {
    const model = smallModel();
    const seed = new TextEncoder().encode(serialiseLayout(defaultLayout(model)));
    const dec = new TextDecoder();
    const outcomes = { loaded: 0, refused: 0 };
    let slowest = 0;
    for (let i = 0; i < 2000; i++) {
      const r = new Random(caseSeed(1, 'layout', i));
      const m = r.int(4) === 0 ? mutateBytes(r, seed) : mutateText(r, seed, (t, d) => `{"version":1,"modelId":"x","view":"generic","panels":${'['.repeat(d)}${t}${']'.repeat(d)}}`);
      const started = performance.now();
      try {
        parseLayout(dec.decode(m.bytes), r.int(2) === 0 ? model : null, 'fuzzed-layout.json');
        outcomes.loaded++;
      } catch (e) {
        expect(e, `case ${i} (${m.how}): ${String(e)}`).toBeInstanceOf(LayoutError);
        expect((e as Error).message, `case ${i} (${m.how})`).toMatch(/^fuzzed-layout\.json: /);
        outcomes.refused++;
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    expect(outcomes.loaded + outcomes.refused).toBe(2000);
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(1000);
  });
});
