// Panel titles that say what a panel shows, e.g. "conv1 — 20 feature maps (24×24)".
import type { ModelInfo } from '../../../src-shared/contract';
import { findLayer } from './layers';
import type { PanelSpec } from './types';

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function channelCount(spec: Extract<PanelSpec, { kind: 'conv' }>, total: number): number {
  const ch = spec.channels;
  if (!ch) return total;
  if ('topK' in ch) return Math.min(ch.topK, total);
  if ('list' in ch) return ch.list.filter((i) => i >= 0 && i < total).length;
  return Math.max(0, Math.min(ch.count, total - ch.start));
}

export function panelTitle(spec: PanelSpec, model: ModelInfo | null): string {
  if (spec.title) return spec.title;
  switch (spec.kind) {
    case 'camera':
      return 'Camera — drag the square onto the object';
    case 'crop': {
      if (!model) return 'Crop → network input';
      const { c, h, w } = model.input;
      const colour = c === 1 ? 'gray' : model.manifest.preprocess.colour.toUpperCase();
      return `Crop → network input (${w}×${h} ${colour})`;
    }
    case 'probs': {
      const n = model?.labels.length ?? 0;
      return spec.topK && n > spec.topK ? `Top ${spec.topK} of ${n.toLocaleString('en-US')} classes` : 'Class probabilities';
    }
    case 'conv': {
      const l = model ? findLayer(model, spec.layer) : undefined;
      if (!l) return `${spec.layer} — not in this model`;
      const total = l.shape[0];
      const size = l.shape.length >= 3 ? ` (${l.shape[1]}×${l.shape[2]})` : '';
      const ch = spec.channels;
      const which = ch && 'topK' in ch ? `top ${ch.topK} of ${total} feature maps` : plural(channelCount(spec, total), 'feature map', 'feature maps');
      return `${spec.layer} — ${which}${size}`;
    }
    case 'fc': {
      const l = model ? findLayer(model, spec.layer) : undefined;
      if (!l) return `${spec.layer} — not in this model`;
      const total = l.shape.reduce((a, b) => a * b, 1);
      const n = spec.range ? Math.max(0, Math.min(spec.range.count, total - spec.range.start)) : total;
      return `${spec.layer} — ${plural(n, 'neuron', 'neurons')} in ${plural(spec.rows, 'row', 'rows')}`;
    }
    case 'sorted': {
      const label = model?.labels[spec.classIndex] ?? String(spec.classIndex);
      return `${spec.layer} — neurons sorted by weight to class “${label}”`;
    }
    case 'strip':
      return 'All layers — strongest map of each (click to add a panel)';
  }
}

/** The shape shown beside a title, e.g. "20×24×24". */
export function layerShape(spec: PanelSpec, model: ModelInfo | null): string {
  if (!model || !('layer' in spec)) return '';
  const l = findLayer(model, spec.layer);
  return l ? l.shape.join('×') : '';
}
