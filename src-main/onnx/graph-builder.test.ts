import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './graph-builder';

describe('GraphBuilder names', () => {
  it('are unique, base first then base_2, base_3 …, skipping reserved ones', () => {
    const g = new GraphBuilder();
    g.reserve('x_3');
    expect([g.unique('x'), g.unique('x'), g.unique('x'), g.unique('x')]).toEqual(['x', 'x_2', 'x_4', 'x_5']);
  });

  it('stay linear in time for 20,000 equal names', () => {
    const g = new GraphBuilder();
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) g.unique('relu');
    // Trying every suffix from 2 each time took seconds; remembering the last one takes milliseconds.
    expect(performance.now() - started).toBeLessThan(300);
    expect(g.unique('relu')).toBe('relu_20001');
  });
});
