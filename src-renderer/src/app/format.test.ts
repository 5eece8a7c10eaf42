import { describe, expect, it } from 'vitest';
import { ms, resultText, topClassText } from './format';

describe('status formatting', () => {
  it('names the most probable class with its percentage', () => {
    expect(topClassText(new Float32Array([0.01, 0.984, 0.006]), ['6', '7', '8'])).toBe('7 — 98.4 %');
    expect(topClassText([0.2, 0.3, 0.5], ['cat', 'dog'])).toBe('class 2 — 50.0 %');
    expect(topClassText([], ['a'])).toBe('');
  });

  it('claims no class when the digit pipeline found no ink in the crop', () => {
    const probs = new Float32Array([0.1, 0.389, 0.2]);
    expect(resultText({ probs }, ['0', '1', '2'])).toBe('1 — 38.9 %');
    expect(resultText({ probs, noInk: true }, ['0', '1', '2'])).toBe('no digit in the crop');
    // Following faces: none found means the crop is a stale square, not a face to classify.
    expect(resultText({ probs, faces: [] }, ['0', '1', '2'])).toBe('no face in the picture');
    expect(resultText({ probs, faces: [{ x: 0, y: 0, w: 0.5, h: 0.5, score: 0.99 }] }, ['0', '1', '2'])).toBe('1 — 38.9 %');
  });

  it('gives milliseconds a unit and sensible precision', () => {
    expect(ms(0)).toBe('– ms');
    expect(ms(4.26)).toBe('4.3 ms');
    expect(ms(123.6)).toBe('124 ms');
  });
});
