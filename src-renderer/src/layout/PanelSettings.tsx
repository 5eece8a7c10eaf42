// A panel's settings popover: which layer, which maps/neurons, rows/columns, normalisation.
import { For, Show, type JSX } from 'solid-js';
import type { ModelInfo } from '../../../src-shared/contract';
import { layersForKind } from './layers';
import type { PanelSpec } from './types';

type Conv = Extract<PanelSpec, { kind: 'conv' }>;

function intOr(v: string, fallback: number, min = 0): number {
  const n = Math.floor(Number(v));
  return Number.isFinite(n) && n >= min ? n : fallback;
}

function channelMode(c: Conv['channels']): 'all' | 'range' | 'list' | 'top' {
  if (!c) return 'all';
  if ('topK' in c) return 'top';
  if ('list' in c) return 'list';
  return 'range';
}

export function PanelSettings(props: { spec: PanelSpec; model: ModelInfo; onChange: (s: PanelSpec) => void; onClose: () => void }): JSX.Element {
  const layerSelect = (spec: Extract<PanelSpec, { layer: string }>) => (
    <label>
      Layer
      <select
        data-testid="panel-layer"
        value={spec.layer}
        onChange={(e) => props.onChange({ ...spec, layer: e.currentTarget.value } as PanelSpec)}
      >
        <For each={layersForKind(props.model, spec.kind as 'conv' | 'fc' | 'sorted')}>
          {(l) => <option value={l.name}>{`${l.name} (${l.op}, ${l.shape.join('×')})`}</option>}
        </For>
      </select>
    </label>
  );

  const conv = (s: Conv) => {
    const total = props.model.layers.find((l) => l.name === s.layer)?.shape[0] ?? 1;
    const setMode = (m: string) => {
      const next: Conv = { ...s };
      delete next.channels;
      if (m === 'range') next.channels = { start: 0, count: Math.min(16, total) };
      if (m === 'list') next.channels = { list: [0] };
      if (m === 'top') next.channels = { topK: Math.min(8, total) };
      props.onChange(next);
    };
    const ch = s.channels;
    return (
      <>
        {layerSelect(s)}
        <label>
          Maps
          <select data-testid="panel-channels" value={channelMode(ch)} onChange={(e) => setMode(e.currentTarget.value)}>
            <option value="all">{`All ${total}`}</option>
            <option value="range">A range</option>
            <option value="list">A list</option>
            <option value="top">Top-k most active</option>
          </select>
        </label>
        <Show when={ch && 'start' in ch ? ch : null}>
          {(r) => (
            <div class="row">
              <label>
                First
                <input type="number" min="0" max={total - 1} value={r().start} onChange={(e) => props.onChange({ ...s, channels: { start: intOr(e.currentTarget.value, 0), count: r().count } })} />
              </label>
              <label>
                Count
                <input type="number" min="1" max={total} value={r().count} onChange={(e) => props.onChange({ ...s, channels: { start: r().start, count: intOr(e.currentTarget.value, 1, 1) } })} />
              </label>
            </div>
          )}
        </Show>
        <Show when={ch && 'list' in ch ? ch : null}>
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
                    .filter((n) => Number.isInteger(n) && n >= 0 && n < total);
                  if (list.length > 0) props.onChange({ ...s, channels: { list: [...new Set(list)] } });
                }}
              />
            </label>
          )}
        </Show>
        <Show when={ch && 'topK' in ch ? ch : null}>
          {(t) => (
            <label>
              k
              <input type="number" min="1" max={total} value={t().topK} onChange={(e) => props.onChange({ ...s, channels: { topK: intOr(e.currentTarget.value, 1, 1) } })} />
            </label>
          )}
        </Show>
        <label>
          Tile columns (0 = automatic)
          <input type="number" min="0" max="64" value={s.columns} data-testid="panel-columns" onChange={(e) => props.onChange({ ...s, columns: intOr(e.currentTarget.value, 0) })} />
        </label>
        <label>
          Normalise
          <select data-testid="panel-norm" value={s.norm} onChange={(e) => props.onChange({ ...s, norm: e.currentTarget.value as Conv['norm'] })}>
            <option value="map">each map to its own range</option>
            <option value="layer">all maps to the layer's range</option>
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={!!s.signed}
            onChange={(e) => {
              const signed = e.currentTarget.checked;
              props.onChange({ ...s, signed, colourMap: signed ? 'diverging' : s.colourMap === 'diverging' ? 'gray' : s.colourMap });
            }}
          />
          Signed values (centred on zero, diverging colours)
        </label>
      </>
    );
  };

  const body = () => {
    const s = props.spec;
    switch (s.kind) {
      case 'conv':
        return conv(s);
      case 'fc': {
        const total = props.model.layers.find((l) => l.name === s.layer)?.shape.reduce((a, b) => a * b, 1) ?? 1;
        return (
          <>
            {layerSelect(s)}
            <label>
              Rows
              <input type="number" min="1" max={total} value={s.rows} data-testid="panel-rows" onChange={(e) => props.onChange({ ...s, rows: intOr(e.currentTarget.value, s.rows, 1) })} />
            </label>
            <div class="row">
              <label>
                First neuron
                <input type="number" min="0" max={total - 1} value={s.range?.start ?? 0} onChange={(e) => props.onChange({ ...s, range: { start: intOr(e.currentTarget.value, 0), count: s.range?.count ?? total } })} />
              </label>
              <label>
                Count
                <input type="number" min="1" max={total} value={s.range?.count ?? total} onChange={(e) => props.onChange({ ...s, range: { start: s.range?.start ?? 0, count: intOr(e.currentTarget.value, total, 1) } })} />
              </label>
            </div>
          </>
        );
      }
      case 'sorted':
        return (
          <>
            {layerSelect(s)}
            <label>
              Rows
              <input type="number" min="1" value={s.rows} data-testid="panel-rows" onChange={(e) => props.onChange({ ...s, rows: intOr(e.currentTarget.value, s.rows, 1) })} />
            </label>
          </>
        );
      case 'probs':
        return (
          <label>
            Show the top k classes (0 = all {props.model.labels.length})
            <input type="number" min="0" max={props.model.labels.length} value={s.topK ?? 0} onChange={(e) => {
              const k = intOr(e.currentTarget.value, 0);
              const next = { ...s };
              delete next.topK;
              props.onChange(k > 0 ? { ...next, topK: k } : next);
            }} />
          </label>
        );
      default:
        return <p class="muted">This panel has no settings.</p>;
    }
  };

  return (
    <div class="popover panel-settings" data-testid="panel-settings-popover" onPointerDown={(e) => e.stopPropagation()}>
      {body()}
      <label>
        Title (empty = automatic)
        <input
          type="text"
          value={props.spec.title ?? ''}
          onChange={(e) => {
            const next = { ...props.spec };
            delete next.title;
            const t = e.currentTarget.value.trim();
            props.onChange(t ? ({ ...next, title: t } as PanelSpec) : (next as PanelSpec));
          }}
        />
      </label>
      <div class="row end">
        <button onClick={() => props.onClose()}>Done</button>
      </div>
    </div>
  );
}
