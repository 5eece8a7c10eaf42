// Where tiles and cells go inside a panel, and which one lies under a point. Pure arithmetic so the
// drawing, the hover lookup and the tests all agree on one layout.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A grid of equally sized tiles laid out row by row inside a box (CSS pixels). */
export interface TileGrid {
  count: number;
  cols: number;
  rows: number;
  /** Size of one tile. */
  tileW: number;
  tileH: number;
  /** Space between neighbouring tiles. */
  gap: number;
  /** Top-left corner of the first tile. */
  x0: number;
  y0: number;
  /** Size of the map inside each tile (texels), for locating a pixel within a tile. */
  mapW: number;
  mapH: number;
}

export interface TileGridOptions {
  count: number;
  mapW: number;
  mapH: number;
  box: Rect;
  /** Columns; 0 or absent = the near-square arrangement that makes tiles largest. */
  columns?: number;
  /** Rows; used instead of columns when given (FC grids are specified by rows). */
  rows?: number;
  gap?: number;
  /**
   * 'keep': tiles keep the map's aspect ratio and snap to whole device pixels per texel where they
   * are at least one device pixel per texel (crisp nearest-neighbour); 'fill': tiles stretch to fill
   * the box (neuron cells).
   */
  fit?: 'keep' | 'fill';
  devicePixelRatio?: number;
}

function scaleFor(cols: number, o: TileGridOptions): number {
  const gap = o.gap ?? 2;
  const rows = Math.ceil(o.count / cols);
  const sx = (o.box.w - (cols - 1) * gap) / (cols * o.mapW);
  const sy = (o.box.h - (rows - 1) * gap) / (rows * o.mapH);
  return Math.min(sx, sy);
}

/** The column count that makes the tiles largest in the box (ties: fewer columns). */
export function autoColumns(o: Omit<TileGridOptions, 'columns' | 'rows'>): number {
  let best = 1;
  let bestScale = -Infinity;
  for (let cols = 1; cols <= Math.max(1, o.count); cols++) {
    const s = scaleFor(cols, o);
    if (s > bestScale + 1e-9) {
      bestScale = s;
      best = cols;
    }
  }
  return best;
}

export function tileGrid(o: TileGridOptions): TileGrid {
  const count = Math.max(0, o.count);
  const gap = o.gap ?? 2;
  let cols: number;
  if (o.rows && o.rows > 0) cols = Math.ceil(count / Math.min(o.rows, Math.max(1, count)));
  else if (o.columns && o.columns > 0) cols = Math.min(o.columns, Math.max(1, count));
  else cols = autoColumns(o);
  cols = Math.max(1, cols);
  const rows = Math.max(1, Math.ceil(count / cols));
  let tileW: number;
  let tileH: number;
  if (o.fit === 'fill') {
    tileW = Math.max(0, (o.box.w - (cols - 1) * gap) / cols);
    tileH = Math.max(0, (o.box.h - (rows - 1) * gap) / rows);
  } else {
    let s = Math.max(0, scaleFor(cols, o));
    const dpr = o.devicePixelRatio ?? 1;
    // Whole device pixels per texel keep nearest-neighbour maps evenly crisp — unless snapping
    // would shrink the tiles by more than a quarter (then size wins over even texels).
    const snapped = Math.floor(s * dpr) / dpr;
    if (snapped > 0 && snapped >= 0.75 * s) s = snapped;
    tileW = s * o.mapW;
    tileH = s * o.mapH;
  }
  const usedW = cols * tileW + (cols - 1) * gap;
  const usedH = rows * tileH + (rows - 1) * gap;
  return {
    count,
    cols,
    rows,
    tileW,
    tileH,
    gap,
    x0: o.box.x + Math.max(0, (o.box.w - usedW) / 2),
    y0: o.box.y + Math.max(0, (o.box.h - usedH) / 2),
    mapW: o.mapW,
    mapH: o.mapH,
  };
}

/** Rectangle of tile `i`. */
export function tileRect(g: TileGrid, i: number): Rect {
  const col = i % g.cols;
  const row = Math.floor(i / g.cols);
  return { x: g.x0 + col * (g.tileW + g.gap), y: g.y0 + row * (g.tileH + g.gap), w: g.tileW, h: g.tileH };
}

export interface TileHit {
  /** Tile index in layout order. */
  index: number;
  /** Texel inside the tile's map. */
  mx: number;
  my: number;
}

/** The tile and map texel under (x, y), or null over a gap, outside the grid or past the last tile. */
export function tileAt(g: TileGrid, x: number, y: number): TileHit | null {
  if (g.tileW <= 0 || g.tileH <= 0) return null;
  const px = x - g.x0;
  const py = y - g.y0;
  if (px < 0 || py < 0) return null;
  const col = Math.floor(px / (g.tileW + g.gap));
  const row = Math.floor(py / (g.tileH + g.gap));
  if (col >= g.cols || row >= g.rows) return null;
  const ix = px - col * (g.tileW + g.gap);
  const iy = py - row * (g.tileH + g.gap);
  if (ix >= g.tileW || iy >= g.tileH) return null;
  const index = row * g.cols + col;
  if (index >= g.count) return null;
  return {
    index,
    mx: Math.min(g.mapW - 1, Math.floor((ix / g.tileW) * g.mapW)),
    my: Math.min(g.mapH - 1, Math.floor((iy / g.tileH) * g.mapH)),
  };
}

/** `r` with its edges on whole device pixels (even cell widths and gaps with nearest-neighbour drawing). */
export function snapRect(r: Rect, dpr = 1): Rect {
  const x0 = Math.round(r.x * dpr) / dpr;
  const y0 = Math.round(r.y * dpr) / dpr;
  const x1 = Math.round((r.x + r.w) * dpr) / dpr;
  const y1 = Math.round((r.y + r.h) * dpr) / dpr;
  return { x: x0, y: y0, w: Math.max(1 / dpr, x1 - x0), h: Math.max(1 / dpr, y1 - y0) };
}

/** Largest rectangle of aspect w:h centred in `box`. */
export function fitRect(box: Rect, w: number, h: number): Rect {
  const s = Math.max(0, Math.min(box.w / w, box.h / h));
  return { x: box.x + (box.w - w * s) / 2, y: box.y + (box.h - h * s) / 2, w: w * s, h: h * s };
}

export const inRect = (r: Rect, x: number, y: number) => x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;

/**
 * Where maps sit in the texture holding all of a panel's maps. When the maps fit stacked one above
 * the other (count · mapH ≤ maxSize) the texture is exactly the payload's bytes — one copy, no
 * rearranging; otherwise a near-square block of tiles keeps long stacks inside the GPU's texture
 * size limit. (The scene uploads with UNPACK_ALIGNMENT 1, so rows need no padding.)
 */
export interface AtlasLayout {
  cols: number;
  rows: number;
  /** Texture size in texels. */
  width: number;
  height: number;
  mapW: number;
  mapH: number;
  /** Maps are stacked in payload order: the texture bytes equal the payload bytes. */
  stacked: boolean;
}

export function atlasLayout(count: number, mapW: number, mapH: number, maxSize = 4096): AtlasLayout {
  const n = Math.max(1, count);
  if (n * mapH <= maxSize && mapW <= maxSize) {
    return { cols: 1, rows: n, width: mapW, height: n * mapH, mapW, mapH, stacked: true };
  }
  let cols = Math.max(1, Math.ceil(Math.sqrt((n * mapH) / mapW)));
  cols = Math.min(cols, Math.max(1, Math.floor(maxSize / mapW)));
  const rows = Math.ceil(n / cols);
  const width = cols * mapW;
  const height = rows * mapH;
  if (width > maxSize || height > maxSize) {
    throw new Error(`${count} maps of ${mapW}×${mapH} do not fit a ${maxSize}×${maxSize} texture`);
  }
  return { cols, rows, width, height, mapW, mapH, stacked: false };
}

/** Texel rectangle of map `i` in the atlas. */
export function atlasRect(a: AtlasLayout, i: number): Rect {
  return { x: (i % a.cols) * a.mapW, y: Math.floor(i / a.cols) * a.mapH, w: a.mapW, h: a.mapH };
}

/** Copies `count` row-major maps from `src` into the atlas buffer `dst` (width × height bytes). */
export function packAtlas(a: AtlasLayout, src: Uint8Array, count: number, dst: Uint8Array): void {
  const { mapW, mapH, width } = a;
  const plane = mapW * mapH;
  if (a.stacked) {
    dst.set(count * plane < src.length ? src.subarray(0, count * plane) : src);
    return;
  }
  // Plain loops: no per-row views allocated on the frame path.
  for (let i = 0; i < count; i++) {
    const ox = (i % a.cols) * mapW;
    const oy = Math.floor(i / a.cols) * mapH;
    let s = i * plane;
    for (let y = 0; y < mapH; y++) {
      let d = (oy + y) * width + ox;
      for (let x = 0; x < mapW; x++) dst[d++] = src[s++];
    }
  }
}

/**
 * Packs rectangles of different sizes into one texture, row by row ("shelves") in the given order:
 * for the all-layers strip, whose layers' maps differ in size, so all thumbnails share one texture
 * (one upload and one draw call per frame).
 */
export function shelfPack(sizes: readonly { w: number; h: number }[], maxWidth: number): { width: number; height: number; rects: Rect[] } {
  const widest = sizes.reduce((m, s) => Math.max(m, s.w), 1);
  const rowWidth = Math.max(widest, Math.min(maxWidth, Math.ceil(Math.sqrt(sizes.reduce((a, s) => a + s.w * s.h, 0)) * 1.5)));
  const rects: Rect[] = [];
  let x = 0;
  let y = 0;
  let shelf = 0;
  let width = 0;
  for (const s of sizes) {
    if (x > 0 && x + s.w > rowWidth) {
      y += shelf;
      x = 0;
      shelf = 0;
    }
    rects.push({ x, y, w: s.w, h: s.h });
    x += s.w;
    width = Math.max(width, x);
    shelf = Math.max(shelf, s.h);
  }
  return { width: Math.max(1, width), height: Math.max(1, y + shelf), rects };
}
