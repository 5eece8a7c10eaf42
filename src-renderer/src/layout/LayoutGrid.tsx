// The panels on the 12-column grid: each panel's frame (title, colour map, settings, remove, drag
// handle, resize corner) around its body. Rows share the workspace's height, so a layout fits the
// window down to the grid's smallest rows.
import { createEffect, createSignal, For, onCleanup, onMount, Show, type Accessor, type Component, type JSX } from 'solid-js';
import type { ModelInfo } from '../../../src-shared/contract';
import type { PanelSpec } from '../panels/registry';
import type { GridRect, TitleContext } from '../panels/types';
import { COLOUR_MAP_NAMES, COLOUR_MAPS, type ColourMap } from '../scene/colourMaps';
import { clampRect, fitRowHeight } from './grid';
import { PanelSettings } from './PanelSettings';
import { panelTitle, titleTooltip } from './titles';
import { GRID } from './types';

interface Gesture {
  id: string;
  how: 'move' | 'resize';
  rect: GridRect;
  dx: number;
  dy: number;
}

export interface LayoutGridProps {
  panels: Accessor<PanelSpec[]>;
  model: ModelInfo;
  /** What fills a panel's frame. */
  body: Component<{ spec: PanelSpec; model: ModelInfo }>;
  /** What titles may depend on besides panel and model (the picture's source). */
  titleContext: Accessor<TitleContext>;
  onMove: (id: string, rect: GridRect) => void;
  onRemove: (id: string) => void;
  onChange: (spec: PanelSpec) => void;
}

export function LayoutGrid(props: LayoutGridProps): JSX.Element {
  let grid!: HTMLDivElement;
  const [gesture, setGesture] = createSignal<Gesture | null>(null);
  const [available, setAvailable] = createSignal(0);
  const ids = () => props.panels().map((p) => p.id);
  const specOf = (id: string) => props.panels().find((p) => p.id === id);
  const layoutRows = () => Math.max(1, ...props.panels().map((p) => p.grid.y + p.grid.h));
  const rows = () => Math.max(layoutRows(), (gesture()?.rect.y ?? 0) + (gesture()?.rect.h ?? 0));
  const rowHeight = () => fitRowHeight(available(), layoutRows());

  // The height left for the grid: the workspace's, less what sits above the grid and its padding.
  // Measured again when the workspace or anything beside the grid changes size, and when something
  // comes or goes beside it (the sorted view's hint).
  onMount(() => {
    const ws = grid.parentElement;
    if (!ws) return;
    const measure = () => {
      const pad = parseFloat(getComputedStyle(ws).paddingBottom) || 0;
      const above = grid.getBoundingClientRect().top - ws.getBoundingClientRect().top + ws.scrollTop;
      setAvailable(ws.clientHeight - above - pad);
    };
    const ro = new ResizeObserver(measure);
    const observe = () => {
      ro.disconnect();
      ro.observe(ws);
      for (const el of ws.children) if (el !== grid) ro.observe(el);
      measure();
    };
    const mo = new MutationObserver(observe);
    mo.observe(ws, { childList: true });
    observe();
    onCleanup(() => {
      mo.disconnect();
      ro.disconnect();
    });
  });

  /** Pointer drags snap to grid cells; the layout changes once, on release. */
  const startGesture = (e: PointerEvent, spec: PanelSpec, how: Gesture['how']) => {
    if (e.button !== 0) return;
    if (how === 'move' && (e.target as HTMLElement).closest('button, select, input, .popover')) return;
    e.preventDefault();
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    const pitchX = (grid.clientWidth + GRID.gap) / GRID.columns;
    const pitchY = rowHeight() + GRID.gap;
    const x0 = e.clientX;
    const y0 = e.clientY;
    const g0 = spec.grid;
    setGesture({ id: spec.id, how, rect: g0, dx: 0, dy: 0 });
    const onMove = (m: PointerEvent) => {
      const dx = m.clientX - x0;
      const dy = m.clientY - y0;
      const cx = Math.round(dx / pitchX);
      const cy = Math.round(dy / pitchY);
      const rect = how === 'move' ? clampRect({ ...g0, x: g0.x + cx, y: g0.y + cy }) : clampRect({ ...g0, w: g0.w + cx, h: g0.h + cy });
      setGesture({ id: spec.id, how, rect, dx, dy });
    };
    const onUp = () => {
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
      const g = gesture();
      setGesture(null);
      if (g && (g.rect.x !== g0.x || g.rect.y !== g0.y || g.rect.w !== g0.w || g.rect.h !== g0.h)) props.onMove(spec.id, g.rect);
    };
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
  };

  return (
    <div
      class="layout-grid"
      ref={grid}
      data-testid="layout-grid"
      style={{
        'grid-template-columns': `repeat(${GRID.columns}, minmax(0, 1fr))`,
        'grid-template-rows': `repeat(${rows()}, ${rowHeight()}px)`,
        gap: `${GRID.gap}px`,
      }}
    >
      <For each={ids()}>
        {(id) => (
          <Show when={specOf(id)}>
            {(spec) => (
              <PanelFrame
                spec={spec()}
                model={props.model}
                body={props.body}
                titleContext={props.titleContext}
                gesture={gesture()?.id === id ? gesture() : null}
                onGesture={startGesture}
                onRemove={props.onRemove}
                onChange={props.onChange}
              />
            )}
          </Show>
        )}
      </For>
      <Show when={gesture()}>
        {(g) => (
          <div
            class="grid-ghost"
            style={{ 'grid-column': `${g().rect.x + 1} / span ${g().rect.w}`, 'grid-row': `${g().rect.y + 1} / span ${g().rect.h}` }}
          />
        )}
      </Show>
    </div>
  );
}

function PanelFrame(props: {
  spec: PanelSpec;
  model: ModelInfo;
  body: Component<{ spec: PanelSpec; model: ModelInfo }>;
  titleContext: Accessor<TitleContext>;
  gesture: Gesture | null;
  onGesture: (e: PointerEvent, spec: PanelSpec, how: Gesture['how']) => void;
  onRemove: (id: string) => void;
  onChange: (spec: PanelSpec) => void;
}): JSX.Element {
  let frame!: HTMLElement;
  const [settingsOpen, setSettingsOpen] = createSignal(false);
  const layer = () => ('layer' in props.spec ? props.spec.layer : undefined);
  const colourMap = () => ('colourMap' in props.spec ? props.spec.colourMap : null);
  const title = () => panelTitle(props.spec, props.model, props.titleContext());
  const Body = props.body;

  // Open settings close on a press anywhere but in them or on their button.
  createEffect(() => {
    if (!settingsOpen()) return;
    const closeOnOutside = (e: PointerEvent) => {
      const t = e.target as HTMLElement;
      if (!(frame.contains(t) && t.closest('.popover, .settings-button'))) setSettingsOpen(false);
    };
    document.addEventListener('pointerdown', closeOnOutside);
    onCleanup(() => document.removeEventListener('pointerdown', closeOnOutside));
  });

  return (
    <section
      ref={frame}
      class="panel"
      classList={{ dragging: props.gesture?.how === 'move' }}
      data-panel-kind={props.spec.kind}
      data-panel-id={props.spec.id}
      data-layer={layer()}
      style={{
        'grid-column': `${props.spec.grid.x + 1} / span ${props.spec.grid.w}`,
        'grid-row': `${props.spec.grid.y + 1} / span ${props.spec.grid.h}`,
        transform: props.gesture?.how === 'move' ? `translate(${props.gesture.dx}px, ${props.gesture.dy}px)` : undefined,
      }}
    >
      <header class="panel-head" data-testid="panel-drag" title="Drag to move this panel" onPointerDown={(e) => props.onGesture(e, props.spec, 'move')}>
        <h2 class="panel-title" data-testid="panel-title" title={titleTooltip(props.spec, props.model, props.titleContext())}>
          <span class="title-name">{title().name}</span>
          <Show when={title().detail}>
            <span class="title-detail">{title().detail}</span>
          </Show>
        </h2>
        <Show when={colourMap()}>
          {(cm) => (
            <select
              data-testid="colour-map"
              title="Colour map"
              value={cm()}
              onChange={(e) => props.onChange({ ...props.spec, colourMap: e.currentTarget.value as ColourMap } as PanelSpec)}
            >
              <For each={COLOUR_MAPS}>{(name) => <option value={name}>{COLOUR_MAP_NAMES[name]}</option>}</For>
            </select>
          )}
        </Show>
        <button class="icon settings-button" data-testid="panel-settings" title="Panel settings" aria-expanded={settingsOpen()} onClick={() => setSettingsOpen(!settingsOpen())}>
          ⚙
        </button>
        <button class="icon" data-testid="remove-panel" title="Remove this panel" onClick={() => props.onRemove(props.spec.id)}>
          ✕
        </button>
      </header>
      <Show when={settingsOpen()}>
        <PanelSettings spec={props.spec} model={props.model} onChange={props.onChange} onClose={() => setSettingsOpen(false)} />
      </Show>
      <div class="panel-body" data-testid="panel-body">
        <Body spec={props.spec} model={props.model} />
      </div>
      <div class="panel-resize" data-testid="panel-resize" title="Drag to resize" onPointerDown={(e) => props.onGesture(e, props.spec, 'resize')} />
    </section>
  );
}
