// Still images as RGBA pixels: PNG through pngjs, JPEG (baseline and progressive) through jpeg-js,
// and an RGBA → PNG encoder for tests. The size an image declares is checked before its pixels are
// decoded, so a small file claiming a huge image is refused instead of exhausting memory.
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes. */
  rgba: Uint8Array;
}

export class ImageError extends Error {
  override name = 'ImageError';
}

/** Largest image decoded, in pixels (50 megapixels: 200 MB of RGBA). */
export const MAX_IMAGE_PIXELS = 50_000_000;

type Kind = 'png' | 'jpeg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function kindOf(bytes: Uint8Array): Kind | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Width and height from the PNG's IHDR chunk. */
function pngSize(bytes: Uint8Array, file: string): { width: number; height: number } {
  const tag = String.fromCharCode(...bytes.subarray(12, 16));
  if (bytes.length < 24 || tag !== 'IHDR') throw new ImageError(`${file}: PNG without an IHDR chunk`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

/** Width and height from the JPEG's start-of-frame segment. */
function jpegSize(bytes: Uint8Array, file: string): { width: number; height: number } {
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) throw new ImageError(`${file}: corrupt JPEG (no marker at byte ${pos})`);
    const marker = bytes[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    const length = (bytes[pos + 2] << 8) | bytes[pos + 3];
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (pos + 9 > bytes.length) break;
      return { height: (bytes[pos + 5] << 8) | bytes[pos + 6], width: (bytes[pos + 7] << 8) | bytes[pos + 8] };
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image / scan data before any frame header
    pos += 2 + length;
  }
  throw new ImageError(`${file}: JPEG without a frame header (truncated or corrupt)`);
}

function checkSize(size: { width: number; height: number }, file: string, maxPixels: number): void {
  if (size.width === 0 || size.height === 0) throw new ImageError(`${file}: the image declares a size of ${size.width}×${size.height}`);
  const pixels = size.width * size.height;
  const mp = (n: number) => +(n / 1e6).toPrecision(3);
  if (pixels > maxPixels) {
    throw new ImageError(`${file}: ${size.width}×${size.height} is too large to open (${mp(pixels)} megapixels; the limit is ${mp(maxPixels)})`);
  }
}

/** A plain Uint8Array over a Node Buffer's bytes (no copy when it spans its whole memory). */
function plain(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : Uint8Array.from(b);
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
/** A decoder's reason, unless it is the decoder tripping over its own code on malformed data. */
const reason = (e: unknown) =>
  e instanceof TypeError || e instanceof RangeError ? 'malformed data' : e instanceof Error ? e.message : String(e);

/** Decodes a PNG (any bit depth and colour type, interlaced or not) to 8-bit RGBA. */
export function decodePng(bytes: Uint8Array, file = 'image.png', maxPixels = MAX_IMAGE_PIXELS): RgbaImage {
  if (kindOf(bytes) !== 'png') throw new ImageError(`${file}: not a PNG file`);
  checkSize(pngSize(bytes, file), file, maxPixels);
  let png: PNG;
  try {
    png = PNG.sync.read(asBuffer(bytes));
  } catch (e) {
    throw new ImageError(`${file}: corrupt PNG (${reason(e)})`);
  }
  return { width: png.width, height: png.height, rgba: plain(png.data) };
}

/** Decodes a JPEG (baseline or progressive; CMYK and Adobe colour transforms included) to RGBA. */
export function decodeJpeg(bytes: Uint8Array, file = 'image.jpg', maxPixels = MAX_IMAGE_PIXELS): RgbaImage {
  if (kindOf(bytes) !== 'jpeg') throw new ImageError(`${file}: not a JPEG file`);
  checkSize(jpegSize(bytes, file), file, maxPixels);
  try {
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      // jpeg-js's own limits as a backstop; its coefficient buffers need about 12 bytes per pixel.
      maxResolutionInMP: Math.ceil(maxPixels / 1e6),
      maxMemoryUsageInMB: Math.ceil((maxPixels * 24) / 2 ** 20),
    });
    return { width: img.width, height: img.height, rgba: img.data };
  } catch (e) {
    throw new ImageError(`${file}: corrupt JPEG (${reason(e)})`);
  }
}

/** Decodes a PNG or JPEG, told apart by their first bytes (not the file name). */
export function decodeImage(bytes: Uint8Array, file = 'image', maxPixels = MAX_IMAGE_PIXELS): RgbaImage {
  const kind = kindOf(bytes);
  if (kind === 'png') return decodePng(bytes, file, maxPixels);
  if (kind === 'jpeg') return decodeJpeg(bytes, file, maxPixels);
  throw new ImageError(`${file}: not a PNG or JPEG image`);
}

/** Reads and decodes a PNG or JPEG file. */
export function readImage(path: string, maxPixels = MAX_IMAGE_PIXELS): RgbaImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ImageError(`${path}: cannot read image (${(e as NodeJS.ErrnoException).code ?? reason(e)})`);
  }
  return decodeImage(bytes, path, maxPixels);
}

/** Encodes RGBA pixels as an 8-bit RGBA PNG. */
export function encodePng(img: RgbaImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = asBuffer(img.rgba);
  return plain(PNG.sync.write(png, { colorType: 6 }));
}
