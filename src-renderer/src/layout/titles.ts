// Panel titles: the user's own, or the kind's (e.g. "conv1" + "24×24 · 20 feature maps").
import type { ModelInfo } from '../../../src-shared/contract';
import { findLayer } from '../model/layers';
import { kindOf, type PanelSpec } from '../panels/registry';
import type { PanelTitle, TitleContext } from '../panels/types';

export function panelTitle(spec: PanelSpec, model: ModelInfo | null, context?: TitleContext): PanelTitle {
  return spec.title ? { name: spec.title } : kindOf(spec).title(spec, model, context);
}

/** The title in one line, e.g. "conv1 — 24×24 · 20 feature maps". */
export function titleText(t: PanelTitle): string {
  return t.detail ? `${t.name} — ${t.detail}` : t.name;
}

/** The full title with the layer's tensor shape, for the tooltip. */
export function titleTooltip(spec: PanelSpec, model: ModelInfo | null, context?: TitleContext): string {
  const text = titleText(panelTitle(spec, model, context));
  const l = model && 'layer' in spec ? findLayer(model, spec.layer) : undefined;
  return l ? `${text} — tensor ${l.shape.join('×')}` : text;
}
