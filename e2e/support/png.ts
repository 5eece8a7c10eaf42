// Screenshots Playwright takes, as RGBA pixels (the PNG decoder the command line uses).
import { decodePng as decode } from '../../src-main/formats/image';

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
