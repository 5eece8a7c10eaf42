// Conv panel: a layer's feature maps as a tiled grid, coloured through the panel's LUT. Clicking a
// map enlarges it here and overlays it on the crop view; clicking the enlarged map returns.
import { createEffect, createMemo, createSignal, on, untrack, type JSX } from 'solid-js';
import type { LayerPayload, ModelInfo } from '../../../../src-shared/contract';
import { findLayer } from '../../model/layers';
import { ColourTiles } from '../../scene/ColourTiles';
import { atlasLayout, atlasRect, fitRect, inRect, packAtlas, tileAt, tileGrid, tileRect, type AtlasLayout, type Rect, type TileGrid } from '../../scene/geometry';
import { selectedMap, toggleMapSelection, clearMapSelection, updateSelectionColourMap } from '../../scene/selection';
import { requestDraw, textureLimit, type SceneView } from '../../scene/stage';
import { byteTexture } from '../../scene/textures';
import { label, fitLabel } from '../../scene/text';
import { formatValue, mapValue } from '../../scene/values';
import { findPayload, heldResult, ScenePanel, type HoverInfo, type Size } from '../common';
import type { PanelServices } from '../types';
import type { ConvSpec } from '.';

const PAD = 6;
const CAPTION = 18;

export function FeatureGrid(props: Pick<PanelServices, 'result' | 'frozen'> & { spec: ConvSpec; model: ModelInfo }): JSX.Element {
  const spec = () => props.spec;
  const shown = heldResult(props);
  const payload = createMemo(() => findPayload(shown(), spec().layer));
  const shapeKey = createMemo(() => {
    const p = payload();
    return p ? `${p.channels.length}:${p.mapW}:${p.mapH}` : '';
  });
  const selected = createMemo(() => {
    const s = selectedMap();
    return s && s.panelId === spec().id && s.layer === spec().layer ? s.channel : null;
  });
  const [pointer, setPointer] = createSignal<{ x: number; y: number } | null>(null);

  let grid: TileGrid | null = null;
  let bigRect: Rect | null = null;

  const hover = createMemo<HoverInfo | null>(() => {
    const pt = pointer();
    const p = payload();
    if (!pt || !p) return null;
    const sel = selected();
    if (sel !== null && bigRect) {
      if (!inRect(bigRect, pt.x, pt.y)) return null;
      const slot = p.channels.indexOf(sel);
      if (slot < 0) return null;
      const mx = Math.min(p.mapW - 1, Math.floor(((pt.x - bigRect.x) / bigRect.w) * p.mapW));
      const my = Math.min(p.mapH - 1, Math.floor(((pt.y - bigRect.y) / bigRect.h) * p.mapH));
      return { ...pt, text: `${p.layer} · map ${sel}\n(${mx}, ${my}) = ${formatValue(mapValue(p, slot, mx, my))}` };
    }
    const hit = grid ? tileAt(grid, pt.x, pt.y) : null;
    if (!hit || hit.index >= p.channels.length) return null;
    const v = mapValue(p, hit.index, hit.mx, hit.my);
    return { ...pt, text: `${p.layer} · map ${p.channels[hit.index]}\n(${hit.mx}, ${hit.my}) = ${formatValue(v)}` };
  });

  const onView = (view: SceneView, size: () => Size) => {
    let atlas: AtlasLayout | null = null;
    let atlasKey = '';
    let atlasSrc = byteTexture(4, 1);
    let big: AtlasLayout | null = null;
    let bigSrc = byteTexture(4, 1);
    const tiles = new ColourTiles(atlasSrc, spec().colourMap);
    const enlarged = new ColourTiles(bigSrc, spec().colourMap);
    const caption = label('', 12, 0xaab2c0);
    const note = label('', 12, 0x8a92a3);
    view.root.addChild(tiles, enlarged, caption, note);

    const rebuild = () => {
      const s = size();
      view.resize(s.w, s.h, s.dpr);
      const p = untrack(payload);
      const sel = untrack(selected);
      grid = null;
      bigRect = null;
      tiles.visible = enlarged.visible = caption.visible = note.visible = false;
      if (!p) {
        note.text = findLayer(props.model, spec().layer) ? `waiting for ${spec().layer}…` : `layer "${spec().layer}" is not in this model`;
        note.position.set(PAD, PAD);
        note.visible = true;
        return;
      }
      const k = p.channels.length;
      const key = `${k}:${p.mapW}:${p.mapH}`;
      if (!atlas || key !== atlasKey) {
        atlasKey = key;
        atlas = atlasLayout(k, p.mapW, p.mapH, textureLimit());
        const oldAtlas = atlasSrc;
        atlasSrc = byteTexture(atlas.width, atlas.height);
        tiles.data = atlasSrc;
        oldAtlas.destroy();
        big = atlasLayout(1, p.mapW, p.mapH);
        const oldBig = bigSrc;
        bigSrc = byteTexture(big.width, big.height);
        enlarged.data = bigSrc;
        oldBig.destroy();
      }
      const box = { x: PAD, y: PAD, w: s.w - 2 * PAD, h: s.h - 2 * PAD };
      if (sel !== null) {
        const area = { x: box.x, y: box.y + CAPTION, w: box.w, h: box.h - CAPTION };
        bigRect = fitRect(area, p.mapW, p.mapH);
        // Whole device pixels per texel where possible.
        const scale = bigRect.w / p.mapW;
        const snapped = Math.floor(scale * s.dpr) / s.dpr;
        if (snapped > 0 && snapped >= 0.75 * scale) {
          bigRect = fitRect({ ...area, w: snapped * p.mapW, h: snapped * p.mapH, x: area.x + (area.w - snapped * p.mapW) / 2, y: area.y + (area.h - snapped * p.mapH) / 2 }, p.mapW, p.mapH);
        }
        enlarged.setQuads([bigRect], [{ x: 0, y: 0, w: p.mapW, h: p.mapH }], big!.width, big!.height);
        fitLabel(caption, `${p.layer} · map ${sel} of ${p.shape[0]} · ${p.mapW}×${p.mapH} — click to show all maps`, box.w);
        caption.position.set(PAD, PAD);
        enlarged.visible = caption.visible = true;
        return;
      }
      const g = tileGrid({ count: k, mapW: p.mapW, mapH: p.mapH, box, columns: spec().columns, gap: 2, devicePixelRatio: s.dpr });
      const gap = g.tileW < 10 ? 1 : 2;
      grid = gap === 2 ? g : tileGrid({ count: k, mapW: p.mapW, mapH: p.mapH, box, columns: spec().columns, gap, devicePixelRatio: s.dpr });
      const rects: Rect[] = [];
      const texels: Rect[] = [];
      for (let i = 0; i < k; i++) {
        rects.push(tileRect(grid, i));
        texels.push(atlasRect(atlas, i));
      }
      tiles.setQuads(rects, texels, atlas.width, atlas.height);
      tiles.visible = true;
    };

    const upload = (p: LayerPayload) => {
      const sel = untrack(selected);
      if (sel !== null && big) {
        const slot = p.channels.indexOf(sel);
        note.visible = slot < 0;
        if (slot < 0) {
          note.text = `map ${sel} was not sent this frame`;
          note.position.set(PAD, PAD + CAPTION);
          return;
        }
        const plane = p.mapW * p.mapH;
        packAtlas(big, p.data.subarray(slot * plane, (slot + 1) * plane), 1, bigSrc.resource as Uint8Array);
        bigSrc.update();
        return;
      }
      if (!atlas) return;
      packAtlas(atlas, p.data, Math.min(p.channels.length, atlas.cols * atlas.rows), atlasSrc.resource as Uint8Array);
      atlasSrc.update();
    };
    const draw = () => {
      const p = untrack(payload);
      if (p) upload(p);
    };

    createEffect(
      on([size, shapeKey, () => spec().columns, selected, () => spec().layer], () => {
        rebuild();
        requestDraw(view, draw, false);
      }),
    );
    createEffect(
      on(
        () => spec().colourMap,
        (c) => {
          tiles.colourMap = c;
          enlarged.colourMap = c;
          updateSelectionColourMap(spec().id, c);
          requestDraw(view, draw, false);
        },
        { defer: true },
      ),
    );
    createEffect(on(shown, () => requestDraw(view, draw, true), { defer: true }));
  };

  const click = (x: number, y: number) => {
    const p = payload();
    if (!p) return;
    if (selected() !== null) {
      clearMapSelection(spec().id);
      return;
    }
    const hit = grid ? tileAt(grid, x, y) : null;
    if (!hit || hit.index >= p.channels.length) return;
    toggleMapSelection({ panelId: spec().id, layer: p.layer, channel: p.channels[hit.index], colourMap: spec().colourMap });
  };

  return (
    <ScenePanel
      kind="conv"
      onView={onView}
      hover={hover}
      onPointerMove={(x, y) => setPointer({ x, y })}
      onPointerLeave={() => setPointer(null)}
      onClick={click}
    />
  );
}
