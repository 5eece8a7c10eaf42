// Neurons of a vector layer ordered by their weight to one class, each row's mean on the right.
import { defaultFcRows, layerSize, vectorLayers } from '../../model/layers';
import type { ColourMap } from '../../scene/colourMaps';
import { colourMap, int, LayoutError, layerName } from '../fields';
import { NeuronGrid } from '../NeuronGrid';
import { NeuronLayerFields } from '../settings-fields';
import type { PanelBase, PanelKind } from '../types';

export type SortedSpec = PanelBase & {
  kind: 'sorted';
  layer: string;
  /** The class whose weights order the neurons. */
  classIndex: number;
  rows: number;
  colourMap: ColourMap;
};

export const sorted: PanelKind<SortedSpec> = {
  kind: 'sorted',
  label: 'Neurons sorted by class weight',
  layers: vectorLayers,
  parse(v, base, at, model) {
    const classIndex = int(v, 'classIndex', at, 0);
    if (model && classIndex >= model.labels.length) throw new LayoutError(`${at}.classIndex ${classIndex} is beyond the model's ${model.labels.length} classes`);
    return { ...base, kind: 'sorted', layer: layerName(v, at, model, 'vector'), classIndex, rows: int(v, 'rows', at, 1), colourMap: colourMap(v, at) };
  },
  subscription: (spec) => [{ layer: spec.layer, norm: 'layer' }],
  title(spec, model) {
    const label = model?.labels[spec.classIndex] ?? String(spec.classIndex);
    return { name: spec.layer, detail: `neurons sorted by weight to class “${label}”` };
  },
  create: ({ id, model, layer, sortedClass }) =>
    layer ? { id, kind: 'sorted', layer, classIndex: sortedClass, rows: defaultFcRows(layerSize(model, layer)), colourMap: 'viridis', grid: { x: 0, y: 0, w: 12, h: 8 } } : null,
  Settings: (p) => <NeuronLayerFields spec={p.spec} model={p.model} onChange={p.onChange} />,
  Body: (p) => <NeuronGrid spec={p.spec} model={p.model} result={p.services.result} frozen={p.services.frozen} classWeights={p.services.classWeights} />,
};
