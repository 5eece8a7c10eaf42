// FC panels: a vector layer's neurons as a grid of cells ('fc'), or the same neurons ordered by their
// weight to one class with each row's mean activation as a bar on the right ('sorted').
import { createEffect, createMemo, createResource, createSignal, on, untrack, type JSX } from 'solid-js';
import { Sprite, Texture } from 'pixi.js';
import type { ModelInfo } from '../../../src-shared/contract';
import { findLayer } from '../model/layers';
import { ColourTiles } from '../scene/ColourTiles';
import { colourLut } from '../scene/colourMaps';
import { atlasLayout, atlasRect, inRect, packAtlas, snapRect, tileAt, tileGrid, tileRect, type AtlasLayout, type Rect, type TileGrid } from '../scene/geometry';
import { rowMeans, sortNeuronsByWeight } from '../scene/sorting';
import { requestDraw, textureLimit, type SceneView } from '../scene/stage';
import { byteTexture } from '../scene/textures';
import { fitLabel, label } from '../scene/text';
import { formatValue, neuronView } from '../scene/values';
import { findPayload, heldResult, ScenePanel, type HoverInfo, type Size } from './common';
import type { FcSpec } from './fc';
import type { SortedSpec } from './sorted';
import type { PanelServices } from './types';

const PAD = 6;
const CAPTION = 18;

interface SortOrder {
  order: Int32Array;
  weights: Float32Array;
  source: string;
}

export function NeuronGrid(
  props: Pick<PanelServices, 'result' | 'frozen'> & { spec: FcSpec | SortedSpec; model: ModelInfo; classWeights?: PanelServices['classWeights'] },
): JSX.Element {
  const spec = () => props.spec;
  const sorted = () => spec().kind === 'sorted';
  /** The class whose weights order the neurons ('sorted' panels only). */
  const classIndex = createMemo(() => {
    const s = spec();
    return s.kind === 'sorted' ? s.classIndex : null;
  });
  const shown = heldResult(props);
  const payload = createMemo(() => findPayload(shown(), spec().layer));
  const view = createMemo(() => {
    const p = payload();
    return p ? neuronView(p) : null;
  });
  // Changes only when the number or position of the neurons sent changes, not every frame.
  const neuronsKey = createMemo(() => {
    const v = view();
    return v ? `${v.count}:${v.neuron(0)}` : '';
  });

  // Weights are read once per model and layer; the order once per class.
  const [weights] = createResource(
    () => {
      const read = props.classWeights;
      return sorted() && read ? { model: props.model.id, layer: spec().layer, read } : null;
    },
    (k) => k.read(k.layer),
  );
  const order = createMemo<SortOrder | null>(() => {
    const c = classIndex();
    if (c === null) return null;
    const w = weights.error ? undefined : weights();
    if (!w) return null;
    if (c < 0 || c >= w.classes) return null;
    return { order: sortNeuronsByWeight(w.weights, w.classes, w.neurons, c), weights: w.weights.subarray(c * w.neurons, (c + 1) * w.neurons), source: w.source };
  });

  // Which payload neuron (j) each displayed cell shows.
  const cells = createMemo<Int32Array | null>(() => {
    const key = neuronsKey();
    if (!key) return null;
    const [count, first] = key.split(':').map(Number);
    if (sorted()) {
      const o = order();
      if (!o) return null;
      const out = new Int32Array(o.order.length);
      let n = 0;
      for (const neuron of o.order) {
        const j = neuron - first;
        if (j >= 0 && j < count) out[n++] = j;
      }
      return out.subarray(0, n);
    }
    const s = spec();
    const r = s.kind === 'fc' ? s.range : undefined;
    const start = Math.max(0, (r?.start ?? first) - first);
    const end = Math.min(count, r ? start + r.count : count);
    return Int32Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
  });

  const [pointer, setPointer] = createSignal<{ x: number; y: number } | null>(null);
  let grid: TileGrid | null = null;
  let barsBox: Rect | null = null;
  let means = new Float32Array(0);

  const className = () => {
    const c = classIndex();
    return c === null ? '' : (props.model.labels[c] ?? `class ${c}`);
  };

  const hover = createMemo<HoverInfo | null>(() => {
    const pt = pointer();
    const v = view();
    const cs = cells();
    if (!pt || !v || !cs) return null;
    if (barsBox && grid && inRect(barsBox, pt.x, pt.y)) {
      const row = Math.floor((pt.y - grid.y0) / (grid.tileH + grid.gap));
      if (row < 0 || row >= grid.rows) return null;
      return { ...pt, text: `${spec().layer} · row ${row + 1} of ${grid.rows}\nmean = ${formatValue(means[row] ?? 0)}` };
    }
    const hit = grid ? tileAt(grid, pt.x, pt.y) : null;
    if (!hit || hit.index >= cs.length) return null;
    const j = cs[hit.index];
    const neuron = v.neuron(j);
    const value = formatValue(v.value(j));
    const o = order();
    if (o) {
      return { ...pt, text: `${spec().layer} · neuron ${neuron} (rank ${hit.index + 1})\nweight to “${className()}” = ${formatValue(o.weights[neuron])}\nvalue = ${value}` };
    }
    return { ...pt, text: `${spec().layer} · neuron ${neuron}\nvalue = ${value}` };
  });

  const onView = (sv: SceneView, size: () => Size) => {
    let atlas: AtlasLayout | null = null;
    let atlasSrc = byteTexture(4, 1);
    const tiles = new ColourTiles(atlasSrc, spec().colourMap);
    const caption = label('', 12, 0xaab2c0);
    const note = label('', 12, 0x8a92a3);
    const bars: Sprite[] = [];
    const barLabels: ReturnType<typeof label>[] = [];
    let values = new Float32Array(0);
    sv.root.addChild(tiles, caption, note);

    const rebuild = () => {
      const s = size();
      sv.resize(s.w, s.h, s.dpr);
      const v = untrack(view);
      const cs = untrack(cells);
      grid = null;
      barsBox = null;
      tiles.visible = note.visible = caption.visible = false;
      for (const b of bars) b.visible = false;
      for (const t of barLabels) t.visible = false;
      let top = PAD;
      if (sorted()) {
        const o = untrack(order);
        caption.visible = true;
        fitLabel(caption, o ? `sorted by weight to “${untrack(className)}” (${o.source})` : `sorted by weight to “${untrack(className)}”`, s.w - 2 * PAD);
        caption.position.set(PAD, PAD);
        top += CAPTION;
      }
      if (!v || !cs) {
        note.visible = true;
        note.text = !findLayer(props.model, spec().layer)
          ? `layer "${spec().layer}" is not in this model`
          : sorted() && weights.error
            ? `no class weights for ${spec().layer}: ${String((weights.error as Error)?.message ?? weights.error)}`
            : sorted() && !untrack(order)
              ? `reading the weights of ${spec().layer}…`
              : `waiting for ${spec().layer}…`;
        note.position.set(PAD, top);
        return;
      }
      if (!atlas || atlas.cols * atlas.rows < v.count || atlas.cols * atlas.rows > v.count + atlas.cols) {
        atlas = atlasLayout(v.count, 1, 1, textureLimit());
        const old = atlasSrc;
        atlasSrc = byteTexture(atlas.width, atlas.height);
        tiles.data = atlasSrc;
        old.destroy();
      }
      const rowsWanted = Math.max(1, spec().rows || 1);
      const barW = sorted() ? Math.min(140, Math.max(48, Math.round(s.w * 0.2))) : 0;
      const box = { x: PAD, y: top, w: s.w - 2 * PAD - (barW ? barW + 8 : 0), h: s.h - top - PAD };
      const probe = tileGrid({ count: cs.length, mapW: 1, mapH: 1, box, rows: rowsWanted, gap: 1, fit: 'fill' });
      grid = tileGrid({ count: cs.length, mapW: 1, mapH: 1, box, rows: rowsWanted, gap: probe.tileW >= 8 && probe.tileH >= 8 ? 2 : 1, fit: 'fill' });
      const rects: Rect[] = [];
      const texels: Rect[] = [];
      for (let i = 0; i < cs.length; i++) {
        rects.push(snapRect(tileRect(grid, i), s.dpr));
        texels.push(atlasRect(atlas, cs[i]));
      }
      tiles.setQuads(rects, texels, atlas.width, atlas.height);
      tiles.visible = true;
      values = new Float32Array(cs.length);
      means = new Float32Array(grid.rows);
      if (barW) {
        barsBox = { x: box.x + box.w + 8, y: grid.y0, w: barW, h: grid.rows * (grid.tileH + grid.gap) };
        while (bars.length < grid.rows) {
          const b = new Sprite(Texture.WHITE);
          const t = label('', 11, 0xc9cfda);
          bars.push(b);
          barLabels.push(t);
          sv.root.addChild(b, t);
        }
        for (let r = 0; r < grid.rows; r++) {
          const b = bars[r];
          b.visible = true;
          b.position.set(barsBox.x, grid.y0 + r * (grid.tileH + grid.gap) + Math.max(0, grid.tileH * 0.15));
          b.height = Math.max(1, grid.tileH * 0.7);
          barLabels[r].visible = grid.tileH >= 13;
        }
      }
    };

    const draw = () => {
      const p = untrack(payload);
      const v = untrack(view);
      const cs = untrack(cells);
      if (!p || !v || !cs || !atlas) return;
      packAtlas(atlas, p.data, Math.min(v.count, atlas.cols * atlas.rows), atlasSrc.resource as Uint8Array);
      atlasSrc.update();
      if (!barsBox || !grid) return;
      for (let i = 0; i < cs.length; i++) values[i] = v.value(cs[i]);
      rowMeans(values, grid.cols, means);
      // Bar length: the row mean against the largest row mean this frame (the labels give the values).
      let top = 0;
      for (let r = 0; r < grid.rows; r++) top = Math.max(top, Math.abs(means[r]));
      const lut = colourLut(spec().colourMap);
      for (let r = 0; r < grid.rows; r++) {
        const m = means[r];
        const frac = top > 0 ? Math.max(0, Math.min(1, Math.abs(m) / top)) : 0;
        const b = bars[r];
        b.width = Math.max(1, frac * (barsBox.w - 44));
        // Colour follows the bar's length through the panel's colour map (kept off its darkest end).
        const q = Math.round((0.3 + 0.7 * frac) * 255) * 4;
        b.tint = (lut[q] << 16) | (lut[q + 1] << 8) | lut[q + 2];
        const t = barLabels[r];
        if (t.visible) {
          t.text = formatValue(m);
          t.position.set(b.x + b.width + 4, b.y + b.height / 2 - t.height / 2);
        }
      }
    };

    createEffect(
      on([size, neuronsKey, cells, () => spec().rows, order, () => weights.state], () => {
        rebuild();
        requestDraw(sv, draw, false);
      }),
    );
    createEffect(
      on(
        () => spec().colourMap,
        (c) => {
          tiles.colourMap = c;
          requestDraw(sv, draw, false);
        },
        { defer: true },
      ),
    );
    createEffect(on(shown, () => requestDraw(sv, draw, true), { defer: true }));
  };

  return (
    <ScenePanel
      kind={spec().kind}
      onView={onView}
      hover={hover}
      onPointerMove={(x, y) => setPointer({ x, y })}
      onPointerLeave={() => setPointer(null)}
    />
  );
}
