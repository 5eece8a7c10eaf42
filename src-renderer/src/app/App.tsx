// The one window: toolbar, notices, the panel grid, the status line, and the overlays.
import { createEffect, createSignal, For, on, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { RendererHost } from '../host';
import { AddPanelMenu } from '../layout/AddPanelMenu';
import { LayoutGrid } from '../layout/LayoutGrid';
import { sceneFailure } from '../panels';
import { createApp, type App as AppState } from './controller';
import { HelpOverlay } from './HelpOverlay';
import { keyAction } from './keys';
import { ManifestDialog } from './ManifestDialog';
import { StatusLine } from './StatusLine';

export function App(props: { host: RendererHost }): JSX.Element {
  const app = createApp(props.host);
  const [addOpen, setAddOpen] = createSignal(false);
  const [dropping, setDropping] = createSignal(false);
  // Without WebGL 2 nothing can be drawn: say so where every other problem is reported.
  createEffect(on(sceneFailure, (msg) => msg && app.notify('error', msg)));

  onMount(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const action = keyAction({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, target: t?.tagName, editable: !!t?.isContentEditable });
      if (!action) return;
      e.preventDefault();
      switch (action) {
        case 'freeze':
          app.toggleFreeze();
          break;
        case 'previousModel':
          app.stepModel(-1);
          break;
        case 'nextModel':
          app.stepModel(1);
          break;
        case 'toggleView':
          app.setView(app.view() === 'generic' ? 'sorted' : 'generic');
          break;
        case 'help':
          app.setHelpOpen(!app.helpOpen());
          break;
        case 'close':
          app.setHelpOpen(false);
          setAddOpen(false);
          break;
      }
    };
    // Dropping files anywhere on the window opens them (models) or uses them as the picture (images).
    const onDragOver = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDropping(true);
    };
    const onDragLeave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDropping(false);
    };
    const onDrop = (e: DragEvent) => {
      e.preventDefault();
      setDropping(false);
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length > 0) void app.openFiles(files);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    const offMenu = props.host.onMenu?.((cmd) => {
      switch (cmd.action) {
        case 'openModel':
          void app.openPaths(cmd.paths);
          break;
        case 'loadModel':
          void app.loadBundled(cmd.bundled);
          break;
        case 'exportLayout':
          app.exportLayout();
          break;
        case 'importLayout':
          document.querySelector<HTMLInputElement>('[data-testid="layout-file"]')?.click();
          break;
        case 'view':
          app.setView(cmd.view);
          break;
        case 'toggleFreeze':
          app.toggleFreeze();
          break;
        case 'help':
          app.setHelpOpen(true);
          break;
      }
    });
    onCleanup(() => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
      offMenu?.();
    });
    void app.start();
  });

  return (
    <div class="app" classList={{ dropping: dropping() }}>
      <Toolbar app={app} addOpen={addOpen()} setAddOpen={setAddOpen} />
      <Show when={app.loading()}>
        <div class="progress" data-testid="loading">
          <span>
            Loading {app.loading()}
            {app.progress()?.detail ? ` — ${app.progress()!.detail}` : app.progress() ? ` — ${app.progress()!.task}` : '…'}
          </span>
          <div class="progress-track">
            <div
              class="progress-fill"
              classList={{ indeterminate: !app.progress() || app.progress()!.fraction < 0 }}
              style={{ width: app.progress() && app.progress()!.fraction >= 0 ? `${Math.round(app.progress()!.fraction * 100)}%` : undefined }}
            />
          </div>
        </div>
      </Show>
      <Show when={app.notices().length > 0}>
        <div class="notices" data-testid="error-banner" role="alert">
          <For each={app.notices()}>
            {(n) => (
              <div class="notice" classList={{ error: n.level === 'error', info: n.level === 'info' }}>
                <span>{n.text}</span>
                <button class="icon" title="Dismiss" onClick={() => app.dismiss(n.id)}>
                  ✕
                </button>
              </div>
            )}
          </For>
        </div>
      </Show>
      <main class="workspace">
        <Show when={app.view() === 'sorted' && app.model() && !app.panels().some((p) => p.kind === 'sorted')}>
          <p class="hint">
            The sorted view orders the neurons of a fully connected layer by their weight to one class. {app.model()!.name} has
            no fully connected layer feeding its output; add a "Neurons sorted by class weight" panel to try another layer.
          </p>
        </Show>
        <Show when={app.model()} keyed fallback={<Welcome app={app} />}>
          {(_m) => <LayoutGrid app={app} />}
        </Show>
      </main>
      <StatusLine app={app} />
      <div id="camera-parking" aria-hidden="true" />
      <Show when={app.helpOpen()}>
        <HelpOverlay onClose={() => app.setHelpOpen(false)} />
      </Show>
      <Show when={app.manifestOpen() && app.model()}>
        <ManifestDialog model={app.model()!} onSave={app.applyManifest} onClose={() => app.setManifestOpen(false)} />
      </Show>
    </div>
  );
}

function Welcome(props: { app: AppState }): JSX.Element {
  return (
    <div class="welcome">
      <h1>ConvScope</h1>
      <p>{props.app.loading() ? `Loading ${props.app.loading()}…` : props.app.connection() === 'open' ? 'Choose a model above, or open your own.' : 'Connecting to the engine…'}</p>
    </div>
  );
}

function Toolbar(props: { app: AppState; addOpen: boolean; setAddOpen: (v: boolean) => void }): JSX.Element {
  const app = props.app;
  let modelInput!: HTMLInputElement;
  let layoutInput!: HTMLInputElement;
  const bundledValue = () => (app.model()?.source === 'bundled' ? app.model()!.id : '');
  const sortedLabels = () => app.model()?.labels ?? [];

  const openModel = async () => {
    if (app.host.openModelDialog) {
      const paths = await app.host.openModelDialog();
      if (paths && paths.length > 0) void app.openPaths(paths);
    } else {
      modelInput.click();
    }
  };

  return (
    <header class="toolbar">
      <span class="brand">ConvScope</span>
      <label class="field">
        <span>Model</span>
        <select
          data-testid="model-select"
          value={bundledValue()}
          disabled={!!app.loading()}
          onChange={(e) => {
            if (e.currentTarget.value) void app.loadBundled(e.currentTarget.value);
          }}
        >
          <Show when={!bundledValue()}>
            <option value="">{app.model() ? `${app.model()!.name} (opened)` : '—'}</option>
          </Show>
          <For each={app.models()}>{(m) => <option value={m.id} title={m.description}>{m.name}</option>}</For>
        </select>
      </label>
      <button data-testid="open-model" title="Open an .onnx, Caffe (.prototxt + .caffemodel) or Keras (.h5) model" onClick={() => void openModel()}>
        Open model…
      </button>
      <input
        ref={modelInput}
        type="file"
        multiple
        hidden
        data-testid="model-file"
        accept=".onnx,.prototxt,.caffemodel,.binaryproto,.h5,.hdf5,.keras"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = '';
          if (files.length > 0) void app.openFiles(files);
        }}
      />
      <Show when={app.openedPaths()}>
        <button data-testid="manifest-edit" title="How the crop becomes this model's input" onClick={() => app.setManifestOpen(true)}>
          Input settings…
        </button>
      </Show>
      <div class="segmented" role="group" aria-label="View">
        <button data-testid="view-generic" aria-pressed={app.view() === 'generic'} title="All panels (V)" onClick={() => app.setView('generic')}>
          Layers
        </button>
        <button data-testid="view-sorted" aria-pressed={app.view() === 'sorted'} title="Neurons sorted by class weight (V)" onClick={() => app.setView('sorted')}>
          Sorted neurons
        </button>
      </div>
      <Show when={app.view() === 'sorted' && app.model()}>
        <label class="field">
          <span>Class</span>
          <select data-testid="sorted-class" value={String(app.sortedClass())} onChange={(e) => app.setSortedClass(Number(e.currentTarget.value))}>
            <For each={sortedLabels()}>{(l, i) => <option value={String(i())}>{l === String(i()) ? l : `${i()}: ${l}`}</option>}</For>
          </select>
        </label>
      </Show>
      <div class="menu-anchor">
        <button data-testid="add-panel" aria-expanded={props.addOpen} disabled={!app.model()} onClick={() => props.setAddOpen(!props.addOpen)}>
          + Add panel
        </button>
        <Show when={props.addOpen}>
          <AddPanelMenu app={app} onClose={() => props.setAddOpen(false)} />
        </Show>
      </div>
      <details class="menu-anchor layout-menu">
        <summary data-testid="layout-menu">Layout</summary>
        <div class="popover">
          <button data-testid="layout-export" onClick={() => app.exportLayout()}>
            Export to file…
          </button>
          <button data-testid="layout-import" onClick={() => layoutInput.click()}>
            Import from file…
          </button>
          <button data-testid="layout-reset" onClick={() => app.resetLayout()}>
            Reset to default
          </button>
        </div>
      </details>
      <details class="menu-anchor layout-menu">
        <summary data-testid="engine-menu">Engine</summary>
        <div class="popover engine-popover">
          <p>
            Running on <strong data-testid="engine-provider">{app.provider() || '–'}</strong>
            <Show when={app.providers().length}> (available: {app.providers().join(', ')})</Show>
          </p>
          <label class="check">
            <input type="checkbox" data-testid="force-cpu" checked={app.forceCpu()} onChange={(e) => void app.setForceCpu(e.currentTarget.checked)} />
            Force CPU (ignore GPU execution providers)
          </label>
        </div>
      </details>
      <input
        ref={layoutInput}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="layout-file"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (f) void app.importLayout(f);
        }}
      />
      <span class="spacer" />
      <button class="freeze" classList={{ on: app.frozen() }} title="Freeze the picture (Space)" aria-pressed={app.frozen()} onClick={() => app.toggleFreeze()}>
        {app.frozen() ? '▶ Resume' : '❚❚ Freeze'}
      </button>
      <Show when={app.frozen()}>
        <span class="frozen-badge" data-testid="frozen">
          FROZEN
        </span>
      </Show>
      <button class="icon help-button" data-testid="help-button" title="Help and keyboard shortcuts (?)" onClick={() => app.setHelpOpen(!app.helpOpen())}>
        ?
      </button>
    </header>
  );
}
