// "Add panel": choose what to show (and which layer); the panel goes into the first free spot.
import { createSignal, For, Show, type JSX } from 'solid-js';
import type { ModelInfo } from '../../../src-shared/contract';
import { kindNamed, PANEL_KINDS, type PanelKindName } from '../panels/registry';

export function AddPanelMenu(props: { model: ModelInfo; onAdd: (kind: PanelKindName, layer?: string) => void; onClose: () => void }): JSX.Element {
  // Preset to the first kind that shows a layer of this model: what people add most.
  const first = PANEL_KINDS.find((k) => (k.layers?.(props.model).length ?? 0) > 0)?.kind ?? PANEL_KINDS[0].kind;
  const [kind, setKind] = createSignal<PanelKindName>(first);
  const layers = () => kindNamed(kind()).layers?.(props.model) ?? null;
  const [layer, setLayer] = createSignal('');
  const chosenLayer = () => {
    const list = layers() ?? [];
    return list.some((l) => l.name === layer()) ? layer() : (list[0]?.name ?? '');
  };

  return (
    <div class="popover add-panel-menu" data-testid="add-panel-menu" role="dialog" aria-label="Add a panel">
      <label>
        Show
        <select data-testid="add-panel-kind" value={kind()} onChange={(e) => setKind(e.currentTarget.value as PanelKindName)}>
          <For each={PANEL_KINDS}>{(k) => <option value={k.kind}>{k.label}</option>}</For>
        </select>
      </label>
      <Show when={layers()}>
        {(list) => (
          <>
            <label>
              Layer
              <select data-testid="add-panel-layer" value={chosenLayer()} onChange={(e) => setLayer(e.currentTarget.value)}>
                <For each={list()}>{(l) => <option value={l.name}>{`${l.name} — ${l.op}, ${l.shape.join('×')}`}</option>}</For>
              </select>
            </label>
            <Show when={list().length === 0}>
              <p class="muted">This model has no layer of that kind.</p>
            </Show>
          </>
        )}
      </Show>
      <div class="row end">
        <button onClick={() => props.onClose()}>Cancel</button>
        <button
          class="primary"
          data-testid="add-panel-confirm"
          disabled={!!layers() && !chosenLayer()}
          onClick={() => {
            props.onAdd(kind(), layers() ? chosenLayer() : undefined);
            props.onClose();
          }}
        >
          Add
        </button>
      </div>
    </div>
  );
}
