// Above the workspace: the loading bar of a model on its way, and the notices.
import { For, Show, type Accessor, type JSX } from 'solid-js';
import type { Progress } from '../../../src-shared/contract';
import type { Notice } from '../stores/notices';

export function LoadingBar(props: { loading: Accessor<string | null>; progress: Accessor<Progress | null>; onCancel: () => void }): JSX.Element {
  const detail = () => {
    const p = props.progress();
    return p?.detail ? ` — ${p.detail}` : p ? ` — ${p.task}` : '…';
  };
  const known = () => {
    const p = props.progress();
    return p && p.fraction >= 0 ? p.fraction : null;
  };
  return (
    <Show when={props.loading()}>
      <div class="progress" data-testid="loading">
        <span>
          Loading {props.loading()}
          {detail()}
        </span>
        <div class="progress-track">
          <div class="progress-fill" classList={{ indeterminate: known() === null }} style={{ width: known() !== null ? `${Math.round(known()! * 100)}%` : undefined }} />
        </div>
        <button data-testid="cancel-load" title="Stop loading; the model on screen stays" onClick={() => props.onCancel()}>
          Cancel
        </button>
      </div>
    </Show>
  );
}

export function Notices(props: { notices: Accessor<Notice[]>; onDismiss: (id: number) => void }): JSX.Element {
  return (
    <Show when={props.notices().length > 0}>
      <div class="notices" data-testid="error-banner" role="alert">
        <For each={props.notices()}>
          {(n) => (
            <div class="notice" classList={{ error: n.level === 'error', info: n.level === 'info' }}>
              <span>{n.text}</span>
              <button class="icon" title="Dismiss" onClick={() => props.onDismiss(n.id)}>
                ✕
              </button>
            </div>
          )}
        </For>
      </div>
    </Show>
  );
}
