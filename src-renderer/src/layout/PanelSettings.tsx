// A panel's settings popover: the kind's own settings (where it has any), then the title.
import { Show, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import type { ModelInfo } from '../../../src-shared/contract';
import { kindOf, type PanelSpec } from '../panels/registry';

export function PanelSettings(props: { spec: PanelSpec; model: ModelInfo; onChange: (s: PanelSpec) => void; onClose: () => void }): JSX.Element {
  const settings = () => kindOf(props.spec).Settings;
  return (
    <div class="popover panel-settings" data-testid="panel-settings-popover" onPointerDown={(e) => e.stopPropagation()}>
      <Show when={settings()}>
        {(s) => <Dynamic component={s()} spec={props.spec} model={props.model} onChange={props.onChange} />}
      </Show>
      <label>
        Title (empty = automatic)
        <input
          type="text"
          value={props.spec.title ?? ''}
          onChange={(e) => {
            const next = { ...props.spec };
            delete next.title;
            const t = e.currentTarget.value.trim();
            props.onChange(t ? { ...next, title: t } : next);
          }}
        />
      </label>
      <div class="row end">
        <button onClick={() => props.onClose()}>Done</button>
      </div>
    </div>
  );
}
