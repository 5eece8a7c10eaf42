// Pieces the kinds' settings share: reading a number field and choosing a layer.
import { For, type JSX } from 'solid-js';
import type { LayerInfo } from '../../../src-shared/contract';

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
