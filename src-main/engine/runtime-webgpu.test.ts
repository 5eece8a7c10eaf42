// The engine on a GPU execution provider. onnxruntime-node bundles a WebGPU provider (Dawn, on
// Vulkan, Metal or Direct3D 12); pinned with CONVSCOPE_PROVIDER=webgpu, the model runtime must run the
// network and ConvScope's display graph (ranges, bytes, the strip's picks) on it and send what the CPU
// provider sends. On a Linux machine without a GPU the Vulkan device is SwiftShader's, which Debian's
// chromium package installs (the end-to-end tests need chromium anyway): slow, but the same code path
// as on a graphics card, so a session option or an operator that breaks the GPU path fails here.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameResult, Subscription } from '../../src-shared/contract';
import { ModelRuntime } from './runtime';
import { assetsDir, loadMnistTest, mnistDigit, paperDigit } from './testing/data';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

describe('the model runtime on the WebGPU provider', () => {
  const saved = { provider: process.env.CONVSCOPE_PROVIDER, icd: process.env.VK_ICD_FILENAMES };
  let gpu: ModelRuntime;
  let cpu: ModelRuntime;
  const frame = { id: 1, t: 0, ...paperDigit(mnistDigit(loadMnistTest(10), 0), { size: 112 }) };
  // The default layout's kinds of request: layers shown whole, the strip's strongest map, a vector.
  const sub: Subscription = { layers: [{ layer: 'conv1' }, { layer: 'conv2', channels: { topK: 1 } }, { layer: 'pool2', channels: { topK: 4 } }, { layer: 'ip1', norm: 'map' }] };

  beforeAll(async () => {
    // A machine without a Vulkan driver of its own (CI) uses SwiftShader's; one that has a driver keeps it.
    if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    process.env.CONVSCOPE_PROVIDER = 'webgpu';
    gpu = await ModelRuntime.load({ bundled: 'lenet' }, assetsDir, { forceCpu: false });
    cpu = await ModelRuntime.load({ bundled: 'lenet' }, assetsDir, { forceCpu: true });
  });
  afterAll(async () => {
    await gpu?.release();
    await cpu?.release();
    for (const [k, v] of [['CONVSCOPE_PROVIDER', saved.provider], ['VK_ICD_FILENAMES', saved.icd]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('starts on WebGPU when it is pinned', () => {
    // Where this fails, the reason onnxruntime gave is in the message (e.g. no Vulkan driver:
    // install chromium, whose SwiftShader provides one).
    expect(gpu.info.providerSkipped ?? [], 'providers that failed to start').toEqual([]);
    expect(gpu.info.provider).toBe('webgpu');
    expect(cpu.info.provider).toBe('cpu');
  });

  it("computes every layer's activations as the CPU does, up to float32 rounding", async () => {
    expect(gpu.info.provider).toBe('webgpu');
    const a = await gpu.activationsForImage(frame);
    const b = await cpu.activationsForImage(frame);
    expect([...a.layers.keys()]).toEqual([...b.layers.keys()]);
    for (const [name, ref] of b.layers) {
      const got = a.layers.get(name)!;
      expect(got.dims, name).toEqual(ref.dims);
      const scale = Math.max(...Array.from(ref.data, Math.abs));
      expect(scale, `${name} is not all zeros`).toBeGreaterThan(0);
      let worst = 0;
      for (let i = 0; i < ref.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - ref.data[i]));
      expect(worst / scale, name).toBeLessThan(1e-4);
    }
    for (let i = 0; i < b.probs.data.length; i++) expect(Math.abs(a.probs.data[i] - b.probs.data[i])).toBeLessThan(1e-5);
  });

  it('sends what the CPU sends: the same maps picked, their ranges, and bytes at most one step apart', async () => {
    expect(gpu.info.provider).toBe('webgpu');
    await gpu.subscribe(sub);
    await cpu.subscribe(sub);
    const a: FrameResult = await gpu.run(frame, { dropped: 0 });
    const b: FrameResult = await cpu.run(frame, { dropped: 0 });
    expect(a.layers.map((l) => l.layer)).toEqual(sub.layers.map((l) => l.layer));
    expect(Array.from(a.probs).indexOf(Math.max(...a.probs))).toBe(Array.from(b.probs).indexOf(Math.max(...b.probs)));
    for (let i = 0; i < b.probs.length; i++) expect(Math.abs(a.probs[i] - b.probs[i])).toBeLessThan(1e-5);
    for (const [j, ref] of b.layers.entries()) {
      const got = a.layers[j];
      expect(got.channels, ref.layer).toEqual(ref.channels);
      const span = Math.max(...Array.from(ref.max, (x, i) => x - ref.min[i]));
      for (let i = 0; i < ref.min.length; i++) {
        expect(Math.abs(got.min[i] - ref.min[i]), `${ref.layer} min ${i}`).toBeLessThan(span * 1e-4);
        expect(Math.abs(got.max[i] - ref.max[i]), `${ref.layer} max ${i}`).toBeLessThan(span * 1e-4);
      }
      let worst = 0;
      for (let i = 0; i < ref.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - ref.data[i]));
      expect(worst, `${ref.layer}: largest byte difference`).toBeLessThanOrEqual(1);
    }
  });
});
