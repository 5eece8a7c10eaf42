import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { candidateProviders, cpuThreads, createSession, sessionConfig } from './providers';
import { assetsDir } from './testing/data';

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

  it('turns weight prepacking off on x64 only', () => {
    expect(sessionConfig('x64')).toEqual({ session: { disable_prepacking: '1' } });
    expect(sessionConfig('arm64')).toEqual({});
  });

  it('computes what onnxruntime computes with its default options, up to float32 rounding', async () => {
    // The MNIST model: convolutions and a fully connected layer with constant weights, the matrix
    // product prepacking is for.
    const bytes = readFileSync(resolve(assetsDir, 'mnist/mnist.onnx'));
    const ours = (await createSession(ort, bytes, true)).session;
    const plain = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: cpuThreads(), interOpNumThreads: 1 });
    try {
      let seed = 3;
      const data = Float32Array.from({ length: 28 * 28 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 255);
      const feeds = { [plain.inputNames[0]]: new ort.Tensor('float32', data, [1, 1, 28, 28]) };
      const a = await ours.run(feeds);
      const b = await plain.run(feeds);
      // Packed and unpacked weights add the products in another order: the last bits may differ.
      for (const name of plain.outputNames) {
        const x = a[name].data as Float32Array;
        const y = b[name].data as Float32Array;
        const scale = Math.max(...Array.from(y, Math.abs));
        expect(x.length, name).toBe(y.length);
        for (let i = 0; i < y.length; i++) expect(Math.abs(x[i] - y[i]), `${name}[${i}]`).toBeLessThan(scale * 1e-5);
      }
    } finally {
      await ours.release();
      await plain.release();
    }
  });
});
