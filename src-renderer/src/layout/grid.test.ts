import { describe, expect, it } from 'vitest';
import { addPanel, clampRect, findFreeSpot, isValidPlacement, overlaps, placePanel, removePanel } from './grid';
import type { PanelSpec } from '../panels/registry';

const panel = (id: string, x: number, y: number, w: number, h: number): PanelSpec => ({ id, kind: 'crop', grid: { x, y, w, h } });

describe('layout grid', () => {
  it('detects overlap only when cells are shared', () => {
    expect(overlaps({ x: 0, y: 0, w: 4, h: 4 }, { x: 4, y: 0, w: 4, h: 4 })).toBe(false);
    expect(overlaps({ x: 0, y: 0, w: 4, h: 4 }, { x: 3, y: 3, w: 4, h: 4 })).toBe(true);
    expect(overlaps({ x: 0, y: 0, w: 4, h: 4 }, { x: 0, y: 4, w: 4, h: 4 })).toBe(false);
  });

  it('clamps a rectangle into the 12 columns', () => {
    expect(clampRect({ x: 10, y: -2, w: 5, h: 0 })).toEqual({ x: 7, y: 0, w: 5, h: 1 });
    expect(clampRect({ x: -1, y: 2.4, w: 20, h: 3 })).toEqual({ x: 0, y: 2, w: 12, h: 3 });
  });

  it('finds the first free spot that fits', () => {
    const rects = [
      { x: 0, y: 0, w: 4, h: 6 },
      { x: 4, y: 0, w: 4, h: 6 },
    ];
    expect(findFreeSpot(rects, 4, 6)).toEqual({ x: 8, y: 0, w: 4, h: 6 });
    expect(findFreeSpot(rects, 6, 2)).toEqual({ x: 0, y: 6, w: 6, h: 2 });
  });

  it('moving a panel onto others pushes them down and leaves no overlap', () => {
    const panels = [panel('a', 0, 0, 4, 4), panel('b', 4, 0, 4, 4), panel('c', 8, 0, 4, 4), panel('d', 0, 4, 12, 3)];
    const out = placePanel(panels, 'd', { x: 2, y: 0, w: 8, h: 3 });
    expect(isValidPlacement(out.map((p) => p.grid))).toBe(true);
    expect(out.find((p) => p.id === 'd')!.grid).toEqual({ x: 2, y: 0, w: 8, h: 3 });
    // a, b and c overlapped the new spot of d and now sit below it.
    for (const id of ['a', 'b', 'c']) expect(out.find((p) => p.id === id)!.grid.y).toBe(3);
    expect(out.map((p) => p.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('resizing a panel keeps it in bounds and the layout collision-free', () => {
    const panels = [panel('a', 0, 0, 6, 4), panel('b', 6, 0, 6, 4), panel('c', 0, 4, 6, 4)];
    const out = placePanel(panels, 'a', { x: 0, y: 0, w: 14, h: 5 });
    expect(out.find((p) => p.id === 'a')!.grid).toEqual({ x: 0, y: 0, w: 12, h: 5 });
    expect(isValidPlacement(out.map((p) => p.grid))).toBe(true);
    expect(out.find((p) => p.id === 'b')!.grid.y).toBeGreaterThanOrEqual(5);
  });

  it('adds into free space and compacts after a removal', () => {
    let panels = [panel('a', 0, 0, 12, 4), panel('b', 0, 4, 6, 4)];
    panels = addPanel(panels, panel('c', 0, 0, 6, 4));
    expect(panels.find((p) => p.id === 'c')!.grid).toEqual({ x: 6, y: 4, w: 6, h: 4 });
    panels = removePanel(panels, 'a');
    expect(panels.map((p) => p.id)).toEqual(['b', 'c']);
    expect(panels.every((p) => p.grid.y === 0)).toBe(true);
    expect(isValidPlacement(panels.map((p) => p.grid))).toBe(true);
  });

  it('random moves never produce overlaps', () => {
    let panels = Array.from({ length: 8 }, (_, i) => panel(`p${i}`, (i % 3) * 4, Math.floor(i / 3) * 4, 4, 4));
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let k = 0; k < 200; k++) {
      const id = `p${rnd(8)}`;
      panels = placePanel(panels, id, { x: rnd(12), y: rnd(12), w: 1 + rnd(8), h: 1 + rnd(6) });
      expect(isValidPlacement(panels.map((p) => p.grid))).toBe(true);
    }
  });
});
