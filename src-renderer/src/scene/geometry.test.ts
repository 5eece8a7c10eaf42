import { describe, expect, it } from 'vitest';
import { atlasLayout, atlasRect, autoColumns, fitRect, packAtlas, shelfPack, snapRect, tileAt, tileGrid, tileRect } from './geometry';

describe('tile grid', () => {
  it('picks the column count that makes tiles largest', () => {
    const box = { x: 0, y: 0, w: 400, h: 400 };
    expect(autoColumns({ count: 4, mapW: 10, mapH: 10, box, gap: 0 })).toBe(2);
    expect(autoColumns({ count: 16, mapW: 10, mapH: 10, box, gap: 0 })).toBe(4);
    // A wide box holds the 20 conv1 maps of LeNet in more columns than rows.
    const wide = autoColumns({ count: 20, mapW: 24, mapH: 24, box: { x: 0, y: 0, w: 600, h: 200 }, gap: 2 });
    expect(wide).toBeGreaterThan(Math.ceil(20 / wide));
    // 50 maps of 8×8 in a square box: 7 × 8 and 8 × 7 give the same tile size; the tie goes to fewer columns.
    expect(autoColumns({ count: 50, mapW: 8, mapH: 8, box, gap: 2 })).toBe(7);
  });

  it('keeps texels whole device pixels and centres the grid', () => {
    const g = tileGrid({ count: 20, mapW: 24, mapH: 24, box: { x: 6, y: 6, w: 400, h: 300 }, gap: 2, devicePixelRatio: 1 });
    expect(Number.isInteger(g.tileW / 24)).toBe(true);
    const last = tileRect(g, g.cols * g.rows - 1);
    // Centred: equal margins left and right.
    expect(Math.abs(g.x0 - 6 - (406 - (last.x + last.w)))).toBeLessThanOrEqual(1);
    // Snapping never costs more than a quarter of the tile size.
    expect(tileGrid({ count: 1, mapW: 10, mapH: 10, box: { x: 0, y: 0, w: 25, h: 25 } }).tileW).toBe(20);
    expect(tileGrid({ count: 1, mapW: 10, mapH: 10, box: { x: 0, y: 0, w: 19, h: 19 } }).tileW).toBeCloseTo(19, 6);
    // FC cells fill the box instead: 500 neurons in 10 rows of 50.
    const fc = tileGrid({ count: 500, mapW: 1, mapH: 1, box: { x: 0, y: 0, w: 549, h: 109 }, rows: 10, gap: 1, fit: 'fill' });
    expect([fc.cols, fc.rows, fc.tileW, fc.tileH]).toEqual([50, 10, 10, 10]);
  });

  it('finds the tile and texel under a point, nothing over gaps or past the last tile', () => {
    const g = tileGrid({ count: 5, mapW: 4, mapH: 4, box: { x: 0, y: 0, w: 3 * 40 + 2 * 2, h: 2 * 40 + 2 }, columns: 3, gap: 2 });
    expect([g.cols, g.rows, g.tileW]).toEqual([3, 2, 40]);
    expect(tileAt(g, 0, 0)).toEqual({ index: 0, mx: 0, my: 0 });
    expect(tileAt(g, 39.9, 39.9)).toEqual({ index: 0, mx: 3, my: 3 });
    expect(tileAt(g, 41, 10)).toBeNull(); // gap
    expect(tileAt(g, 42 + 15, 10)).toEqual({ index: 1, mx: 1, my: 1 });
    expect(tileAt(g, 42 + 5, 42 + 25)).toEqual({ index: 4, mx: 0, my: 2 });
    expect(tileAt(g, 84 + 5, 42 + 5)).toBeNull(); // sixth slot, only five maps
    expect(tileAt(g, -1, 5)).toBeNull();
  });

  it('fits and snaps rectangles', () => {
    expect(fitRect({ x: 0, y: 0, w: 200, h: 100 }, 28, 28)).toEqual({ x: 50, y: 0, w: 100, h: 100 });
    expect(snapRect({ x: 10.4, y: 3.6, w: 9.2, h: 9.9 })).toEqual({ x: 10, y: 4, w: 10, h: 10 });
    expect(snapRect({ x: 0.3, y: 0, w: 0.2, h: 1 }, 2)).toEqual({ x: 0.5, y: 0, w: 0.5, h: 1 });
  });
});

describe('texture atlas', () => {
  it('stacks maps as sent when they fit, else tiles them inside the texture size limit', () => {
    expect(atlasLayout(50, 8, 8, 4096)).toMatchObject({ stacked: true, cols: 1, width: 8, height: 400 });
    const a = atlasLayout(1000, 13, 13, 4096);
    expect(a.stacked).toBe(false);
    expect(a.width).toBeLessThanOrEqual(4096);
    expect(a.height).toBeLessThanOrEqual(4096);
    expect(a.cols * a.rows).toBeGreaterThanOrEqual(1000);
    expect(atlasLayout(500, 1, 1)).toMatchObject({ stacked: true, width: 1, height: 500 });
    expect(atlasLayout(5000, 1, 1, 4096).stacked).toBe(false);
    expect(() => atlasLayout(100000, 64, 64, 4096)).toThrow(/do not fit a 4096×4096 texture/);
  });

  it('puts every map where atlasRect says, stacked or tiled', () => {
    const k = 7;
    const w = 5;
    const h = 3;
    const src = Uint8Array.from({ length: k * w * h }, (_, i) => (i * 7) % 251);
    for (const maxSize of [4096, 12]) {
      const a = atlasLayout(k, w, h, maxSize);
      expect(a.stacked).toBe(maxSize === 4096);
      const dst = new Uint8Array(a.width * a.height);
      packAtlas(a, src, k, dst);
      for (let m = 0; m < k; m++) {
        const r = atlasRect(a, m);
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) expect(dst[(r.y + y) * a.width + r.x + x]).toBe(src[m * w * h + y * w + x]);
      }
    }
    // Neuron vectors: one texel per neuron (tiled when the vector is longer than the size limit).
    const v = Uint8Array.from({ length: 500 }, (_, i) => i % 256);
    const av = atlasLayout(500, 1, 1, 64);
    const dv = new Uint8Array(av.width * av.height);
    packAtlas(av, v, 500, dv);
    for (const n of [0, 1, 23, 499]) {
      const r = atlasRect(av, n);
      expect(dv[r.y * av.width + r.x]).toBe(v[n]);
    }
  });
});

describe('shelf packing', () => {
  it('places maps of different sizes without overlap inside the texture', () => {
    const sizes = [111, 111, 55, 55, 55, 27, 27, 27, 27, 13, 13, 13, 1].map((n) => ({ w: n, h: n }));
    const { width, height, rects } = shelfPack(sizes, 4096);
    expect(rects).toHaveLength(sizes.length);
    rects.forEach((r, i) => {
      expect([r.w, r.h]).toEqual([sizes[i].w, sizes[i].h]);
      expect(r.x + r.w).toBeLessThanOrEqual(width);
      expect(r.y + r.h).toBeLessThanOrEqual(height);
      for (let j = 0; j < i; j++) {
        const q = rects[j];
        const apart = r.x >= q.x + q.w || q.x >= r.x + r.w || r.y >= q.y + q.h || q.y >= r.y + r.h;
        expect(apart).toBe(true);
      }
    });
    expect(width).toBeLessThanOrEqual(4096);
  });
});
