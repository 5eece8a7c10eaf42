// The layout of the loaded model: the two views and their panels, what the user does to them, and
// keeping it in the settings (per model) and in files.
import { createEffect, createMemo, createSignal, on, type Accessor } from 'solid-js';
import type { ModelInfo } from '../../../src-shared/contract';
import { defaultLayout } from '../layout/default-layout';
import { addPanel, newPanelId, placePanel, removePanel } from '../layout/grid';
import { parseLayout, serialiseLayout } from '../layout/layout-file';
import type { Layout } from '../layout/types';
import { kindNamed, PANEL_KINDS, type PanelKindName, type PanelSpec } from '../panels/registry';
import type { GridRect } from '../panels/types';
import type { Notify } from './notices';

export type View = Layout['view'];

export function createLayoutStore(deps: {
  model: Accessor<ModelInfo | null>;
  /** Layouts kept per model id (the settings). */
  saved: { get(modelId: string): unknown; save(modelId: string, layout: unknown): void };
  notify: Notify;
}) {
  const [layout, setLayout] = createSignal<Layout | null>(null);
  const view = (): View => layout()?.view ?? 'generic';
  /** The panels of the view on screen. */
  const panels: Accessor<PanelSpec[]> = createMemo(() => {
    const l = layout();
    if (!l) return [];
    return l.view === 'sorted' ? (l.sortedPanels ?? []) : l.panels;
  });

  const updatePanels = (fn: (p: PanelSpec[]) => PanelSpec[]) => {
    const l = layout();
    if (!l) return;
    if (l.view === 'sorted') setLayout({ ...l, sortedPanels: fn(l.sortedPanels ?? []) });
    else setLayout({ ...l, panels: fn(l.panels) });
  };

  const sortedClass = () => {
    const s = (layout()?.sortedPanels ?? []).find((p) => p.kind === 'sorted');
    return s && s.kind === 'sorted' ? s.classIndex : 0;
  };

  /** A new panel of `kind` (showing `layer`), placed in the first free spot. */
  const add = (kind: PanelKindName, layer?: string) => {
    const m = deps.model();
    if (!m) return;
    const spec = kindNamed(kind).create({ id: newPanelId(panels(), kind), model: m, layer, sortedClass: sortedClass() });
    if (spec) updatePanels((p) => addPanel(p, spec));
  };

  // Every change reaches the settings, keyed by the model it was made for.
  createEffect(
    on(layout, (l) => {
      const m = deps.model();
      if (l && m && l.modelId === m.id) deps.saved.save(m.id, JSON.parse(serialiseLayout(l)));
    }),
  );

  return {
    layout,
    view,
    panels,
    sortedClass,

    /** The layout for a newly loaded model: the saved one, else its default. */
    useModel(m: ModelInfo) {
      const saved = deps.saved.get(m.id);
      if (saved !== undefined) {
        try {
          return setLayout(parseLayout(saved, m, `saved layout for ${m.name}`));
        } catch (e) {
          deps.notify('error', `${(e as Error).message} — using the default layout instead.`);
        }
      }
      setLayout(defaultLayout(m));
    },

    move: (id: string, rect: GridRect) => updatePanels((p) => placePanel(p, id, rect)),
    remove: (id: string) => updatePanels((p) => removePanel(p, id)),
    change: (spec: PanelSpec) => updatePanels((p) => p.map((x) => (x.id === spec.id ? spec : x))),
    add,

    /** A panel for `layer`, of the first kind that shows such a layer (a strip thumbnail was clicked). */
    addLayerPanel(layer: string) {
      const m = deps.model();
      const kind = m && PANEL_KINDS.find((k) => k.layers?.(m).some((l) => l.name === layer));
      if (kind) add(kind.kind, layer);
    },

    setView(v: View) {
      const l = layout();
      if (l && l.view !== v) setLayout({ ...l, view: v });
    },

    /** The class the sorted-neurons panels order by, in both views. */
    setSortedClass(classIndex: number) {
      const l = layout();
      if (!l) return;
      const set = (list: PanelSpec[]) => list.map((p) => (p.kind === 'sorted' ? { ...p, classIndex } : p));
      setLayout({ ...l, panels: set(l.panels), sortedPanels: set(l.sortedPanels ?? []) });
    },

    reset() {
      const m = deps.model();
      const l = layout();
      if (m && l) setLayout({ ...defaultLayout(m), view: l.view });
    },

    /** The layout as a file: its name and text. */
    exportFile(): { name: string; text: string } | null {
      const l = layout();
      const m = deps.model();
      return l && m ? { name: `convscope-layout-${m.id}.json`, text: serialiseLayout(l) } : null;
    },

    /** Uses the layout in a file; a file that does not fit the model is refused and the layout kept. */
    importFile(name: string, text: string) {
      const m = deps.model();
      if (!m) return;
      try {
        setLayout(parseLayout(text, m, name));
        deps.notify('info', `Layout loaded from ${name}.`);
      } catch (e) {
        deps.notify('error', `${(e as Error).message} — the previous layout is kept.`);
      }
    },
  };
}

export type LayoutStore = ReturnType<typeof createLayoutStore>;
