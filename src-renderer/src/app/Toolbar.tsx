// The toolbar: model, files, view, panels, layout, engine, freeze and help, on one line. What does
// not fit the window moves into the "More" menu (see toolbar-fit.ts).
import { createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { AddPanelMenu } from '../layout/AddPanelMenu';
import { drawDevice } from '../scene/stage';
import { drawsAtHalf } from '../scene/draw-device';
import { DRAW_RESOLUTIONS, type DrawResolution, type ProviderName } from '../../../src-shared/contract';
import type { FrameFlow } from '../stores/frame-flow';
import type { LayoutStore } from '../stores/layout';
import type { ModelSession } from '../stores/model-session';
import type { SettingsSync } from '../stores/settings-sync';
import { ToolbarFit } from './toolbar-fit';

const PROVIDER_LABELS: Record<string, string> = {
  cuda: 'CUDA (NVIDIA)',
  tensorrt: 'TensorRT (NVIDIA)',
  webgpu: 'WebGPU (Vulkan, Metal or Direct3D 12)',
  dml: 'DirectML (Windows)',
  coreml: 'CoreML (macOS)',
};

/** The groups that give way when the window is narrow, in that order (the brand is only hidden). */
const COLLAPSE = ['brand', 'engine', 'layout', 'files', 'add'] as const;
type Group = (typeof COLLAPSE)[number];
/** The "More" menu shows once this many groups gave way (the brand alone needs none). */
const MORE_FROM = 2;

const RESOLUTION_NAMES: Record<DrawResolution, string> = {
  auto: 'Automatic: half without GPU acceleration',
  full: "Full: the screen's",
  half: 'Half: less sharp, less work',
};

export interface ToolbarProps {
  session: Pick<ModelSession, 'models' | 'model' | 'loading' | 'loadBundled' | 'openPaths' | 'openedPaths' | 'fileAccept' | 'formatNames' | 'provider' | 'providerSkipped' | 'providers'>;
  layout: Pick<LayoutStore, 'view' | 'setView' | 'sortedClass' | 'setSortedClass' | 'add' | 'importFile' | 'reset'>;
  flow: Pick<FrameFlow, 'frozen' | 'toggleFreeze'>;
  settings: Pick<SettingsSync, 'forceCpu' | 'setForceCpu' | 'provider' | 'setProvider' | 'drawResolution' | 'setDrawResolution'>;
  /** The native "Open model" dialog, where the host has one. */
  openModelDialog?: () => Promise<string[] | null>;
  onOpenFiles: (files: File[]) => void;
  onExportLayout: () => void;
  addOpen: boolean;
  setAddOpen: (open: boolean) => void;
  onHelp: () => void;
  onEditManifest: () => void;
}

export function Toolbar(props: ToolbarProps): JSX.Element {
  const { session, layout, flow } = props;
  let bar!: HTMLElement;
  let modelInput!: HTMLInputElement;
  let layoutInput!: HTMLInputElement;
  let more: HTMLDetailsElement | undefined;
  const [collapsed, setCollapsed] = createSignal(0);
  const inBar = (g: Group) => COLLAPSE.indexOf(g) >= collapsed();
  const bundledValue = () => (session.model()?.source === 'bundled' ? session.model()!.id : '');

  onMount(() => {
    const fitter = new ToolbarFit(COLLAPSE, setCollapsed, MORE_FROM);
    let fitting = false;
    const fit = () => {
      if (fitting) return;
      fitting = true;
      fitter.fit(bar, collapsed());
      mo.takeRecords();
      fitting = false;
    };
    // Refit when the window changes size and when items come and go or change their text.
    const ro = new ResizeObserver(fit);
    const mo = new MutationObserver(fit);
    ro.observe(bar);
    mo.observe(bar, { childList: true, subtree: true, characterData: true });
    onCleanup(() => {
      ro.disconnect();
      mo.disconnect();
    });
  });

  const openModel = async () => {
    if (props.openModelDialog) {
      const paths = await props.openModelDialog();
      if (paths && paths.length > 0) void session.openPaths(paths);
    } else {
      modelInput.click();
    }
  };
  const closeMore = () => more?.removeAttribute('open');

  const fileButtons = () => (
    <>
      <button data-group="files" data-testid="open-model" title={`Open a model (${session.formatNames() || 'ONNX, Caffe'})`} onClick={() => (closeMore(), void openModel())}>
        Open model…
      </button>
      <Show when={session.openedPaths()}>
        <button data-group="files" data-testid="manifest-edit" title="How the crop becomes this model's input" onClick={() => (closeMore(), props.onEditManifest())}>
          Input settings…
        </button>
      </Show>
    </>
  );
  const layoutItems = () => (
    <>
      <button data-testid="layout-export" onClick={() => (closeMore(), props.onExportLayout())}>
        Export to file…
      </button>
      <button data-testid="layout-import" onClick={() => (closeMore(), layoutInput.click())}>
        Import from file…
      </button>
      <button data-testid="layout-reset" onClick={() => (closeMore(), layout.reset())}>
        Reset to default
      </button>
    </>
  );
  // The GPU providers to choose from; a saved choice stays listed even where it is not offered here.
  const providerChoices = () => {
    const saved = props.settings.provider();
    const offered = session.providers().filter((p) => p !== 'cpu');
    return saved && !offered.includes(saved) ? [...offered, saved] : offered;
  };
  const engineItems = () => (
    <>
      <p>
        Running on <strong data-testid="engine-provider">{session.provider() || '–'}</strong>
        <Show when={session.providers().length}> (available: {session.providers().join(', ')})</Show>
      </p>
      <For each={session.providerSkipped()}>
        {(why) => (
          <p class="warn" data-testid="provider-skipped">
            Failed to start, so not used: {why}
          </p>
        )}
      </For>
      <label class="check">
        <input type="checkbox" data-testid="force-cpu" checked={props.settings.forceCpu()} onChange={(e) => props.settings.setForceCpu(e.currentTarget.checked)} />
        Force CPU (ignore GPU execution providers)
      </label>
      <label title="The execution provider the engine tries first, then the CPU. WebGPU is not in the automatic order: on a machine without a graphics card it would run on a software device, far slower than the CPU.">
        Try first
        <select
          data-testid="provider-choice"
          disabled={props.settings.forceCpu()}
          value={props.settings.provider() ?? ''}
          onChange={(e) => props.settings.setProvider((e.currentTarget.value || undefined) as ProviderName | undefined)}
        >
          <option value="">Automatic (best GPU provider installed, else CPU)</option>
          <For each={providerChoices()}>{(p) => <option value={p}>{PROVIDER_LABELS[p] ?? p}</option>}</For>
        </select>
      </label>
      <Show when={drawDevice()}>
        {(d) => (
          <p>
            Panels drawn by{' '}
            <strong data-testid="draw-device" title={d().name}>
              {d().software ? 'software (no GPU acceleration)' : 'the GPU'}
            </strong>{' '}
            at <strong data-testid="draw-scale">{drawsAtHalf(props.settings.drawResolution(), d()) ? 'half' : 'full'} resolution</strong>
          </p>
        )}
      </Show>
      <label title="Half resolution is less sharp, but where software draws the window the picture then keeps up with the camera">
        Drawing resolution
        <select
          data-testid="draw-resolution"
          value={props.settings.drawResolution()}
          onChange={(e) => props.settings.setDrawResolution(e.currentTarget.value as DrawResolution)}
        >
          <For each={DRAW_RESOLUTIONS}>{(r) => <option value={r}>{RESOLUTION_NAMES[r]}</option>}</For>
        </select>
      </label>
    </>
  );
  const addMenu = () => (
    <Show when={props.addOpen && session.model()}>
      {(m) => <AddPanelMenu model={m()} onAdd={layout.add} onClose={() => props.setAddOpen(false)} />}
    </Show>
  );

  return (
    <header class="toolbar" ref={bar} classList={{ compact: !inBar('brand') }}>
      <Show when={inBar('brand')}>
        <span class="brand" data-group="brand">
          ConvScope
        </span>
      </Show>
      <label class="field">
        <span class="field-label">Model</span>
        <select
          data-testid="model-select"
          title="Model"
          value={bundledValue()}
          disabled={!!session.loading()}
          onChange={(e) => {
            if (e.currentTarget.value) void session.loadBundled(e.currentTarget.value);
          }}
        >
          <Show when={!bundledValue()}>
            <option value="">{session.model() ? `${session.model()!.name} (opened)` : '—'}</option>
          </Show>
          <For each={session.models()}>{(m) => <option value={m.id} title={m.description}>{m.name}</option>}</For>
        </select>
      </label>
      <Show when={inBar('files')}>{fileButtons()}</Show>
      <div class="segmented" role="group" aria-label="View">
        <button data-testid="view-generic" aria-pressed={layout.view() === 'generic'} title="All panels (V)" onClick={() => layout.setView('generic')}>
          Layers
        </button>
        <button data-testid="view-sorted" aria-pressed={layout.view() === 'sorted'} title="Neurons sorted by class weight (V)" onClick={() => layout.setView('sorted')}>
          Sorted neurons
        </button>
      </div>
      <Show when={layout.view() === 'sorted' && session.model()}>
        <label class="field">
          <span class="field-label">Class</span>
          <select data-testid="sorted-class" title="Class" value={String(layout.sortedClass())} onChange={(e) => layout.setSortedClass(Number(e.currentTarget.value))}>
            <For each={session.model()?.labels ?? []}>{(l, i) => <option value={String(i())}>{l === String(i()) ? l : `${i()}: ${l}`}</option>}</For>
          </select>
        </label>
      </Show>
      <Show when={inBar('add')}>
        <div class="menu-anchor" data-group="add">
          <button data-testid="add-panel" aria-expanded={props.addOpen} disabled={!session.model()} onClick={() => props.setAddOpen(!props.addOpen)}>
            + Add panel
          </button>
          {addMenu()}
        </div>
      </Show>
      <Show when={inBar('layout')}>
        <details class="menu-anchor layout-menu" data-group="layout">
          <summary data-testid="layout-menu">Layout</summary>
          <div class="popover">{layoutItems()}</div>
        </details>
      </Show>
      <Show when={inBar('engine')}>
        <details class="menu-anchor layout-menu" data-group="engine">
          <summary data-testid="engine-menu">Engine</summary>
          <div class="popover engine-popover">{engineItems()}</div>
        </details>
      </Show>
      <Show when={collapsed() >= MORE_FROM}>
        <div class="menu-anchor more-anchor" data-group="more">
          <details class="more-menu" ref={more}>
            <summary data-testid="toolbar-more" title="More">
              More ▾
            </summary>
            <div class="popover">
              <Show when={!inBar('files')}>
                <section>{fileButtons()}</section>
              </Show>
              <Show when={!inBar('add')}>
                <section>
                  <button data-testid="add-panel" disabled={!session.model()} onClick={() => (closeMore(), props.setAddOpen(true))}>
                    + Add panel…
                  </button>
                </section>
              </Show>
              <Show when={!inBar('layout')}>
                <section>
                  <h3>Layout</h3>
                  {layoutItems()}
                </section>
              </Show>
              <Show when={!inBar('engine')}>
                <section class="engine-popover">
                  <h3>Engine</h3>
                  {engineItems()}
                </section>
              </Show>
            </div>
          </details>
          <Show when={!inBar('add')}>{addMenu()}</Show>
        </div>
      </Show>
      <span class="spacer" />
      <button class="freeze" classList={{ on: flow.frozen() }} title="Freeze the picture (Space)" aria-pressed={flow.frozen()} onClick={() => flow.toggleFreeze()}>
        {flow.frozen() ? '▶ Resume' : '❚❚ Freeze'}
      </button>
      <Show when={flow.frozen()}>
        <span class="frozen-badge" data-testid="frozen">
          FROZEN
        </span>
      </Show>
      <button class="icon help-button" data-testid="help-button" title="Help and keyboard shortcuts (?)" onClick={() => props.onHelp()}>
        ?
      </button>
      <input
        ref={modelInput}
        type="file"
        multiple
        hidden
        data-testid="model-file"
        accept={session.fileAccept()}
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = '';
          if (files.length > 0) props.onOpenFiles(files);
        }}
      />
      <input
        ref={layoutInput}
        type="file"
        accept=".json,application/json"
        hidden
        data-testid="layout-file"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (f) void f.text().then((text) => layout.importFile(f.name, text));
        }}
      />
    </header>
  );
}
