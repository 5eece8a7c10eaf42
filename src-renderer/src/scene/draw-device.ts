// What draws the panels: a GPU, or a software rasteriser standing in for one (a virtual machine, a
// remote desktop, a browser with GPU acceleration off). Software drawing costs the CPU the network
// needs, and the picture falls behind the camera; the Engine menu says which it is so the user knows
// when half-resolution drawing is worth its blur.

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

/** The renderer string of a WebGL context (unmasked where the browser allows it). */
export function rendererName(gl: WebGLRenderingContext | WebGL2RenderingContext): string {
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}
