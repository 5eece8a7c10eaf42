// Neurons of a vector layer as a grid of cells.
import { defaultFcRows, findLayer, layerSize, vectorLayers } from '../../model/layers';
import type { ColourMap } from '../../scene/colourMaps';
import { colourMap, int, isObj, LayoutError, layerName, plural, show } from '../fields';
import { NeuronGrid } from '../NeuronGrid';
import { intOr, NeuronLayerFields } from '../settings-fields';
import type { PanelBase, PanelKind } from '../types';

export type FcSpec = PanelBase & {
  kind: 'fc';
  layer: string;
  /** The neurons shown; all when absent. */
  range?: { start: number; count: number };
  rows: number;
  colourMap: ColourMap;
};

export const fc: PanelKind<FcSpec> = {
  kind: 'fc',
  label: 'Neurons (fully connected layer)',
  layers: vectorLayers,
  parse(v, base, at, model) {
    let range: FcSpec['range'];
    if (v.range !== undefined) {
      if (!isObj(v.range)) throw new LayoutError(`${at}.range must be {"start":n,"count":n}, got ${show(v.range)}`);
      range = { start: int(v.range, 'start', `${at}.range`, 0), count: int(v.range, 'count', `${at}.range`, 1) };
    }
    return { ...base, kind: 'fc', layer: layerName(v, at, model, 'vector'), ...(range ? { range } : {}), rows: int(v, 'rows', at, 1), colourMap: colourMap(v, at) };
  },
  subscription: (spec) => [{ layer: spec.layer, norm: 'layer' }],
  title(spec, model) {
    if (!model || !findLayer(model, spec.layer)) return { name: spec.layer, detail: 'not in this model' };
    const total = layerSize(model, spec.layer);
    const n = spec.range ? Math.max(0, Math.min(spec.range.count, total - spec.range.start)) : total;
    return { name: spec.layer, detail: `${plural(n, 'neuron', 'neurons')} in ${plural(spec.rows, 'row', 'rows')}` };
  },
  create: ({ id, model, layer }) =>
    layer ? { id, kind: 'fc', layer, rows: defaultFcRows(layerSize(model, layer)), colourMap: 'viridis', grid: { x: 0, y: 0, w: 12, h: 4 } } : null,
  Settings(p) {
    const total = () => layerSize(p.model, p.spec.layer) || 1;
    return (
      <>
        <NeuronLayerFields spec={p.spec} model={p.model} onChange={p.onChange} />
        <div class="row">
          <label>
            First neuron
            <input
              type="number"
              min="0"
              max={total() - 1}
              value={p.spec.range?.start ?? 0}
              onChange={(e) => p.onChange({ ...p.spec, range: { start: intOr(e.currentTarget.value, 0), count: p.spec.range?.count ?? total() } })}
            />
          </label>
          <label>
            Count
            <input
              type="number"
              min="1"
              max={total()}
              value={p.spec.range?.count ?? total()}
              onChange={(e) => p.onChange({ ...p.spec, range: { start: p.spec.range?.start ?? 0, count: intOr(e.currentTarget.value, total(), 1) } })}
            />
          </label>
        </div>
      </>
    );
  },
  Body: (p) => <NeuronGrid spec={p.spec} model={p.model} result={p.services.result} frozen={p.services.frozen} />,
};
