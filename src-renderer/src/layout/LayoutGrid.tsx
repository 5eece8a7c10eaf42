// The panels on the 12-column grid: each panel's chrome (title, colour map, settings, remove, drag
// handle, resize corner) around the SCENE engineer's PanelBody, or the camera view.
import { createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import type { App } from '../app/controller';
import { CameraView } from '../camera/CameraView';
import { PanelBody } from '../panels';
import { clampRect, type GridRect } from './grid';
import { PanelSettings } from './PanelSettings';
import { layerShape, panelTitle } from './titles';
import { COLOUR_MAPS, GRID, type ColourMap, type PanelSpec } from './types';

const COLOUR_MAP_NAMES: Record<ColourMap, string> = {
  gray: 'Gray',
  viridis: 'Viridis',
  magma: 'Magma',
  inferno: 'Inferno',
  plasma: 'Plasma',
  cividis: 'Cividis',
  turbo: 'Turbo',
  jet: 'Jet',
  diverging: 'Diverging (signed)',
};

interface Gesture {
  id: string;
  how: 'move' | 'resize';
  rect: GridRect;
  dx: number;
  dy: number;
}

export function LayoutGrid(props: { app: App }): JSX.Element {
  const app = props.app;
  let grid!: HTMLDivElement;
  const [gesture, setGesture] = createSignal<Gesture | null>(null);
  const ids = () => app.panels().map((p) => p.id);
  const specOf = (id: string) => app.panels().find((p) => p.id === id);
  const rows = () => Math.max(1, ...app.panels().map((p) => p.grid.y + p.grid.h), (gesture()?.rect.y ?? 0) + (gesture()?.rect.h ?? 0));

  /** Pointer drags snap to grid cells; the layout changes once, on release. */
  const startGesture = (e: PointerEvent, spec: PanelSpec, how: Gesture['how']) => {
    if (e.button !== 0) return;
    if (how === 'move' && (e.target as HTMLElement).closest('button, select, input, .popover')) return;
    e.preventDefault();
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    const pitchX = (grid.clientWidth + GRID.gap) / GRID.columns;
    const pitchY = GRID.rowHeight + GRID.gap;
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
      if (g && (g.rect.x !== g0.x || g.rect.y !== g0.y || g.rect.w !== g0.w || g.rect.h !== g0.h)) app.movePanel(spec.id, g.rect);
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
        'grid-template-rows': `repeat(${rows()}, ${GRID.rowHeight}px)`,
        gap: `${GRID.gap}px`,
      }}
    >
      <For each={ids()}>
        {(id) => (
          <Show when={specOf(id)}>
            {(spec) => <PanelFrame app={app} spec={spec()} gesture={gesture()?.id === id ? gesture() : null} onGesture={startGesture} />}
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
  app: App;
  spec: PanelSpec;
  gesture: Gesture | null;
  onGesture: (e: PointerEvent, spec: PanelSpec, how: Gesture['how']) => void;
}): JSX.Element {
  const app = props.app;
  const [settingsOpen, setSettingsOpen] = createSignal(false);
  const model = () => app.model()!;
  const layer = () => ('layer' in props.spec ? props.spec.layer : undefined);
  const colourMap = () => ('colourMap' in props.spec ? props.spec.colourMap : null);
  const hasSettings = () => props.spec.kind !== 'camera' && props.spec.kind !== 'crop' && props.spec.kind !== 'strip';

  const closeOnOutside = (e: PointerEvent) => {
    if (!(e.target as HTMLElement).closest(`[data-panel-id="${CSS.escape(props.spec.id)}"] .popover, [data-panel-id="${CSS.escape(props.spec.id)}"] .settings-button`)) setSettingsOpen(false);
  };
  document.addEventListener('pointerdown', closeOnOutside);
  onCleanup(() => document.removeEventListener('pointerdown', closeOnOutside));

  return (
    <section
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
        <h2
          class="panel-title"
          data-testid="panel-title"
          title={`${panelTitle(props.spec, model())}${layerShape(props.spec, model()) ? ` — tensor ${layerShape(props.spec, model())}` : ''}`}
        >
          {panelTitle(props.spec, model())}
        </h2>
        <span class="spacer" />
        <Show when={colourMap()}>
          {(cm) => (
            <select
              data-testid="colour-map"
              title="Colour map"
              value={cm()}
              onChange={(e) => app.changePanel({ ...props.spec, colourMap: e.currentTarget.value as ColourMap } as PanelSpec)}
            >
              <For each={COLOUR_MAPS}>{(name) => <option value={name}>{COLOUR_MAP_NAMES[name]}</option>}</For>
            </select>
          )}
        </Show>
        <Show when={hasSettings()}>
          <button class="icon settings-button" data-testid="panel-settings" title="Panel settings" aria-expanded={settingsOpen()} onClick={() => setSettingsOpen(!settingsOpen())}>
            ⚙
          </button>
        </Show>
        <button class="icon" data-testid="remove-panel" title="Remove this panel" onClick={() => app.deletePanel(props.spec.id)}>
          ✕
        </button>
      </header>
      <Show when={settingsOpen()}>
        <PanelSettings spec={props.spec} model={model()} onChange={(s) => app.changePanel(s)} onClose={() => setSettingsOpen(false)} />
      </Show>
      <div class="panel-body" data-testid="panel-body">
        <Show
          when={props.spec.kind !== 'camera'}
          fallback={<CameraView app={app} />}
        >
          <PanelBody
            spec={props.spec}
            model={model()}
            result={app.result}
            crop={app.crop}
            frozen={app.panelsFrozen}
            onSpecChange={(s) => app.changePanel(s)}
            onSelectClass={(i) => app.setSortedClass(i)}
            classWeights={app.classWeights}
            onAddLayer={(l) => app.addLayerPanel(l)}
          />
        </Show>
      </div>
      <div class="panel-resize" data-testid="panel-resize" title="Drag to resize" onPointerDown={(e) => props.onGesture(e, props.spec, 'resize')} />
    </section>
  );
}
