import { describe, expect, it } from 'vitest';
import { ageBucket, ageBuckets, ageSpanText, ageStatusText, checkAgeList, expectedAge, expectedAgeText, OPEN_END_YEARS, parseAgeLabel } from './age';

const ADIENCE_LABELS = ['(0, 2)', '(4, 6)', '(8, 12)', '(15, 20)', '(25, 32)', '(38, 43)', '(48, 53)', '(60, 100)'];

describe('age labels', () => {
  it('reads single ages, ranges and open-ended ranges', () => {
    expect(parseAgeLabel('31')).toBe(31);
    expect(parseAgeLabel('31 years')).toBe(31);
    expect(parseAgeLabel('(25, 32)')).toEqual([25, 32]);
    expect(parseAgeLabel('25-32')).toEqual([25, 32]);
    expect(parseAgeLabel('25–32')).toEqual([25, 32]);
    expect(parseAgeLabel('[8-12]')).toEqual([8, 12]);
    expect(parseAgeLabel('(60, 100)')).toEqual([60, 100]);
    expect(parseAgeLabel('60+')).toEqual([60, null]);
    expect(parseAgeLabel('(60+)')).toEqual([60, null]);
  });

  it('reads no age from class names, digits beyond human ages or reversed ranges', () => {
    for (const l of ['man', 'woman', 'class 3', 'tabby cat', '7 — seven', '500', '(32, 25)', '', '-3']) expect(parseAgeLabel(l), l).toBeNull();
  });
});

describe('age buckets', () => {
  it('counts a bucket as its midpoint and an open-ended one as from + 10 years', () => {
    expect(OPEN_END_YEARS).toBe(10);
    expect(ageBucket([25, 32])).toEqual({ from: 25, to: 32, age: 28.5, kind: 'bucket' });
    expect(ageBucket([60, null])).toEqual({ from: 60, to: 80, age: 70, kind: 'open' });
    expect(ageBucket(31)).toEqual({ from: 30.5, to: 31.5, age: 31, kind: 'age' });
    expect([[25, 32], [60, null], 31].map((s) => ageSpanText(ageBucket(s as [number, number])))).toEqual(['25–32', '60+', '31']);
  });

  it('recognises an age model from kind, ages or labels, and never a plain classifier', () => {
    expect(ageBuckets(undefined, ADIENCE_LABELS)?.map((b) => b.age)).toEqual([1, 5, 10, 17.5, 28.5, 40.5, 50.5, 80]);
    expect(ageBuckets({ kind: 'age', ages: [[0, 2], [4, 6], [60, null]] }, ['a', 'b', 'c'])?.map((b) => b.age)).toEqual([1, 5, 70]);
    // Every label must name an age; one that does not makes it a plain classifier.
    expect(ageBuckets(undefined, ['0', '1', '2', 'other'])).toBeNull();
    expect(ageBuckets(undefined, ['woman', 'man'])).toBeNull();
    // Bare numbers are a digit model's classes or proposed class indices, unless kind says 'age'.
    expect(ageBuckets(undefined, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])).toBeNull();
    expect(ageBuckets({ kind: 'age' }, ['0', '1', '2'])?.map((b) => b.age)).toEqual([0, 1, 2]);
    expect(ageBuckets(undefined, ['20 years', '30 years'])?.map((b) => b.age)).toEqual([20, 30]);
    // kind 'classes' wins over labels that name ages.
    expect(ageBuckets({ kind: 'classes' }, ADIENCE_LABELS)).toBeNull();
    expect(ageBuckets({ kind: 'age' }, ['20-30', '30-40'])?.map((b) => b.age)).toEqual([25, 35]);
  });
});

describe('expected age', () => {
  it('gives the known mean of a synthetic 101-way distribution over ages 0…100', () => {
    // A discretised normal around 37.3 years with σ 6, scaled by 0.8 (a model whose output does not sum to 1).
    const ages = Array.from({ length: 101 }, (_, a) => a);
    const raw = ages.map((a) => Math.exp(-((a - 37.3) ** 2) / (2 * 6 ** 2)));
    const total = raw.reduce((s, v) => s + v, 0);
    const probs = Float32Array.from(raw, (v) => (0.8 * v) / total);
    const mean = ages.reduce((s, a, i) => s + a * raw[i], 0) / total;
    expect(mean).toBeCloseTo(37.3, 3);
    const buckets = ageBuckets({ kind: 'age' }, ages.map(String))!;
    expect(expectedAge(probs, buckets.map((b) => b.age))).toBeCloseTo(mean, 4);
  });

  it('uses bucket midpoints for the 8 Adience buckets, the open one at 70', () => {
    const ages = ageBuckets({ kind: 'age', ages: [[0, 2], [4, 6], [8, 12], [15, 20], [25, 32], [38, 43], [48, 53], [60, null]] }, ADIENCE_LABELS)!.map((b) => b.age);
    const probs = [0, 0, 0, 0, 0.5, 0.25, 0, 0.25];
    expect(expectedAge(probs, ages)).toBeCloseTo(0.5 * 28.5 + 0.25 * 40.5 + 0.25 * 70, 10);
    expect(expectedAge([0, 0, 0, 0, 0, 0, 0, 1], ages)).toBe(70);
    expect(expectedAge([1, 0, 0, 0, 0, 0, 0, 0], ages)).toBe(1);
  });

  it('has no expected age without probability mass', () => {
    expect(expectedAge([0, 0], [10, 20])).toBeNaN();
    expect(expectedAgeText(NaN)).toBe('– years');
  });

  it('reads out in whole years with the unit', () => {
    expect(expectedAgeText(30.6)).toBe('≈ 31 years');
    expect(expectedAgeText(1.2)).toBe('≈ 1 year');
    expect(ageStatusText(30.4)).toBe('age ≈ 30');
  });
});

describe('age lists', () => {
  it('accepts ages and buckets from youngest to oldest, an open bucket last', () => {
    expect(checkAgeList([[0, 2], [4, 6], [60, null]], 'output.ages')).toBeNull();
    expect(checkAgeList([0, 1, 2, 3], 'output.ages')).toBeNull();
    expect(checkAgeList([[0, 10], [10, 20]], 'output.ages')).toBeNull();
  });

  it('names the entry that is out of order, overlaps, or is not an age', () => {
    expect(checkAgeList([[4, 6], [0, 2]], 'output.ages')).toBe('output.ages[1] (0–2) does not come after output.ages[0] (4–6); list the ages from youngest to oldest without overlap');
    expect(checkAgeList([[0, 5], [4, 6]], 'output.ages')).toMatch(/^output\.ages\[1\] \(4–6\) does not come after/);
    expect(checkAgeList([[60, null], [70, 80]], 'output.ages')).toBe('output.ages[0]: the open-ended bucket 60+ must be the last');
    expect(checkAgeList([[6, 4]], 'output.ages')).toBe('output.ages[0]: bucket [6,4] ends before it starts');
    expect(checkAgeList([1, 'x'], 'output.ages')).toBe('output.ages[1]: "x" is neither an age nor a bucket [from, to] / [from, null]');
    expect(checkAgeList([-1], 'output.ages')).toBe('output.ages[0]: -1 is not an age in years (0–150)');
    expect(checkAgeList([], 'output.ages')).toMatch(/^output\.ages must be a list of ages/);
  });
});
