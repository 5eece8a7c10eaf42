// The all-layers strip: one thumbnail per layer with maps (after its activation), each showing its most active map (highest mean).
import { mapLayersAfterActivation } from '../../model/layers';
import type { PanelBase, PanelKind } from '../types';
import { LayerStrip } from './LayerStrip';

export type StripSpec = PanelBase & { kind: 'strip' };

export const strip: PanelKind<StripSpec> = {
  kind: 'strip',
  label: 'All-layers strip',
  parse: (_v, base) => ({ ...base, kind: 'strip' }),
  // The strongest map of every layer with maps (after its activation): the engine picks it per frame.
  subscription: (_spec, model) => mapLayersAfterActivation(model).map((l) => ({ layer: l.name, channels: { topK: 1 }, norm: 'map' as const })),
  title: () => ({ name: 'All layers', detail: 'most active map of each (click to add a panel)' }),
  create: ({ id }) => ({ id, kind: 'strip', grid: { x: 0, y: 0, w: 12, h: 3 } }),
  Body: (p) => <LayerStrip model={p.model} result={p.services.result} frozen={p.services.frozen} onAddLayer={p.services.onAddLayer} />,
};
