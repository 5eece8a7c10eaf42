// Feature maps of a layer with spatial dimensions, tiled.
import type { LayerSubscription } from '../../../../src-shared/contract';
import { findLayer, mapLayers } from '../../model/layers';
import type { ColourMap } from '../../scene/colourMaps';
import { channels, colourMap, int, LayoutError, layerName, plural, show } from '../fields';
import type { PanelBase, PanelKind } from '../types';
import { ConvSettings } from './ConvSettings';
import { FeatureGrid } from './FeatureGrid';

export type ConvSpec = PanelBase & {
  kind: 'conv';
  layer: string;
  channels?: LayerSubscription['channels'];
  /** Tile columns; 0 = automatic (near-square grid). */
  columns: number;
  norm: 'map' | 'layer';
  signed?: boolean;
  colourMap: ColourMap;
};

/** How many maps the panel shows of a layer with `total`. */
export function channelCount(spec: ConvSpec, total: number): number {
  const ch = spec.channels;
  if (!ch) return total;
  if ('topK' in ch) return Math.min(ch.topK, total);
  if ('list' in ch) return ch.list.filter((i) => i >= 0 && i < total).length;
  return Math.max(0, Math.min(ch.count, total - ch.start));
}

export const conv: PanelKind<ConvSpec> = {
  kind: 'conv',
  label: 'Feature maps (conv layer)',
  layers: mapLayers,
  parse(v, base, at, model) {
    if (v.norm !== 'map' && v.norm !== 'layer') throw new LayoutError(`${at}.norm must be "map" or "layer", got ${show(v.norm)}`);
    if (v.signed !== undefined && typeof v.signed !== 'boolean') throw new LayoutError(`${at}.signed must be true or false, got ${show(v.signed)}`);
    const ch = channels(v.channels, at);
    return {
      ...base,
      kind: 'conv',
      layer: layerName(v, at, model, 'maps'),
      ...(ch ? { channels: ch } : {}),
      columns: int(v, 'columns', at, 0),
      norm: v.norm,
      ...(v.signed ? { signed: true } : {}),
      colourMap: colourMap(v, at),
    };
  },
  subscription(spec) {
    const s: LayerSubscription = { layer: spec.layer, norm: spec.norm };
    if (spec.channels) s.channels = spec.channels;
    if (spec.signed) s.signed = true;
    return [s];
  },
  title(spec, model) {
    const l = model ? findLayer(model, spec.layer) : undefined;
    if (!l) return { name: spec.layer, detail: 'not in this model' };
    const total = l.shape[0];
    const size = l.shape.length >= 3 ? `${l.shape[1]}×${l.shape[2]} · ` : '';
    const ch = spec.channels;
    const which = ch && 'topK' in ch ? `top ${ch.topK} of ${total} feature maps` : plural(channelCount(spec, total), 'feature map', 'feature maps');
    return { name: spec.layer, detail: `${size}${which}` };
  },
  create: ({ id, layer }) => (layer ? { id, kind: 'conv', layer, columns: 0, norm: 'map', colourMap: 'gray', grid: { x: 0, y: 0, w: 4, h: 6 } } : null),
  Settings: ConvSettings,
  Body: (p) => <FeatureGrid spec={p.spec} model={p.model} result={p.services.result} frozen={p.services.frozen} />,
};
