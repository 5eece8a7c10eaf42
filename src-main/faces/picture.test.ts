import { describe, expect, it } from 'vitest';
import { Picture } from './picture';

const norm = (v: number) => (v - 127.5) * 0.0078125;

/** A w × h RGBA picture whose R is x·10, G is y·10, B is 200. */
function gradient(w: number, h: number): Uint8Array {
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgba.set([x * 10, y * 10, 200, 255], (y * w + x) * 4);
  return rgba;
}

describe('Picture (network inputs from the picture)', () => {
  it('at full size gives every pixel, normalised, RGB planes with x and y swapped', () => {
    const p = new Picture(4, 3, gradient(4, 3));
    const out = new Float32Array(3 * 4 * 3);
    p.sample(0, 0, 4, 3, 4, 3, out);
    for (let x = 0; x < 4; x++) {
      for (let y = 0; y < 3; y++) {
        expect(out[x * 3 + y]).toBeCloseTo(norm(x * 10), 5);
        expect(out[12 + x * 3 + y]).toBeCloseTo(norm(y * 10), 5);
        expect(out[24 + x * 3 + y]).toBeCloseTo(norm(200), 5);
      }
    }
  });

  it('averages exactly the area each output pixel covers, fractional edges included', () => {
    const p = new Picture(4, 3, gradient(4, 3));
    const half = new Float32Array(3 * 2);
    p.sample(0, 0, 4, 3, 2, 1, half);
    expect(half[0]).toBeCloseTo(norm(5), 5); // R over x 0–1
    expect(half[1]).toBeCloseTo(norm(25), 5); // R over x 2–3
    expect(half[2]).toBeCloseTo(norm(10), 5); // G over y 0–2
    const one = new Float32Array(3);
    p.sample(0.5, 1, 2, 2, 1, 1, one); // x 0.5–2: pixel 0 half, pixel 1 whole → (0·0.5 + 10) / 1.5
    expect(one[0]).toBeCloseTo(norm(10 / 1.5), 5);
    expect(one[1]).toBeCloseTo(norm(10), 5);
  });

  it('counts the part of a box outside the picture as black (zero padding)', () => {
    const white = new Uint8Array(2 * 2 * 4).fill(255);
    const p = new Picture(2, 2, white);
    const out = new Float32Array(3 * 2 * 2);
    p.sample(-2, 0, 2, 4, 2, 2, out); // left half and bottom half outside
    // Output (x, y): (0,0) and (0,1) and (1,1) outside, (1,0) the whole picture.
    expect(out[0 * 2 + 0]).toBeCloseTo(norm(0), 5);
    expect(out[1 * 2 + 0]).toBeCloseTo(norm(255), 5);
    expect(out[1 * 2 + 1]).toBeCloseTo(norm(0), 5);
  });

  it('refuses a wrong size or byte count with a message', () => {
    expect(() => new Picture(0, 5, new Uint8Array(0))).toThrow(/0×5/);
    expect(() => new Picture(2, 2, new Uint8Array(15))).toThrow(/needs 16 RGBA bytes, got 15/);
  });
});
