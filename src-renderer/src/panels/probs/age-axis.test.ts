import { describe, expect, it } from 'vitest';
import { ageBucket, ageBuckets } from '../../../../src-shared/age';
import { ageAxis, densities } from './age-axis';

const adience = ageBuckets({ kind: 'age', ages: [[0, 2], [4, 6], [8, 12], [15, 20], [25, 32], [38, 43], [48, 53], [60, null]] }, Array(8).fill('x'))!;
const dex = Array.from({ length: 101 }, (_, a) => ageBucket(a));

describe('age axis', () => {
  it('covers every bar with round ticks in years', () => {
    // The open bucket 60+ is drawn 60 … 80.
    expect(ageAxis(adience, 8)).toEqual({ from: 0, to: 80, ticks: [0, 20, 40, 60, 80] });
    expect(ageAxis(adience, 10).ticks).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80]);
    // Ages 0 … 100 are bars −0.5 … 100.5.
    expect(ageAxis(dex, 6)).toEqual({ from: 0, to: 101, ticks: [0, 20, 40, 60, 80, 100] });
    expect(ageAxis(dex, 3).ticks).toEqual([0, 50, 100]);
  });

  it('makes bar areas the probabilities', () => {
    const d = densities([0.1, 0, 0, 0, 0.7, 0, 0, 0.2], adience);
    expect(d[0]).toBeCloseTo(0.05);
    expect(d[4]).toBeCloseTo(0.1);
    expect(d[7]).toBeCloseTo(0.01);
    const area = d.reduce((s, v, i) => s + v * (adience[i].to - adience[i].from), 0);
    expect(area).toBeCloseTo(1);
  });
});
