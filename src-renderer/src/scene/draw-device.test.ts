import { describe, expect, it } from 'vitest';
import { describeDrawDevice, drawsAtHalf } from './draw-device';

describe('describeDrawDevice', () => {
  it('tells software rasterisers from GPUs by the WebGL renderer string', () => {
    const software = [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'Google SwiftShader',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'Mesa softpipe',
      'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'Apple Software Renderer',
    ];
    const gpus = [
      'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002504) Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
      'ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)',
      'AMD Radeon Pro 5500M OpenGL Engine',
    ];
    for (const name of software) expect(describeDrawDevice(name), name).toEqual({ name, software: true });
    for (const name of gpus) expect(describeDrawDevice(name), name).toEqual({ name, software: false });
  });

  it('draws at half resolution when chosen, and by default only where software draws', () => {
    const gpu = describeDrawDevice('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060)');
    const software = describeDrawDevice('Google SwiftShader');
    expect([gpu, software, null].map((d) => drawsAtHalf('auto', d))).toEqual([false, true, false]);
    expect([gpu, software, null].map((d) => drawsAtHalf('half', d))).toEqual([true, true, true]);
    expect([gpu, software, null].map((d) => drawsAtHalf('full', d))).toEqual([false, false, false]);
  });
});
