// GPU textures the scene uploads into: single-channel activation atlases, RGBA images and the
// 256×1 colour-map lookup tables.
import { BufferImageSource } from 'pixi.js';
import { colourLut, LUT_SIZE, type ColourMap } from './colourMaps';

/** A single-channel (r8) texture whose bytes are rewritten in place and re-uploaded each frame. */
export function byteTexture(width: number, height: number, smooth = false): BufferImageSource {
  return new BufferImageSource({
    resource: new Uint8Array(width * height),
    width,
    height,
    format: 'r8unorm',
    alphaMode: 'no-premultiply-alpha',
    scaleMode: smooth ? 'linear' : 'nearest',
    autoGenerateMipmaps: false,
  });
}

/** An RGBA texture (straight alpha) with the given bytes. */
export function rgbaTexture(width: number, height: number, data?: Uint8Array, smooth = false): BufferImageSource {
  return new BufferImageSource({
    resource: data ?? new Uint8Array(width * height * 4),
    width,
    height,
    format: 'rgba8unorm',
    alphaMode: 'no-premultiply-alpha',
    scaleMode: smooth ? 'linear' : 'nearest',
    autoGenerateMipmaps: false,
  });
}

const luts = new Map<ColourMap, BufferImageSource>();

/** The shared LUT texture of a colour map (created once per map, never per frame). */
export function lutTexture(name: ColourMap): BufferImageSource {
  let t = luts.get(name);
  if (!t) {
    t = rgbaTexture(LUT_SIZE, 1, colourLut(name));
    luts.set(name, t);
  }
  return t;
}
