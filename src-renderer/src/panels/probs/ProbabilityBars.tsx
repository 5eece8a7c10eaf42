// Probability bars: one bar per class (label, bar, percentage), the top class highlighted; with many
// classes the top K sorted by probability. Each row has a DOM hit area that selects its class.
import { createEffect, createMemo, createSignal, For, on, untrack, type JSX } from 'solid-js';
import { Sprite, Texture, type BitmapText } from 'pixi.js';
import type { ModelInfo } from '../../../../src-shared/contract';
import { defaultTopK, topClasses } from '../../scene/ranking';
import { requestDraw, type SceneView } from '../../scene/stage';
import { fitLabel, label, uiFont } from '../../scene/text';
import { heldResult, ScenePanel, type Size } from '../common';
import type { PanelServices } from '../types';
import type { ProbsSpec } from '.';

const PAD = 6;
const PCT_W = 58;
/** The most probable class, and the others (the age histogram uses the same two colours). */
export const TOP = 0x4fc3f7;
export const OTHER = 0x3d6f99;
const TRACK = 0x232833;

interface Row {
  y: number;
  h: number;
}

export function ProbabilityBars(props: Pick<PanelServices, 'result' | 'frozen' | 'onSelectClass'> & { spec: ProbsSpec; model: ModelInfo }): JSX.Element {
  const spec = () => props.spec;
  const shown = heldResult(props);
  const classes = createMemo(() => shown()?.probs.length ?? props.model.labels.length);
  const k = createMemo(() => Math.max(1, Math.min(classes(), spec().topK ?? defaultTopK(classes()))));
  // All classes in class order when they all fit and no top-K was asked for; otherwise sorted.
  const ranked = createMemo(() => spec().topK !== undefined || k() < classes());
  const [rowClasses, setRowClasses] = createSignal<number[]>([], { equals: (a, b) => a.length === b.length && a.every((v, i) => v === b[i]) });
  const [rows, setRows] = createSignal<Row[]>([]);
  const [hoverRow, setHoverRow] = createSignal(-1);
  const labelOf = (c: number) => props.model.labels[c] ?? String(c);

  const onView = (view: SceneView, size: () => Size) => {
    const tracks: Sprite[] = [];
    const bars: Sprite[] = [];
    const names: BitmapText[] = [];
    const pcts: BitmapText[] = [];
    const shownClass: number[] = [];
    let labelW = 0;
    let trackX = 0;
    let trackW = 0;

    const rebuild = () => {
      const s = size();
      view.resize(s.w, s.h, s.dpr);
      const n = k();
      const rowH = Math.max(8, Math.min(30, (s.h - 2 * PAD) / n));
      const font = Math.max(9, Math.min(13, Math.floor(rowH * 0.6)));
      while (bars.length < n) {
        const t = new Sprite(Texture.WHITE);
        const b = new Sprite(Texture.WHITE);
        t.tint = TRACK;
        tracks.push(t);
        bars.push(b);
        names.push(label('', font));
        pcts.push(label('', font, 0xe8ebf1));
        view.root.addChild(t, b, names[names.length - 1], pcts[pcts.length - 1]);
      }
      for (let i = 0; i < bars.length; i++) {
        const on = i < n;
        tracks[i].visible = bars[i].visible = names[i].visible = pcts[i].visible = on;
      }
      // Label column: as wide as the longest label shown needs, at most 40 % of the panel.
      const probe = names[0];
      probe.style.fontFamily = uiFont(font);
      probe.style.fontSize = font;
      let widest = 0;
      // With many classes any of them can show up: measure the 16 longest labels, not all of them.
      const candidates = untrack(ranked) ? [...props.model.labels].sort((a, b) => b.length - a.length).slice(0, 16) : props.model.labels.slice(0, n);
      for (const l of candidates) {
        probe.text = l;
        widest = Math.max(widest, probe.width);
      }
      labelW = Math.min(Math.ceil(widest) + 2, Math.floor(s.w * 0.4));
      trackX = PAD + labelW + 8;
      trackW = Math.max(10, s.w - trackX - PCT_W - PAD);
      const total = n * rowH;
      const y0 = PAD + Math.max(0, (s.h - 2 * PAD - total) / 2);
      const layoutRows: Row[] = [];
      for (let i = 0; i < n; i++) {
        const y = y0 + i * rowH;
        const barH = Math.max(4, Math.round(rowH * 0.64));
        const by = y + (rowH - barH) / 2;
        tracks[i].position.set(trackX, by);
        tracks[i].width = trackW;
        tracks[i].height = barH;
        bars[i].position.set(trackX, by);
        bars[i].height = barH;
        names[i].style.fontFamily = pcts[i].style.fontFamily = uiFont(font);
        names[i].style.fontSize = pcts[i].style.fontSize = font;
        names[i].y = y + (rowH - font * 1.2) / 2;
        pcts[i].y = names[i].y;
        layoutRows.push({ y, h: rowH });
        shownClass[i] = -1;
      }
      setRows(layoutRows);
    };

    const draw = () => {
      const r = untrack(shown);
      const n = untrack(k);
      const order = untrack(ranked) ? (r ? topClasses(r.probs, n) : []) : Array.from({ length: n }, (_, i) => i);
      // A blank digit input (no ink in the crop) has no class worth highlighting.
      let best = -1;
      if (r && !r.noInk) for (let c = 0; c < r.probs.length; c++) if (best < 0 || r.probs[c] > r.probs[best]) best = c;
      for (let i = 0; i < n; i++) {
        const c = order[i] ?? -1;
        const p = r && c >= 0 ? r.probs[c] : 0;
        if (shownClass[i] !== c) {
          shownClass[i] = c;
          fitLabel(names[i], c >= 0 ? labelOf(c) : '', labelW);
          names[i].x = PAD + labelW - names[i].width;
        }
        bars[i].width = Math.max(0, Math.min(1, p)) * trackW;
        bars[i].tint = c === best ? TOP : OTHER;
        names[i].tint = c === best ? 0xffffff : 0xb8c0cc;
        pcts[i].text = r ? `${(p * 100).toFixed(1)} %` : '';
        pcts[i].x = trackX + trackW + PCT_W - pcts[i].width;
      }
      setRowClasses(order.slice(0, n));
    };

    createEffect(
      on([size, k, ranked, () => props.model.id], () => {
        rebuild();
        requestDraw(view, draw, false);
      }),
    );
    createEffect(on(shown, () => requestDraw(view, draw, true), { defer: true }));
  };

  return (
    <ScenePanel kind="probs" onView={onView}>
      <For each={rows()}>
        {(row, i) => (
          <div
            data-testid="prob-bar"
            data-class={rowClasses()[i()] ?? -1}
            role="button"
            aria-label={`${labelOf(rowClasses()[i()] ?? 0)}: choose this class`}
            title={labelOf(rowClasses()[i()] ?? 0)}
            style={{
              position: 'absolute',
              left: '0',
              right: '0',
              top: `${row.y}px`,
              height: `${row.h}px`,
              cursor: 'pointer',
              background: hoverRow() === i() ? 'rgba(255,255,255,0.05)' : 'transparent',
            }}
            onPointerEnter={() => setHoverRow(i())}
            onPointerLeave={() => setHoverRow(-1)}
            onClick={() => {
              const c = rowClasses()[i()];
              if (c !== undefined && c >= 0) props.onSelectClass(c);
            }}
          />
        )}
      </For>
    </ScenePanel>
  );
}
