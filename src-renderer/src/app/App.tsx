// The one window: toolbar, notices, the panel grid, the status line and the overlays, each given the
// stores it uses. Keys, dropped files and the application menu arrive here.
import { createEffect, createSignal, on, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { ModelInfo } from '../../../src-shared/contract';
import type { RendererHost } from '../host';
import { LayoutGrid } from '../layout/LayoutGrid';
import { PanelBody } from '../panels/PanelBody';
import type { PanelSpec } from '../panels/registry';
import type { PanelServices } from '../panels/types';
import { drawDevice, sceneFailure, setDrawScale } from '../scene/stage';
import { drawsAtHalf } from '../scene/draw-device';
import { HelpOverlay } from './HelpOverlay';
import { keyAction } from './keys';
import { ManifestDialog } from './ManifestDialog';
import { LoadingBar, Notices } from './Notices';
import { StatusLine } from './StatusLine';
import { Toolbar } from './Toolbar';
import { createWindowState } from './window-state';

export function App(props: { host: RendererHost }): JSX.Element {
  const w = createWindowState(props.host);
  const { session, layout, flow, notices } = w;
  const [addOpen, setAddOpen] = createSignal(false);
  const [helpOpen, setHelpOpen] = createSignal(false);
  const [manifestOpen, setManifestOpen] = createSignal(false);
  const [dropping, setDropping] = createSignal(false);
  // Without WebGL 2 nothing can be drawn: say so where every other problem is reported.
  createEffect(on(sceneFailure, (msg) => msg && notices.notify('error', msg)));
  createEffect(() => setDrawScale(drawsAtHalf(w.settings.drawResolution(), drawDevice()) ? 0.5 : 1));

  const services: PanelServices = {
    result: flow.result,
    crop: flow.crop,
    frozen: flow.panelsFrozen,
    classWeights: session.classWeights,
    onSelectClass: layout.setSortedClass,
    onAddLayer: layout.addLayerPanel,
    picture: w.picture,
    faces: w.faces,
  };
  const Body = (p: { spec: PanelSpec; model: ModelInfo }) => <PanelBody spec={p.spec} model={p.model} services={services} />;

  const titleContext = () => ({ source: w.picture.sourceLabel() });
  const toggleView = () => layout.setView(layout.view() === 'generic' ? 'sorted' : 'generic');

  onMount(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const action = keyAction({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, target: t?.tagName, editable: !!t?.isContentEditable });
      if (!action) return;
      e.preventDefault();
      switch (action) {
        case 'freeze':
          return flow.toggleFreeze();
        case 'previousModel':
          return session.stepModel(-1);
        case 'nextModel':
          return session.stepModel(1);
        case 'toggleView':
          return toggleView();
        case 'help':
          return setHelpOpen(!helpOpen());
        case 'close':
          setHelpOpen(false);
          setAddOpen(false);
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
      if (files.length > 0) void w.openFiles(files);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    const offMenu = props.host.onMenu?.((cmd) => {
      switch (cmd.action) {
        case 'openModel':
          return void session.openPaths(cmd.paths);
        case 'loadModel':
          return void session.loadBundled(cmd.bundled);
        case 'exportLayout':
          return w.exportLayout();
        case 'importLayout':
          return document.querySelector<HTMLInputElement>('[data-testid="layout-file"]')?.click();
        case 'view':
          return layout.setView(cmd.view);
        case 'toggleFreeze':
          return flow.toggleFreeze();
        case 'help':
          return setHelpOpen(true);
      }
    });
    onCleanup(() => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
      offMenu?.();
    });
    void w.start();
  });

  return (
    <div class="app">
      <Toolbar
        session={session}
        layout={layout}
        flow={flow}
        settings={w.settings}
        openModelDialog={props.host.openModelDialog?.bind(props.host)}
        onExportLayout={w.exportLayout}
        onOpenFiles={(files) => void w.openFiles(files)}
        addOpen={addOpen()}
        setAddOpen={setAddOpen}
        onHelp={() => setHelpOpen(!helpOpen())}
        onEditManifest={() => setManifestOpen(true)}
      />
      <LoadingBar loading={session.loading} progress={session.progress} onCancel={() => session.cancelLoad()} />
      <Notices notices={notices.notices} onDismiss={notices.dismiss} />
      <main class="workspace">
        <Show when={layout.view() === 'sorted' && session.model() && !layout.panels().some((p) => p.kind === 'sorted')}>
          <p class="hint">
            The sorted view orders the neurons of a fully connected layer by their weight to one class. {session.model()!.name} has no fully
            connected layer feeding its output; add a "Neurons sorted by class weight" panel to try another layer.
          </p>
        </Show>
        <Show
          when={session.model()}
          keyed
          fallback={
            <div class="welcome">
              <h1>ConvScope</h1>
              <p>{session.loading() ? `Loading ${session.loading()}…` : w.connection.state() === 'open' ? 'Choose a model above, or open your own.' : 'Connecting to the engine…'}</p>
            </div>
          }
        >
          {(m) => <LayoutGrid panels={layout.panels} model={m} body={Body} titleContext={titleContext} onMove={layout.move} onRemove={layout.remove} onChange={layout.change} />}
        </Show>
      </main>
      <StatusLine result={flow.result} source={w.picture.sourceLabel} preparing={w.preparingLayers} model={session.model} stats={flow.stats} provider={session.provider} providerSkipped={session.providerSkipped} connection={w.connection.state} />
      <div id="camera-parking" aria-hidden="true" />
      <Show when={dropping()}>
        <div class="drop-hint">Drop a model{session.formatNames() ? ` (${session.formatNames()})` : ''} or an image</div>
      </Show>
      <Show when={helpOpen()}>
        <HelpOverlay onClose={() => setHelpOpen(false)} />
      </Show>
      <Show when={manifestOpen() && session.model()}>
        {(m) => <ManifestDialog model={m()} onSave={session.applyManifest} onClose={() => setManifestOpen(false)} />}
      </Show>
    </div>
  );
}
