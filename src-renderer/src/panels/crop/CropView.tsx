// Crop view: the crop of the picture enlarged beside the exact tensor the network receives, both with
// nearest-neighbour scaling. A selected feature map is laid over both, upsampled and semi-transparent.
import { createEffect, createMemo, createSignal, on, onCleanup, untrack, type JSX } from 'solid-js';
import { Sprite, Texture, type BufferImageSource } from 'pixi.js';
import type { ModelInfo } from '../../../../src-shared/contract';
import { ColourTiles } from '../../scene/ColourTiles';
import { tensorToRgba } from '../../scene/ranking';
import { atlasLayout, fitRect, inRect, packAtlas, type AtlasLayout, type Rect } from '../../scene/geometry';
import { selectedMap } from '../../scene/selection';
import { requestDraw, type SceneView } from '../../scene/stage';
import { byteTexture, rgbaTexture } from '../../scene/textures';
import { fitFirst, fitLabel, label } from '../../scene/text';
import { dequantiseByte, formatValue } from '../../scene/values';
import { findPayload, heldCrop, heldResult, ScenePanel, type HoverInfo, type Size } from '../common';
import type { PanelServices } from '../types';

const PAD = 6;
const GAP = 10;
const CAPTION = 18;
const OVERLAY_ALPHA = 0.55;

export function CropView(props: Pick<PanelServices, 'result' | 'crop' | 'frozen'> & { model: ModelInfo }): JSX.Element {
  const shown = heldResult(props);
  const crop = heldCrop(props);
  // The crop's texture and place change with its size; the caption also with the square cut.
  const cropKey = createMemo(() => {
    const c = crop();
    return c ? `${c.width}x${c.height}` : '';
  });
  const captionKey = createMemo(() => {
    const c = crop();
    return c ? `${c.from}:${c.sourceSide}` : '';
  });
  const inputKey = createMemo(() => {
    const i = shown()?.input;
    return i ? `${i.c}x${i.h}x${i.w}` : '';
  });
  const overlayPayload = createMemo(() => {
    const s = selectedMap();
    if (!s) return null;
    const p = findPayload(shown(), s.layer);
    return p ? { p, slot: p.channels.indexOf(s.channel), sel: s } : null;
  });
  const overlayKey = createMemo(() => {
    const o = overlayPayload();
    return o && o.slot >= 0 ? `${o.p.mapW}x${o.p.mapH}` : '';
  });
  const selectionKey = createMemo(() => {
    const s = selectedMap();
    return s ? `${s.layer}:${s.channel}:${s.colourMap}` : '';
  });
  const [pointer, setPointer] = createSignal<{ x: number; y: number } | null>(null);
  let inputRect: Rect | null = null;
  const description = createMemo(() => {
    const c = crop();
    const i = shown()?.input;
    const cropText = c ? `${c.from} crop ${c.sourceSide}×${c.sourceSide} px, sent as ${c.width}×${c.height}` : 'waiting for a picture';
    return `${cropText}; network input ${i ? `${i.c}×${i.h}×${i.w}` : 'not yet received'}`;
  });

  const hover = createMemo<HoverInfo | null>(() => {
    const pt = pointer();
    const inp = shown()?.input;
    if (!pt || !inp || !inputRect || !inRect(inputRect, pt.x, pt.y)) return null;
    const x = Math.min(inp.w - 1, Math.floor(((pt.x - inputRect.x) / inputRect.w) * inp.w));
    const y = Math.min(inp.h - 1, Math.floor(((pt.y - inputRect.y) / inputRect.h) * inp.h));
    const vals: string[] = [];
    for (let ch = 0; ch < inp.c; ch++) vals.push(formatValue(dequantiseByte(inp.data[ch * inp.h * inp.w + y * inp.w + x], inp.min, inp.max)));
    return { ...pt, text: `input (${x}, ${y}) = ${vals.join(', ')}` };
  });

  const onView = (view: SceneView, size: () => Size) => {
    let cropSrc: BufferImageSource = rgbaTexture(1, 1);
    const cropSprite = new Sprite(new Texture({ source: cropSrc }));
    let inGraySrc = byteTexture(4, 1);
    let inAtlas: AtlasLayout | null = null;
    const inGray = new ColourTiles(inGraySrc, 'gray');
    let inRgbSrc: BufferImageSource = rgbaTexture(1, 1);
    const inRgb = new Sprite(new Texture({ source: inRgbSrc }));
    let ovSrc = byteTexture(4, 1, true);
    let ovAtlas: AtlasLayout | null = null;
    const overlay = new ColourTiles(ovSrc, 'gray', OVERLAY_ALPHA);
    const cropCaption = label('', 12, 0xaab2c0);
    const inputCaption = label('', 12, 0xaab2c0);
    view.root.addChild(cropSprite, inGray, inRgb, overlay, cropCaption, inputCaption);
    let cropRect: Rect = { x: 0, y: 0, w: 0, h: 0 };
    let cropCell: Rect = { x: 0, y: 0, w: 0, h: 0 };

    /** The square as cut from the picture (its own pixels), and the size it travels at. */
    const placeCropCaption = () => {
      const c = untrack(crop);
      const a = cropCell;
      if (c) {
        const side = `${c.sourceSide}×${c.sourceSide} px`;
        fitFirst(cropCaption, [`${c.from} crop ${side} → ${c.width}×${c.height}`, `${c.from} crop ${side}`, `crop ${side}`, side], a.w);
      } else fitLabel(cropCaption, 'waiting for a picture…', a.w);
      cropCaption.position.set(a.x + (a.w - cropCaption.width) / 2, cropRect.y + cropRect.h + 3);
    };

    const rebuild = () => {
      const s = size();
      view.resize(s.w, s.h, s.dpr);
      const c = untrack(crop);
      const inp = untrack(shown)?.input;
      // Two squares side by side (stacked when the panel is tall), captions beneath.
      const side = s.w >= s.h;
      const cellW = side ? (s.w - 2 * PAD - GAP) / 2 : s.w - 2 * PAD;
      const cellH = side ? s.h - 2 * PAD - CAPTION : (s.h - 2 * PAD - GAP) / 2 - CAPTION;
      const a: Rect = { x: PAD, y: PAD, w: cellW, h: cellH };
      const b: Rect = side ? { x: PAD + cellW + GAP, y: PAD, w: cellW, h: cellH } : { x: PAD, y: PAD + cellH + CAPTION + GAP, w: cellW, h: cellH };
      if (c && (cropSrc.width !== c.width || cropSrc.height !== c.height)) {
        const old = cropSrc;
        cropSrc = rgbaTexture(c.width, c.height);
        cropSprite.texture = new Texture({ source: cropSrc });
        old.destroy();
      }
      cropRect = fitRect(a, c?.width ?? 1, c?.height ?? 1);
      cropSprite.position.set(cropRect.x, cropRect.y);
      cropSprite.setSize(cropRect.w, cropRect.h);
      cropSprite.visible = !!c;
      cropCell = a;
      placeCropCaption();

      inGray.visible = inRgb.visible = false;
      inputRect = null;
      if (inp) {
        let r = fitRect(b, inp.w, inp.h);
        const scale = r.w / inp.w;
        const k = Math.floor(scale * s.dpr) / s.dpr;
        if (k > 0 && k >= 0.75 * scale) {
          r = { x: b.x + (b.w - k * inp.w) / 2, y: b.y + (b.h - k * inp.h) / 2, w: k * inp.w, h: k * inp.h };
        }
        inputRect = r;
        if (inp.c === 1) {
          inAtlas = atlasLayout(1, inp.w, inp.h);
          if (inGraySrc.width !== inAtlas.width || inGraySrc.height !== inAtlas.height) {
            const old = inGraySrc;
            inGraySrc = byteTexture(inAtlas.width, inAtlas.height);
            inGray.data = inGraySrc;
            old.destroy();
          }
          inGray.setQuads([r], [{ x: 0, y: 0, w: inp.w, h: inp.h }], inAtlas.width, inAtlas.height);
          inGray.visible = true;
        } else {
          if (inRgbSrc.width !== inp.w || inRgbSrc.height !== inp.h) {
            const old = inRgbSrc;
            inRgbSrc = rgbaTexture(inp.w, inp.h);
            inRgb.texture = new Texture({ source: inRgbSrc });
            old.destroy();
          }
          inRgb.position.set(r.x, r.y);
          inRgb.setSize(r.w, r.h);
          inRgb.visible = true;
        }
        const shape = `${inp.c}×${inp.h}×${inp.w}`;
        fitFirst(inputCaption, [`network input · ${shape}`, `input ${shape}`, shape], b.w);
        inputCaption.position.set(b.x + (b.w - inputCaption.width) / 2, r.y + r.h + 3);
      } else {
        fitLabel(inputCaption, 'waiting for the engine…', b.w);
        inputCaption.position.set(b.x + (b.w - inputCaption.width) / 2, b.y + b.h / 2);
      }

      const o = untrack(overlayPayload);
      overlay.visible = false;
      if (o && o.slot >= 0) {
        ovAtlas = atlasLayout(1, o.p.mapW, o.p.mapH);
        if (ovSrc.width !== ovAtlas.width || ovSrc.height !== ovAtlas.height) {
          const old = ovSrc;
          ovSrc = byteTexture(ovAtlas.width, ovAtlas.height, true);
          overlay.data = ovSrc;
          old.destroy();
        }
        // Half a texel inset keeps linear upsampling from bleeding into the atlas padding.
        const t = { x: 0.5, y: 0.5, w: o.p.mapW - 1, h: o.p.mapH - 1 };
        const quads = [cropSprite.visible ? cropRect : null, inputRect].filter((q): q is Rect => q !== null);
        overlay.setQuads(quads, quads.map(() => (o.p.mapW > 1 && o.p.mapH > 1 ? t : { x: 0, y: 0, w: o.p.mapW, h: o.p.mapH })), ovAtlas.width, ovAtlas.height);
        overlay.colourMap = o.sel.colourMap;
        overlay.visible = true;
      }
    };

    const draw = () => {
      const c = untrack(crop);
      if (c && cropSrc.width === c.width && cropSrc.height === c.height) {
        (cropSrc.resource as Uint8Array).set(c.rgba);
        cropSrc.update();
      }
      const inp = untrack(shown)?.input;
      if (inp) {
        if (inp.c === 1 && inAtlas && inGray.visible) {
          packAtlas(inAtlas, inp.data, 1, inGraySrc.resource as Uint8Array);
          inGraySrc.update();
        } else if (inp.c >= 3 && inRgb.visible) {
          tensorToRgba(inp.c, inp.h, inp.w, inp.data, props.model.manifest.preprocess.colour, inRgbSrc.resource as Uint8Array);
          inRgbSrc.update();
        }
      }
      const o = untrack(overlayPayload);
      if (o && o.slot >= 0 && ovAtlas && overlay.visible) {
        const plane = o.p.mapW * o.p.mapH;
        packAtlas(ovAtlas, o.p.data.subarray(o.slot * plane, (o.slot + 1) * plane), 1, ovSrc.resource as Uint8Array);
        ovSrc.update();
      }
    };

    createEffect(
      on([size, cropKey, inputKey, overlayKey, selectionKey], () => {
        rebuild();
        requestDraw(view, draw, false);
      }),
    );
    // Resizing the square changes only the caption.
    createEffect(
      on(
        captionKey,
        () => {
          placeCropCaption();
          requestDraw(view, draw, false);
        },
        { defer: true },
      ),
    );
    createEffect(on([shown, crop], () => requestDraw(view, draw, true), { defer: true }));
    onCleanup(() => {
      cropSrc.destroy();
      inRgbSrc.destroy();
    });
  };

  return (
    <ScenePanel
      kind="crop"
      onView={onView}
      hover={hover}
      onPointerMove={(x, y) => setPointer({ x, y })}
      onPointerLeave={() => setPointer(null)}
      label={description}
    />
  );
}
