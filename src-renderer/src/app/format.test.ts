import { describe, expect, it } from 'vitest';
import { ms, topClassText } from './format';

describe('status formatting', () => {
  it('names the most probable class with its percentage', () => {
    expect(topClassText(new Float32Array([0.01, 0.984, 0.006]), ['6', '7', '8'])).toBe('7 — 98.4 %');
    expect(topClassText([0.2, 0.3, 0.5], ['cat', 'dog'])).toBe('class 2 — 50.0 %');
    expect(topClassText([], ['a'])).toBe('');
  });

  it('gives milliseconds a unit and sensible precision', () => {
    expect(ms(0)).toBe('– ms');
    expect(ms(4.26)).toBe('4.3 ms');
    expect(ms(123.6)).toBe('124 ms');
  });
});
