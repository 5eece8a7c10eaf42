// Screenshots Playwright takes, as RGBA pixels: the app's own PNG decoder (src-main/cli/png.ts),
// so we look at the pixels the app actually drew.
import { decodePng as decode } from '../../src-main/cli/png';

export interface Rgba {
  width: number;
  height: number;
  /** width × height × 4 bytes. */
  data: Uint8Array;
}

export function decodePng(buf: Uint8Array): Rgba {
  const img = decode(buf, 'screenshot.png');
  return { width: img.width, height: img.height, data: img.rgba };
}
