// A conv panel's settings: which layer, which maps, tile columns, normalisation, signed display.
import { Show, type JSX } from 'solid-js';
import { findLayer, mapLayers } from '../../model/layers';
import { intOr, LayerSelect } from '../settings-fields';
import type { PanelSettingsProps } from '../types';
import type { ConvSpec } from '.';

function channelMode(c: ConvSpec['channels']): 'all' | 'range' | 'list' | 'top' {
  if (!c) return 'all';
  if ('topK' in c) return 'top';
  if ('list' in c) return 'list';
  return 'range';
}

export function ConvSettings(props: PanelSettingsProps<ConvSpec>): JSX.Element {
  const s = () => props.spec;
  const total = () => findLayer(props.model, s().layer)?.shape[0] ?? 1;
  const setMode = (m: string) => {
    const next: ConvSpec = { ...s() };
    delete next.channels;
    if (m === 'range') next.channels = { start: 0, count: Math.min(16, total()) };
    if (m === 'list') next.channels = { list: [0] };
    if (m === 'top') next.channels = { topK: Math.min(8, total()) };
    props.onChange(next);
  };
  const ch = () => s().channels;
  const range = () => {
    const c = ch();
    return c && 'start' in c ? c : null;
  };
  const list = () => {
    const c = ch();
    return c && 'list' in c ? c : null;
  };
  const top = () => {
    const c = ch();
    return c && 'topK' in c ? c : null;
  };
  return (
    <>
      <LayerSelect value={s().layer} layers={mapLayers(props.model)} onChange={(layer) => props.onChange({ ...s(), layer })} />
      <label>
        Maps
        <select data-testid="panel-channels" value={channelMode(ch())} onChange={(e) => setMode(e.currentTarget.value)}>
          <option value="all">{`All ${total()}`}</option>
          <option value="range">A range</option>
          <option value="list">A list</option>
          <option value="top">Top-k most active</option>
        </select>
      </label>
      <Show when={range()}>
        {(r) => (
          <div class="row">
            <label>
              First
              <input type="number" min="0" max={total() - 1} value={r().start} onChange={(e) => props.onChange({ ...s(), channels: { start: intOr(e.currentTarget.value, 0), count: r().count } })} />
            </label>
            <label>
              Count
              <input type="number" min="1" max={total()} value={r().count} onChange={(e) => props.onChange({ ...s(), channels: { start: r().start, count: intOr(e.currentTarget.value, 1, 1) } })} />
            </label>
          </div>
        )}
      </Show>
      <Show when={list()}>
        {(l) => (
          <label>
            Map numbers (e.g. 0, 3, 7)
            <input
              type="text"
              value={l().list.join(', ')}
              onChange={(e) => {
                const list = e.currentTarget.value
                  .split(/[\s,]+/)
                  .map(Number)
                  .filter((n) => Number.isInteger(n) && n >= 0 && n < total());
                if (list.length > 0) props.onChange({ ...s(), channels: { list: [...new Set(list)] } });
              }}
            />
          </label>
        )}
      </Show>
      <Show when={top()}>
        {(t) => (
          <label>
            k
            <input type="number" min="1" max={total()} value={t().topK} onChange={(e) => props.onChange({ ...s(), channels: { topK: intOr(e.currentTarget.value, 1, 1) } })} />
          </label>
        )}
      </Show>
      <label>
        Tile columns (0 = automatic)
        <input type="number" min="0" max="64" value={s().columns} data-testid="panel-columns" onChange={(e) => props.onChange({ ...s(), columns: intOr(e.currentTarget.value, 0) })} />
      </label>
      <label>
        Normalise
        <select data-testid="panel-norm" value={s().norm} onChange={(e) => props.onChange({ ...s(), norm: e.currentTarget.value as ConvSpec['norm'] })}>
          <option value="map">each map to its own range</option>
          <option value="layer">all maps to the layer's range</option>
        </select>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={!!s().signed}
          onChange={(e) => {
            const signed = e.currentTarget.checked;
            const cm = s().colourMap;
            props.onChange({ ...s(), signed, colourMap: signed ? 'diverging' : cm === 'diverging' ? 'gray' : cm });
          }}
        />
        Signed values (centred on zero, diverging colours)
      </label>
    </>
  );
}
