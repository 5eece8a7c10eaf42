import { describe, expect, it } from 'vitest';
import { candidateProviders, cpuThreads } from './providers';

describe('providers', () => {
  it('leaves a core to the window: one thread on two cores, at most four', () => {
    expect(cpuThreads({}, 1)).toBe(1);
    expect(cpuThreads({}, 2)).toBe(1);
    expect(cpuThreads({}, 4)).toBe(3);
    expect(cpuThreads({}, 16)).toBe(4);
  });

  it('takes the thread count from CONVSCOPE_THREADS when it is a whole number from 1 to 64', () => {
    expect(cpuThreads({ CONVSCOPE_THREADS: '2' }, 2)).toBe(2);
    expect(cpuThreads({ CONVSCOPE_THREADS: '12' }, 4)).toBe(12);
    for (const bad of ['0', '-1', '1.5', 'many', '', '65']) expect(cpuThreads({ CONVSCOPE_THREADS: bad }, 8)).toBe(4);
  });

  it('always ends the providers to try with the CPU', () => {
    expect(candidateProviders(true)).toEqual(['cpu']);
    expect(candidateProviders(false).at(-1)).toBe('cpu');
  });
});
