// Shared plumbing of every drawn panel: a canvas filling the body, its SceneView in the shared
// renderer, size tracking, the frozen-frame hold and the hover tooltip.
import { createMemo, createSignal, onCleanup, onMount, Show, type Accessor, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import type { FrameResult, LayerPayload } from '../../../src-shared/contract';
import { SceneView } from '../scene/stage';
import type { CropImage } from '../sources/types';
import type { PanelServices } from './types';

export interface Size {
  w: number;
  h: number;
  dpr: number;
}

/** The result to draw: the live one, or while frozen the one shown when freezing began. */
export function heldResult(props: Pick<PanelServices, 'frozen' | 'result'>): Accessor<FrameResult | null> {
  return createMemo<FrameResult | null>((prev) => (props.frozen() && prev ? prev : props.result()), null);
}

export function heldCrop(props: Pick<PanelServices, 'frozen' | 'crop'>): Accessor<CropImage | null> {
  return createMemo<CropImage | null>((prev) => (props.frozen() && prev ? prev : props.crop()), null);
}

export function findPayload(r: FrameResult | null, layer: string): LayerPayload | null {
  if (!r) return null;
  for (const l of r.layers) if (l.layer === layer) return l;
  return null;
}

export interface HoverInfo {
  /** Pointer position inside the body (CSS px). */
  x: number;
  y: number;
  text: string;
}

/**
 * A canvas filling its host with a SceneView behind it; `size` follows the host's CSS size and the
 * device pixel ratio. Children (DOM hit areas, tooltip) are laid over the canvas.
 */
export function ScenePanel(p: {
  kind: string;
  onView: (view: SceneView, size: Accessor<Size>) => void;
  hover?: Accessor<HoverInfo | null>;
  onPointerMove?: (x: number, y: number) => void;
  onPointerLeave?: () => void;
  onClick?: (x: number, y: number) => void;
  /** What the drawing says in words (for screen readers; the canvas text is not in the page). */
  label?: Accessor<string>;
  children?: JSX.Element;
}): JSX.Element {
  let host!: HTMLDivElement;
  const [size, setSize] = createSignal<Size>({ w: 0, h: 0, dpr: 1 }, { equals: (a, b) => a.w === b.w && a.h === b.h && a.dpr === b.dpr });
  onMount(() => {
    const view = new SceneView(host);
    const measure = () => {
      const r = host.getBoundingClientRect();
      setSize({ w: Math.floor(r.width), h: Math.floor(r.height), dpr: globalThis.devicePixelRatio || 1 });
    };
    const ro = new ResizeObserver(measure);
    ro.observe(host);
    measure();
    p.onView(view, size);
    onCleanup(() => {
      ro.disconnect();
      view.destroy();
    });
  });
  const local = (e: MouseEvent) => {
    const r = host.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };
  return (
    <div
      ref={host}
      data-scene-panel={p.kind}
      role={p.label ? 'img' : undefined}
      aria-label={p.label?.()}
      style={{ position: 'relative', width: '100%', height: '100%', overflow: 'hidden', 'min-width': '0', 'min-height': '0' }}
      onPointerMove={(e) => p.onPointerMove?.(...local(e))}
      onPointerLeave={() => p.onPointerLeave?.()}
      onClick={(e) => p.onClick?.(...local(e))}
    >
      {p.children}
      <HoverTip hover={p.hover} host={() => host} />
    </div>
  );
}

function HoverTip(p: { hover?: Accessor<HoverInfo | null>; host: () => HTMLElement }): JSX.Element {
  // Rendered only while hovering (the page holds at most one tooltip), in a portal above the scene
  // canvas, which lies over the panel bodies.
  const place = (h: HoverInfo) => {
    const r = p.host().getBoundingClientRect();
    const x = Math.max(4, Math.min(r.left + h.x + 14, window.innerWidth - 220));
    const y = r.top + h.y + 16;
    return { left: `${x}px`, top: `${y > window.innerHeight - 70 ? r.top + h.y - 64 : y}px` };
  };
  return (
    <Show when={p.hover?.()}>
      {(h) => (
        <Portal>
          <div
            data-testid="hover-value"
            role="tooltip"
            style={{
              position: 'fixed',
              ...place(h()),
              'pointer-events': 'none',
              background: 'rgba(8, 10, 14, 0.94)',
              color: '#e8ebf1',
              border: '1px solid #3a4150',
              'border-radius': '4px',
              padding: '3px 7px',
              font: '12px/1.4 system-ui, sans-serif',
              'white-space': 'pre',
              'font-variant-numeric': 'tabular-nums',
              'z-index': '35',
            }}
          >
            {h().text}
          </div>
        </Portal>
      )}
    </Show>
  );
}
