// All-layers strip: one thumbnail per layer with spatial maps, in graph order, each showing that
// layer's strongest map this frame (the strip's subscription asks for the top-1 map of each).
// Clicking a thumbnail adds a panel for the layer.
import { createEffect, createMemo, createSignal, For, on, untrack, type JSX } from 'solid-js';
import type { BitmapText } from 'pixi.js';
import type { ModelInfo } from '../../../../src-shared/contract';
import { mapLayersAfterActivation } from '../../model/layers';
import { ColourTiles } from '../../scene/ColourTiles';
import { shelfPack, tileAt, tileGrid, tileRect, type Rect, type TileGrid } from '../../scene/geometry';
import { requestDraw, textureLimit, type SceneView } from '../../scene/stage';
import { byteTexture } from '../../scene/textures';
import { cutMiddle, fitLabel, label, uiFont } from '../../scene/text';
import { formatValue, mapValue } from '../../scene/values';
import { findPayload, heldResult, ScenePanel, type HoverInfo, type Size } from '../common';
import type { PanelServices } from '../types';

const PAD = 6;
/** Thumbnail cell: a square image with a caption strip a quarter of its height beneath. */
const CAPTION_RATIO = 0.28;

export function LayerStrip(props: Pick<PanelServices, 'result' | 'frozen' | 'onAddLayer'> & { model: ModelInfo }): JSX.Element {
  const shown = heldResult(props);
  // In the order of the strip's subscription.
  const layers = createMemo(() => mapLayersAfterActivation(props.model));
  const shapesKey = createMemo(() =>
    layers()
      .map((l) => {
        const p = findPayload(shown(), l.name);
        return p ? `${p.mapW}x${p.mapH}` : '-';
      })
      .join(','),
  );
  const [thumbs, setThumbs] = createSignal<Rect[]>([]);
  const [pointer, setPointer] = createSignal<{ x: number; y: number } | null>(null);
  let grid: TileGrid | null = null;

  const imageRect = (g: TileGrid, i: number): Rect => {
    const r = tileRect(g, i);
    return { x: r.x, y: r.y, w: r.w, h: r.w };
  };

  const hover = createMemo<HoverInfo | null>(() => {
    const pt = pointer();
    if (!pt || !grid) return null;
    const hit = tileAt(grid, pt.x, pt.y);
    if (!hit) return null;
    const layer = layers()[hit.index];
    const p = findPayload(shown(), layer.name);
    const img = imageRect(grid, hit.index);
    if (!p || pt.y >= img.y + img.h) return { ...pt, text: `${layer.name} (${layer.op}, ${layer.shape.join('×')})\nclick to add a panel` };
    const mx = Math.min(p.mapW - 1, Math.floor(((pt.x - img.x) / img.w) * p.mapW));
    const my = Math.min(p.mapH - 1, Math.floor(((pt.y - img.y) / img.h) * p.mapH));
    return { ...pt, text: `${layer.name} · map ${p.channels[0]}\n(${mx}, ${my}) = ${formatValue(mapValue(p, 0, mx, my))}` };
  });

  const onView = (view: SceneView, size: () => Size) => {
    // Every layer's map in one texture (shelf-packed): one upload and one draw call per frame.
    let atlasSrc = byteTexture(4, 1);
    const images = new ColourTiles(atlasSrc, 'gray');
    const captions: BitmapText[] = [];
    let slots: (Rect | null)[] = [];
    view.root.addChild(images);

    const rebuild = () => {
      const s = size();
      view.resize(s.w, s.h, s.dpr);
      const ls = untrack(layers);
      const r = untrack(shown);
      const box = { x: PAD, y: PAD, w: s.w - 2 * PAD, h: s.h - 2 * PAD };
      grid = tileGrid({ count: ls.length, mapW: 1, mapH: 1 + CAPTION_RATIO, box, gap: 6 });
      const font = Math.max(9, Math.min(12, Math.floor(grid.tileW * CAPTION_RATIO * 0.8)));
      const payloads = ls.map((l) => findPayload(r, l.name));
      const pack = shelfPack(payloads.map((p) => (p ? { w: p.mapW, h: p.mapH } : { w: 1, h: 1 })), textureLimit());
      if (atlasSrc.width !== pack.width || atlasSrc.height !== pack.height) {
        const old = atlasSrc;
        atlasSrc = byteTexture(pack.width, pack.height);
        images.data = atlasSrc;
        old.destroy();
      }
      slots = payloads.map((p, i) => (p ? pack.rects[i] : null));
      const quads: Rect[] = [];
      const texels: Rect[] = [];
      const rects: Rect[] = [];
      ls.forEach((l, i) => {
        const img = imageRect(grid!, i);
        rects.push(tileRect(grid!, i));
        const slot = slots[i];
        if (slot) {
          quads.push(img);
          texels.push(slot);
        }
        if (!captions[i]) {
          captions[i] = label('', font, 0xaab2c0);
          view.root.addChild(captions[i]);
        }
        captions[i].style.fontFamily = uiFont(font);
        captions[i].style.fontSize = font;
        captions[i].visible = true;
        fitLabel(captions[i], l.name, img.w, cutMiddle);
        captions[i].position.set(img.x + (img.w - captions[i].width) / 2, img.y + img.h + 2);
      });
      for (let i = ls.length; i < captions.length; i++) captions[i].visible = false;
      images.setQuads(quads, texels, pack.width, pack.height);
      setThumbs(rects);
    };

    const draw = () => {
      const r = untrack(shown);
      const dst = atlasSrc.resource as Uint8Array;
      const width = atlasSrc.width;
      untrack(layers).forEach((l, i) => {
        const slot = slots[i];
        const p = slot ? findPayload(r, l.name) : null;
        if (!slot || !p || p.channels.length === 0 || p.mapW !== slot.w || p.mapH !== slot.h) return;
        // The strongest map is the first sent (the subscription asks for the top-1 map of each layer).
        let s0 = 0;
        for (let y = 0; y < p.mapH; y++) {
          let d = (slot.y + y) * width + slot.x;
          for (let x = 0; x < p.mapW; x++) dst[d++] = p.data[s0++];
        }
      });
      atlasSrc.update();
    };

    createEffect(
      on([size, layers, shapesKey], () => {
        rebuild();
        requestDraw(view, draw, false);
      }),
    );
    createEffect(on(shown, () => requestDraw(view, draw, true), { defer: true }));
  };

  return (
    <ScenePanel kind="strip" onView={onView} hover={hover} onPointerMove={(x, y) => setPointer({ x, y })} onPointerLeave={() => setPointer(null)}>
      <For each={thumbs()}>
        {(r, i) => (
          <div
            data-testid="strip-thumb"
            data-layer={layers()[i()]?.name}
            role="button"
            aria-label={`add a panel for ${layers()[i()]?.name}`}
            style={{ position: 'absolute', left: `${r.x}px`, top: `${r.y}px`, width: `${r.w}px`, height: `${r.h}px`, cursor: 'pointer' }}
            onClick={() => {
              const l = layers()[i()];
              if (l) props.onAddLayer(l.name);
            }}
          />
        )}
      </For>
    </ScenePanel>
  );
}
