// Pieces the kinds' settings share: reading a number field, choosing a layer, and the layer and
// rows of a neuron grid.
import { For, type JSX } from 'solid-js';
import type { LayerInfo, ModelInfo } from '../../../src-shared/contract';
import { layerSize, vectorLayers } from '../model/layers';

/** The whole number typed into a field, or `fallback` when it is not one ≥ `min`. */
export function intOr(v: string, fallback: number, min = 0): number {
  const n = Math.floor(Number(v));
  return Number.isFinite(n) && n >= min ? n : fallback;
}

export function LayerSelect(props: { value: string; layers: LayerInfo[]; onChange: (layer: string) => void }): JSX.Element {
  return (
    <label>
      Layer
      <select data-testid="panel-layer" value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <For each={props.layers}>{(l) => <option value={l.name}>{`${l.name} (${l.op}, ${l.shape.join('×')})`}</option>}</For>
      </select>
    </label>
  );
}

/** The vector layer a neuron grid shows and its rows (at most one per neuron). */
export function NeuronLayerFields<S extends { layer: string; rows: number }>(props: { spec: S; model: ModelInfo; onChange: (spec: S) => void }): JSX.Element {
  return (
    <>
      <LayerSelect value={props.spec.layer} layers={vectorLayers(props.model)} onChange={(layer) => props.onChange({ ...props.spec, layer })} />
      <label>
        Rows
        <input
          type="number"
          min="1"
          max={layerSize(props.model, props.spec.layer) || 1}
          value={props.spec.rows}
          data-testid="panel-rows"
          onChange={(e) => props.onChange({ ...props.spec, rows: intOr(e.currentTarget.value, props.spec.rows, 1) })}
        />
      </label>
    </>
  );
}
