import { batch, createSignal } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../src-shared/contract';
import { defaultLayout } from '../layout/default-layout';
import { isValidPlacement } from '../layout/grid';
import { serialiseLayout } from '../layout/layout-file';
import { smallModel } from '../model/testing/small-model';
import { createLayoutStore } from './layout';
import { createNotices } from './notices';
import { disposeRoots, inRoot } from './testing/roots';

function setup(saved: Record<string, unknown> = {}) {
  const [model, setModel] = createSignal<ModelInfo | null>(null);
  const notices = createNotices();
  const writes: { id: string; layout: unknown }[] = [];
  const store = inRoot(() =>
    createLayoutStore({
      model,
      saved: { get: (id) => saved[id], save: (id, layout) => void writes.push({ id, layout }) },
      notify: notices.notify,
    }),
  ).value;
  const load = (m: ModelInfo) =>
    batch(() => {
      setModel(m);
      store.useModel(m);
    });
  return { store, load, notices, writes };
}

describe('layout store', () => {
  afterEach(disposeRoots);

  it('gives a new model its saved layout, or its default when the saved one does not fit', () => {
    const m = smallModel();
    const mine = defaultLayout(m);
    mine.panels = mine.panels.filter((p) => p.kind !== 'strip');
    const a = setup({ small: JSON.parse(serialiseLayout(mine)) });
    a.load(m);
    expect(a.store.panels().map((p) => p.id)).toEqual(mine.panels.map((p) => p.id));

    const broken = JSON.parse(serialiseLayout(mine));
    broken.panels[3].layer = 'conv9';
    const b = setup({ small: broken });
    b.load(m);
    expect(b.store.panels().some((p) => p.kind === 'strip')).toBe(true);
    expect(b.notices.notices()[0].text).toMatch(/^Saved layout for Small LeNet-like: panels\[3\]\.layer: "conv9" is not a layer .* — using the default layout instead\.$/);
  });

  it('adds panels through their kinds, in free spots, and for a clicked layer', () => {
    const s = setup();
    s.load(smallModel());
    const before = s.store.panels().length;
    s.store.add('conv', 'conv2');
    s.store.addLayerPanel('pool1');
    s.store.addLayerPanel('relu1');
    s.store.add('probs');
    // A layer kind without a layer makes nothing.
    s.store.add('fc');
    const added = s.store.panels().slice(before);
    expect(added.map((p) => [p.id, p.kind, 'layer' in p ? p.layer : '-'])).toEqual([
      ['conv-3', 'conv', 'conv2'],
      ['conv-4', 'conv', 'pool1'],
      ['fc-2', 'fc', 'relu1'],
      ['probs-1', 'probs', '-'],
    ]);
    expect(isValidPlacement(s.store.panels().map((p) => p.grid))).toBe(true);
  });

  it('moves, changes and removes panels of the view on screen; each view keeps its own', () => {
    const s = setup();
    s.load(smallModel());
    const generic = s.store.panels().length;
    s.store.setView('sorted');
    expect(s.store.view()).toBe('sorted');
    expect(s.store.panels().map((p) => p.kind)).toEqual(['camera', 'crop', 'probs', 'sorted']);
    s.store.remove('crop');
    s.store.move('sorted', { x: 0, y: 0, w: 12, h: 4 });
    expect(s.store.panels().find((p) => p.id === 'sorted')?.grid).toEqual({ x: 0, y: 0, w: 12, h: 4 });
    expect(isValidPlacement(s.store.panels().map((p) => p.grid))).toBe(true);
    s.store.setSortedClass(7);
    expect(s.store.sortedClass()).toBe(7);
    s.store.setView('generic');
    expect(s.store.panels()).toHaveLength(generic);
    const conv = s.store.panels().find((p) => p.kind === 'conv')!;
    s.store.change({ ...conv, colourMap: 'magma' } as typeof conv);
    expect(s.store.panels().find((p) => p.id === conv.id)).toMatchObject({ colourMap: 'magma' });
    // Every change was saved for this model.
    expect(s.writes.at(-1)).toMatchObject({ id: 'small', layout: { view: 'generic' } });
    expect(JSON.stringify(s.writes.at(-1)!.layout)).toContain('magma');
  });

  it('exports to a file and imports from one, keeping the layout when the file is wrong', () => {
    const s = setup();
    s.load(smallModel());
    s.store.setView('sorted');
    const file = s.store.exportFile()!;
    expect(file.name).toBe('convscope-layout-small.json');
    s.store.reset();
    expect(s.store.view()).toBe('sorted');
    s.store.setView('generic');
    s.store.importFile('mine.json', file.text);
    expect(s.store.view()).toBe('sorted');
    s.store.importFile('bad.json', '{"version": 2}');
    expect(s.store.view()).toBe('sorted');
    expect(s.notices.notices().map((n) => n.text)).toEqual(['Layout loaded from mine.json.', 'Bad.json: version must be 1, got 2 — the previous layout is kept.']);
  });
});
