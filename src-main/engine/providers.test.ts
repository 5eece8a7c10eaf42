import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { PROVIDER_NAMES } from '../../src-shared/contract';
import { availableProviders, candidateProviders, cpuThreads, createSession, providerFailure, sessionConfig, sessionOptions } from './providers';
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

  it('tries the provider CONVSCOPE_PROVIDER pins first, then the CPU; Force CPU still wins', () => {
    expect(candidateProviders(false, { CONVSCOPE_PROVIDER: 'webgpu' })).toEqual(['webgpu', 'cpu']);
    expect(candidateProviders(false, { CONVSCOPE_PROVIDER: ' CUDA ' })).toEqual(['cuda', 'cpu']);
    expect(candidateProviders(false, { CONVSCOPE_PROVIDER: 'cpu' })).toEqual(['cpu']);
    expect(candidateProviders(true, { CONVSCOPE_PROVIDER: 'webgpu' })).toEqual(['cpu']);
    // Unset or empty: the automatic order, which never guesses WebGPU (a software Vulkan device would be far slower than the CPU).
    expect(candidateProviders(false, { CONVSCOPE_PROVIDER: '' })).not.toContain('webgpu');
    // The settings' choice wins over the environment.
    expect(candidateProviders(false, { CONVSCOPE_PROVIDER: 'cuda' }, 'webgpu')).toEqual(['webgpu', 'cpu']);
    expect(candidateProviders(true, {}, 'webgpu')).toEqual(['cpu']);
    expect(() => candidateProviders(false, { CONVSCOPE_PROVIDER: 'gpu' })).toThrow('CONVSCOPE_PROVIDER=gpu: not an execution provider (one of cpu, cuda, tensorrt, webgpu, dml, coreml)');
  });

  it('offers WebGPU in the Engine menu everywhere (onnxruntime-node bundles it), before the CPU', () => {
    const offered = availableProviders({});
    expect(offered.at(-1)).toBe('cpu');
    expect(offered.at(-2)).toBe('webgpu');
    expect(availableProviders({ CONVSCOPE_PROVIDER: 'webgpu' })).toEqual(['webgpu', 'cpu']);
  });

  it("gives every provider options onnxruntime accepts (a GPU provider's session is made with them too)", async () => {
    const bytes = readFileSync(resolve(assetsDir, 'mnist/mnist.onnx'));
    for (const p of PROVIDER_NAMES) {
      // The options as made for p, run on the CPU: a malformed option fails here whatever p is.
      const s = await ort.InferenceSession.create(bytes, { ...sessionOptions(p), executionProviders: ['cpu'] });
      await s.release();
    }
  });

  it('falls back to the CPU when the pinned provider cannot start, keeping onnxruntime’s reason', async () => {
    const bytes = readFileSync(resolve(assetsDir, 'mnist/mnist.onnx'));
    const saved = process.env.CONVSCOPE_PROVIDER;
    process.env.CONVSCOPE_PROVIDER = 'tensorrt';
    try {
      const r = await createSession(ort, bytes, false);
      expect(r.provider).toBe('cpu');
      expect(r.skipped).toHaveLength(1);
      expect(r.skipped[0]).toMatch(/^tensorrt: /);
      expect(r.skipped[0]).not.toMatch(/sessionOptions/);
      await r.session.release();
    } finally {
      if (saved === undefined) delete process.env.CONVSCOPE_PROVIDER;
      else process.env.CONVSCOPE_PROVIDER = saved;
    }
  });

  it("words onnxruntime's reasons without its source files and error codes", () => {
    expect(
      providerFailure(
        '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\nmore',
      ),
    ).toBe('Failed to get a WebGPU adapter: No supported adapters');
    expect(
      providerFailure(
        '/onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1988 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library libonnxruntime_providers_shared.so with error: cannot open shared object file',
      ),
    ).toBe('Failed to load library libonnxruntime_providers_shared.so with error: cannot open shared object file');
    expect(providerFailure('Invalid argument: sessionOptions.intraOpNumThreads must be a number.')).toBe('Invalid argument: sessionOptions.intraOpNumThreads must be a number.');
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
