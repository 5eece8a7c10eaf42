// Placement on the layout grid: panels never overlap. Moving or resizing a panel pushes the panels
// it lands on downwards, then everything floats up into free rows so no holes are left behind.
import type { PanelSpec } from '../panels/registry';
import type { GridRect } from '../panels/types';
import { GRID } from './types';

export function overlaps(a: GridRect, b: GridRect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Whole cells, inside the 12 columns, at least one cell large. */
export function clampRect(r: GridRect, columns: number = GRID.columns): GridRect {
  const w = Math.min(columns, Math.max(1, Math.round(r.w)));
  const h = Math.max(1, Math.round(r.h));
  const x = Math.min(columns - w, Math.max(0, Math.round(r.x)));
  const y = Math.max(0, Math.round(r.y));
  return { x, y, w, h };
}

/** The first free place (top to bottom, left to right) for a w × h panel. */
export function findFreeSpot(rects: readonly GridRect[], w: number, h: number, columns: number = GRID.columns): GridRect {
  const size = clampRect({ x: 0, y: 0, w, h }, columns);
  for (let y = 0; ; y++) {
    for (let x = 0; x + size.w <= columns; x++) {
      const r = { x, y, w: size.w, h: size.h };
      if (!rects.some((o) => overlaps(o, r))) return r;
    }
  }
}

/** Moves every panel up as far as it can go without overlapping the ones above it. */
export function compact<T extends { grid: GridRect }>(items: readonly T[], pinned?: T): T[] {
  const order = [...items].sort((a, b) => (a === pinned ? -1 : b === pinned ? 1 : a.grid.y - b.grid.y || a.grid.x - b.grid.x));
  const placed: GridRect[] = [];
  const out = new Map<T, GridRect>();
  for (const it of order) {
    let r = { ...it.grid };
    if (it !== pinned) {
      // Fall to the lowest overlap-free position at or below y = 0, keeping the column.
      r.y = 0;
      while (placed.some((p) => overlaps(p, r))) {
        const below = Math.max(...placed.filter((p) => overlaps(p, r)).map((p) => p.y + p.h));
        r = { ...r, y: below };
      }
    }
    placed.push(r);
    out.set(it, r);
  }
  return items.map((it) => {
    const r = out.get(it)!;
    return r.x === it.grid.x && r.y === it.grid.y && r.w === it.grid.w && r.h === it.grid.h ? it : { ...it, grid: r };
  });
}

/**
 * Puts panel `id` at `rect` (clamped to the grid). Panels it covers move down below it; the rest of
 * the layout then compacts upwards. Returns a new array in the same order.
 */
export function placePanel(panels: readonly PanelSpec[], id: string, rect: GridRect): PanelSpec[] {
  const target = panels.find((p) => p.id === id);
  if (!target) return [...panels];
  const moved = { ...target, grid: clampRect(rect) } as PanelSpec;
  const list = panels.map((p) => (p.id === id ? moved : p));
  // Resolve overlaps with the moved panel first: everything it covers goes below it.
  const placed: GridRect[] = [moved.grid];
  const pushed = new Map<string, GridRect>();
  const others = list.filter((p) => p !== moved).sort((a, b) => a.grid.y - b.grid.y || a.grid.x - b.grid.x);
  for (const p of others) {
    let r = { ...p.grid };
    while (placed.some((o) => overlaps(o, r))) {
      r = { ...r, y: Math.max(...placed.filter((o) => overlaps(o, r)).map((o) => o.y + o.h)) };
    }
    placed.push(r);
    pushed.set(p.id, r);
  }
  const resolved = list.map((p) => (p === moved ? p : ({ ...p, grid: pushed.get(p.id)! } as PanelSpec)));
  return compact(resolved, resolved.find((p) => p.id === id));
}

/** Adds a panel in the first free spot that fits its size. */
export function addPanel(panels: readonly PanelSpec[], panel: PanelSpec): PanelSpec[] {
  const spot = findFreeSpot(
    panels.map((p) => p.grid),
    panel.grid.w,
    panel.grid.h,
  );
  return [...panels, { ...panel, grid: spot } as PanelSpec];
}

export function removePanel(panels: readonly PanelSpec[], id: string): PanelSpec[] {
  return compact(panels.filter((p) => p.id !== id));
}

/** True when no two panels overlap and all lie inside the grid's columns. */
export function isValidPlacement(rects: readonly GridRect[], columns: number = GRID.columns): boolean {
  for (let i = 0; i < rects.length; i++) {
    const a = rects[i];
    if (a.x < 0 || a.y < 0 || a.w < 1 || a.h < 1 || a.x + a.w > columns) return false;
    for (let j = i + 1; j < rects.length; j++) if (overlaps(a, rects[j])) return false;
  }
  return true;
}

/** A panel id not yet used in `panels`, e.g. 'conv-3'. */
export function newPanelId(panels: readonly { id: string }[], kind: string): string {
  const used = new Set(panels.map((p) => p.id));
  for (let i = 1; ; i++) if (!used.has(`${kind}-${i}`)) return `${kind}-${i}`;
}

/**
 * The row height that fits `rows` rows into `available` CSS pixels of height, kept between the
 * grid's smallest and largest row: panels shrink with the window down to the smallest rows, and the
 * workspace scrolls only beyond that.
 */
export function fitRowHeight(available: number, rows: number): number {
  const n = Math.max(1, rows);
  const h = Math.floor((available - GRID.gap * (n - 1)) / n);
  return Math.max(GRID.minRowHeight, Math.min(GRID.maxRowHeight, h));
}
