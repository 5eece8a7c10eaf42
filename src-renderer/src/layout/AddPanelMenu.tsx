// "Add panel": choose what to show (and which layer), the panel goes into the first free spot.
import { createSignal, For, Show, type JSX } from 'solid-js';
import type { App } from '../app/controller';
import { layersForKind } from './layers';
import type { PanelKind } from './types';

const KINDS: { kind: PanelKind; label: string }[] = [
  { kind: 'conv', label: 'Feature maps (conv layer)' },
  { kind: 'fc', label: 'Neurons (fully connected layer)' },
  { kind: 'sorted', label: 'Neurons sorted by class weight' },
  { kind: 'probs', label: 'Class probabilities' },
  { kind: 'crop', label: 'Crop and network input' },
  { kind: 'camera', label: 'Camera' },
  { kind: 'strip', label: 'All-layers strip' },
];

export function AddPanelMenu(props: { app: App; onClose: () => void }): JSX.Element {
  const app = props.app;
  const [kind, setKind] = createSignal<PanelKind>('conv');
  const needsLayer = () => kind() === 'conv' || kind() === 'fc' || kind() === 'sorted';
  const layers = () => {
    const m = app.model();
    return m && needsLayer() ? layersForKind(m, kind() as 'conv' | 'fc' | 'sorted') : [];
  };
  const [layer, setLayer] = createSignal('');
  const chosenLayer = () => (layers().some((l) => l.name === layer()) ? layer() : (layers()[0]?.name ?? ''));

  return (
    <div class="popover add-panel-menu" data-testid="add-panel-menu" role="dialog" aria-label="Add a panel">
      <label>
        Show
        <select data-testid="add-panel-kind" value={kind()} onChange={(e) => setKind(e.currentTarget.value as PanelKind)}>
          <For each={KINDS}>{(k) => <option value={k.kind}>{k.label}</option>}</For>
        </select>
      </label>
      <Show when={needsLayer()}>
        <label>
          Layer
          <select data-testid="add-panel-layer" value={chosenLayer()} onChange={(e) => setLayer(e.currentTarget.value)}>
            <For each={layers()}>{(l) => <option value={l.name}>{`${l.name} — ${l.op}, ${l.shape.join('×')}`}</option>}</For>
          </select>
        </label>
        <Show when={layers().length === 0}>
          <p class="muted">This model has no layer of that kind.</p>
        </Show>
      </Show>
      <div class="row end">
        <button onClick={() => props.onClose()}>Cancel</button>
        <button
          class="primary"
          data-testid="add-panel-confirm"
          disabled={needsLayer() && !chosenLayer()}
          onClick={() => {
            app.createPanel(kind(), needsLayer() ? chosenLayer() : undefined);
            props.onClose();
          }}
        >
          Add
        </button>
      </div>
    </div>
  );
}
