// Writes build/icon.png (512×512), the application icon electron-builder turns into .icns/.ico:
// a dark tile holding a 3×3 grid of feature maps in viridis-like colours inside a white crop square.
// Run: node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { root } from './build-state.mjs';

const N = 512;
const px = new Uint8Array(N * N * 4);

// A few viridis stops (sampled facts of the colour map), interpolated linearly.
const stops = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
function viridis(t) {
  const x = Math.min(0.9999, Math.max(0, t)) * (stops.length - 1);
  const i = Math.floor(x);
  const f = x - i;
  return stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * f));
}

function inRoundedSquare(x, y, x0, y0, size, r) {
  const cx = Math.min(Math.max(x, x0 + r), x0 + size - r);
  const cy = Math.min(Math.max(y, y0 + r), y0 + size - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    const o = (y * N + x) * 4;
    if (!inRoundedSquare(x + 0.5, y + 0.5, 16, 16, N - 32, 96)) continue;
    let rgb = [22, 24, 29];
    // 3×3 feature maps: each a different smooth pattern, like the first conv layer's responses.
    const g0 = 104, cell = 96, gap = 8;
    const gx = Math.floor((x - g0) / (cell + gap));
    const gy = Math.floor((y - g0) / (cell + gap));
    const lx = x - g0 - gx * (cell + gap);
    const ly = y - g0 - gy * (cell + gap);
    if (gx >= 0 && gx < 3 && gy >= 0 && gy < 3 && lx < cell && ly < cell) {
      const k = gy * 3 + gx;
      const u = lx / cell - 0.5;
      const v = ly / cell - 0.5;
      const a = (k * Math.PI) / 4.5;
      const t = 0.5 + 0.5 * Math.sin((u * Math.cos(a) + v * Math.sin(a)) * (6 + k) + k) * Math.exp(-(u * u + v * v) * 2.5);
      rgb = viridis(t);
    }
    // The crop square: a white frame around the grid.
    const f0 = 88, f1 = N - 88, w = 10;
    const onFrame = x >= f0 && x < f1 && y >= f0 && y < f1 && (x < f0 + w || x >= f1 - w || y < f0 + w || y >= f1 - w);
    if (onFrame) rgb = [240, 240, 236];
    px.set([...rgb, 255], o);
  }
}

const crcTable = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) {
  raw[y * (N * 4 + 1)] = 0; // filter: none
  Buffer.from(px.buffer, y * N * 4, N * 4).copy(raw, y * (N * 4 + 1) + 1);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(join(root, 'build', 'icon.png'), png);
console.log(`wrote build/icon.png (${png.length} bytes)`);
