import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { makeCase } from '../fuzz/cases';
import { mediaTargets } from '../fuzz/targets/media';
import { decodeImage, decodeJpeg, decodePng, encodePng, ImageError } from './image';

const data = resolve(__dirname, '../../../shared/data');

/** A tiny PNG whose IHDR declares width × height (the pixel data is never reached). */
function pngHeader(width: number, height: number): Uint8Array {
  const png = encodePng({ width: 1, height: 1, rgba: new Uint8Array(4) });
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  dv.setUint32(16, width);
  dv.setUint32(20, height);
  return png;
}

describe('PNG', () => {
  it('decodes gray MNIST samples and RGBA CIFAR images, and round-trips RGBA', () => {
    const digit = decodePng(readFileSync(resolve(data, 'mnist/samples_png/img_7_0.png')));
    expect([digit.width, digit.height]).toEqual([28, 28]);
    expect(digit.rgba.some((v, i) => i % 4 === 0 && v > 200)).toBe(true);
    // Gray is spread to R, G and B; alpha is opaque.
    expect(digit.rgba.every((v, i) => (i % 4 === 3 ? v === 255 : v === digit.rgba[i - (i % 4)]))).toBe(true);
    const cat = decodePng(readFileSync(resolve(data, 'caffe/cifar10_quick/cat10.png')));
    expect([cat.width, cat.height]).toEqual([32, 32]);
    const img = { width: 3, height: 2, rgba: Uint8Array.from({ length: 24 }, (_, i) => (i * 37) & 255) };
    expect(decodePng(encodePng(img))).toEqual(img);
  });

  it('refuses an image larger than the limit before decoding it, naming the file', () => {
    expect(() => decodePng(pngHeader(10_000, 10_000), 'huge.png')).toThrow('huge.png: 10000×10000 is too large to open (100 megapixels; the limit is 50)');
    expect(() => decodeImage(pngHeader(300, 200), 'small.png', 50_000)).toThrow('small.png: 300×200 is too large to open (0.06 megapixels; the limit is 0.05)');
  });

  it('names the file when it is not an image or is corrupt', () => {
    expect(() => decodeImage(new TextEncoder().encode('GIF89a...'), 'anim.gif')).toThrow(new ImageError('anim.gif: not a PNG or JPEG image'));
    const png = encodePng({ width: 4, height: 4, rgba: new Uint8Array(64).fill(9) });
    expect(() => decodePng(png.subarray(0, png.length - 20), 'cut.png')).toThrow(/^cut\.png: corrupt PNG/);
  });
});

describe('JPEG', () => {
  it('decodes photos (progressive included) to RGBA', () => {
    const shuttle = decodeImage(readFileSync(resolve(data, 'images/space_shuttle.jpg')), 'space_shuttle.jpg');
    expect(shuttle.rgba.length).toBe(shuttle.width * shuttle.height * 4);
    expect(shuttle.width).toBeGreaterThan(100);
    const kitten = decodeImage(readFileSync(resolve(data, 'images/kitten.jpg')), 'kitten.jpg');
    expect(kitten.rgba.length).toBe(kitten.width * kitten.height * 4);
  });

  it('gives back what jpeg-js encoded, within JPEG loss, and checks the declared size first', () => {
    const width = 16;
    const height = 8;
    const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 255 : 128 + ((i >> 2) % 16) * 4));
    const file = jpeg.encode({ width, height, data: rgba }, 95).data;
    const back = decodeJpeg(file, 'gradient.jpg');
    expect([back.width, back.height]).toEqual([width, height]);
    let worst = 0;
    for (let i = 0; i < rgba.length; i++) worst = Math.max(worst, Math.abs(back.rgba[i] - rgba[i]));
    expect(worst).toBeLessThan(12);
    expect(() => decodeJpeg(file, 'gradient.jpg', 100)).toThrow('gradient.jpg: 16×8 is too large to open (0.000128 megapixels; the limit is 0.0001)');
    expect(() => decodeJpeg(file.subarray(0, 40), 'cut.jpg')).toThrow(/^cut\.jpg: /);
  });

  it('says "malformed data" when the decoder trips over its own code, not its internal error', async () => {
    // Fuzz case 893 (seed 1) of the JPEG target: jpeg-js throws a TypeError on it.
    const target = mediaTargets.find((t) => t.format === 'jpeg')!;
    const c = makeCase(target, await target.seeds(), 1, 893);
    expect(() => decodeImage(c.files['picture.jpg'], 'fuzzed.jpg')).toThrow('fuzzed.jpg: corrupt JPEG (malformed data)');
  });
});

