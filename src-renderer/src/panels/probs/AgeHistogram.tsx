// The class probabilities of an age model: a histogram over age (x axis in years, each bucket as
// wide as its range, its area its probability), the expected age Σ p·age marked on the axis and
// written large with its unit. Each bar has a DOM hit area that selects its class and says its
// range and probability.
import { createEffect, createMemo, createSignal, For, on, untrack, type JSX } from 'solid-js';
import { Graphics, type BitmapText } from 'pixi.js';
import { ageSpanText, expectedAge, expectedAgeText, type AgeBucket } from '../../../../src-shared/age';
import type { ModelInfo } from '../../../../src-shared/contract';
import { requestDraw, type SceneView } from '../../scene/stage';
import { label, uiFont } from '../../scene/text';
import { heldResult, ScenePanel, type Size } from '../common';
import type { PanelServices } from '../types';
import { ageAxis, densities, type AgeAxis } from './age-axis';
import { OTHER, TOP } from './ProbabilityBars';

const PAD = 8;
/** Room above the plot for the expected age and the tallest bar's percentage, below it for ticks and captions. */
const HEAD = 50;
const FOOT = 36;
const AXIS = 0x6b7383;
const MARK = 0xffa726;
const FONT = 11;

interface Hit {
  x: number;
  w: number;
}

export function AgeHistogram(props: Pick<PanelServices, 'result' | 'frozen' | 'onSelectClass'> & { model: ModelInfo; buckets: AgeBucket[] }): JSX.Element {
  const shown = heldResult(props);
  const ages = createMemo(() => props.buckets.map((b) => b.age));
  const expected = createMemo(() => {
    const r = shown();
    return r ? expectedAge(r.probs, ages()) : NaN;
  });
  const [hits, setHits] = createSignal<Hit[]>([]);
  const [plot, setPlot] = createSignal({ top: HEAD, h: 0 });
  const [hover, setHover] = createSignal(-1);
  const prob = (i: number) => shown()?.probs[i] ?? 0;
  const barText = (i: number) => `${ageSpanText(props.buckets[i])} years: ${(prob(i) * 100).toFixed(1)} %`;

  const onView = (view: SceneView, size: () => Size) => {
    const g = new Graphics();
    const tickLabels: BitmapText[] = [];
    const caption = label('age (years)', FONT, 0x9aa3b2);
    const areaNote = label('bar area = probability', FONT, 0x7d8696);
    const pctLabels: BitmapText[] = [];
    view.root.addChild(g, caption, areaNote);
    let axis: AgeAxis = { from: 0, to: 1, ticks: [] };
    let x0 = PAD;
    let plotW = 1;
    let top = HEAD;
    let plotH = 1;
    const xOf = (years: number) => x0 + ((years - axis.from) / (axis.to - axis.from)) * plotW;

    const rebuild = () => {
      const s = size();
      view.resize(s.w, s.h, s.dpr);
      x0 = PAD + 4;
      plotW = Math.max(10, s.w - x0 - PAD - 4);
      top = HEAD;
      plotH = Math.max(10, s.h - HEAD - FOOT);
      axis = ageAxis(props.buckets, Math.max(2, Math.floor(plotW / 44)));
      while (tickLabels.length < axis.ticks.length) {
        const t = label('', FONT, 0xb8c0cc);
        tickLabels.push(t);
        view.root.addChild(t);
      }
      tickLabels.forEach((t, i) => {
        t.visible = i < axis.ticks.length;
        if (!t.visible) return;
        t.style.fontFamily = uiFont(FONT);
        t.text = String(axis.ticks[i]);
        t.position.set(Math.round(xOf(axis.ticks[i]) - t.width / 2), top + plotH + 5);
      });
      caption.position.set(Math.round(x0 + plotW - caption.width), top + plotH + 5 + FONT + 4);
      areaNote.position.set(x0, top + plotH + 5 + FONT + 4);
      areaNote.visible = plotW > caption.width + areaNote.width + 16;
      // Percentages over the bars only where there is room for them.
      const labelled = props.buckets.length <= 16;
      while (labelled && pctLabels.length < props.buckets.length) {
        const t = label('', FONT, 0xe8ebf1);
        pctLabels.push(t);
        view.root.addChild(t);
      }
      pctLabels.forEach((t) => (t.visible = labelled));
      setHits(props.buckets.map((b) => ({ x: xOf(b.from), w: Math.max(2, xOf(b.to) - xOf(b.from)) })));
      setPlot({ top, h: plotH });
    };

    const draw = () => {
      const r = untrack(shown);
      const buckets = props.buckets;
      const probs = r?.probs ?? new Float32Array(buckets.length);
      const dens = densities(probs, buckets);
      const peak = Math.max(1e-9, ...dens);
      let best = 0;
      for (let i = 1; i < buckets.length; i++) if (probs[i] > probs[best]) best = i;
      g.clear();
      // Axis line and ticks.
      g.rect(x0, top + plotH, plotW, 1).fill(AXIS);
      for (const t of axis.ticks) g.rect(Math.round(xOf(t)), top + plotH, 1, 4).fill(AXIS);
      buckets.forEach((b, i) => {
        const h = (dens[i] / peak) * plotH;
        const x = xOf(b.from);
        const w = Math.max(1, xOf(b.to) - x - (buckets.length > 40 ? 0 : 1));
        if (h > 0) g.rect(x, top + plotH - h, w, h).fill(r && i === best ? TOP : OTHER);
        const t = pctLabels[i];
        if (t?.visible) {
          t.text = r ? `${Math.round(probs[i] * 100)} %` : '';
          t.position.set(Math.round(x + w / 2 - t.width / 2), Math.round(top + plotH - h - FONT - 3));
        }
      });
      // The expected age: a line across the plot with a marker on the axis.
      const e = untrack(expected);
      if (Number.isFinite(e)) {
        const x = Math.round(xOf(e));
        g.rect(x - 1, top, 2, plotH).fill(MARK);
        g.poly([x - 5, top + plotH + 7, x + 5, top + plotH + 7, x, top + plotH + 1]).fill(MARK);
      }
    };

    createEffect(
      on([size, () => props.buckets, () => props.model.id], () => {
        rebuild();
        requestDraw(view, draw, false);
      }),
    );
    createEffect(on(shown, () => requestDraw(view, draw, true), { defer: true }));
  };

  return (
    <ScenePanel kind="probs" onView={onView} label={() => `Age distribution, expected age ${expectedAgeText(expected())}`}>
      <div
        data-testid="expected-age"
        title="Expected age: the sum of every age times its probability"
        style={{
          position: 'absolute', left: `${PAD + 4}px`, top: '4px', font: '600 20px/26px system-ui, sans-serif',
          color: '#ffa726', 'font-variant-numeric': 'tabular-nums', 'pointer-events': 'none', 'white-space': 'nowrap',
        }}
      >
        {shown() ? expectedAgeText(expected()) : ''}
        <span style={{ font: '12px system-ui, sans-serif', color: '#9aa3b2', 'margin-left': '8px' }}>{shown() ? 'expected age' : ''}</span>
      </div>
      <For each={hits()}>
        {(hit, i) => (
          <div
            data-testid="age-bar"
            data-class={i()}
            data-age={props.buckets[i()].age}
            data-p={prob(i())}
            role="button"
            aria-label={`${barText(i())}: choose this class`}
            title={barText(i())}
            style={{
              position: 'absolute', left: `${hit.x}px`, width: `${hit.w}px`, top: `${plot().top}px`, height: `${plot().h}px`,
              cursor: 'pointer', background: hover() === i() ? 'rgba(255,255,255,0.06)' : 'transparent',
            }}
            onPointerEnter={() => setHover(i())}
            onPointerLeave={() => setHover(-1)}
            onClick={() => props.onSelectClass(i())}
          />
        )}
      </For>
    </ScenePanel>
  );
}
