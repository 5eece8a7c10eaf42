// What draws the panels: a GPU, or a software rasteriser standing in for one (a virtual machine, a
// remote desktop, a browser with GPU acceleration off). Software drawing costs the CPU the network
// needs, and at the screen's resolution the picture falls behind the camera (on a 2-core machine
// Chromium's GPU process took a whole core for LeNet's 30 results/s, the page's main thread waited
// ≈ 20 ms per result behind it); so by default the scene is drawn at half resolution there, and the
// Engine menu says which it is.
import type { DrawResolution } from '../../../src-shared/contract';

export interface DrawDevice {
  /** The WebGL renderer string, e.g. "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 …)". */
  name: string;
  /** True when no GPU draws: the renderer is a software rasteriser. */
  software: boolean;
}

/** Software rasterisers browsers fall back to: Chromium's SwiftShader, Mesa's llvmpipe/softpipe, Windows' WARP, macOS's. */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software rasterizer|microsoft basic render|apple software renderer/i;

export function describeDrawDevice(name: string): DrawDevice {
  return { name, software: SOFTWARE.test(name) };
}

/** Whether the scene is drawn at half resolution: when chosen, or by default ('auto') where software draws. */
export function drawsAtHalf(resolution: DrawResolution, device: DrawDevice | null): boolean {
  return resolution === 'half' || (resolution === 'auto' && device?.software === true);
}

/** The renderer string of a WebGL context (unmasked where the browser allows it). */
export function rendererName(gl: WebGLRenderingContext | WebGL2RenderingContext): string {
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}
