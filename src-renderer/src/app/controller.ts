// The window's state and what the user can do with it: which model is loaded, the layout, the live
// result, freezing, notices, and keeping the engine's subscription equal to what the panels show.
import { batch, createEffect, createMemo, createSignal, on, type Accessor } from 'solid-js';
import type { BundledModel, ClassWeights, FrameResult, ModelInfo, ModelManifest, ModelSource, Progress, UserSettings } from '../../../src-shared/contract';
import { DEFAULT_SETTINGS, modelFilesKey } from '../../../src-shared/contract';
import { cropSizeFor } from '../../../src-shared/frame-size';
import { CameraSource, type CropImage, type SourceState } from '../camera/camera';
import { DEFAULT_CROP, type CropSquare } from '../camera/crop';
import type { ConnectionState, RendererHost } from '../host';
import { defaultLayout } from '../layout/default-layout';
import { addPanel, newPanelId, placePanel, removePanel, type GridRect } from '../layout/grid';
import { defaultFcRows, findLayer } from '../layout/layers';
import { parseLayout, serialiseLayout } from '../layout/layout-file';
import { sameSubscription, subscriptionFor } from '../layout/subscription';
import type { Layout, PanelSpec } from '../layout/types';
import { neighbourModel } from './keys';

export interface Notice {
  id: number;
  level: 'error' | 'info';
  text: string;
}

export interface Stats {
  fps: number;
  inferenceMs: number;
  latencyMs: number;
  dropped: number;
  droppedByLink: number;
}

const ema = (prev: number, x: number, k = 0.15) => (prev === 0 ? x : prev * (1 - k) + x * k);

export type App = ReturnType<typeof createApp>;

export function createApp(host: RendererHost) {
  const engine = host.engine;
  const [models, setModels] = createSignal<BundledModel[]>([]);
  const [model, setModel] = createSignal<ModelInfo | null>(null);
  const [layout, setLayoutSignal] = createSignal<Layout | null>(null);
  const [frozen, setFrozen] = createSignal(false);
  /** True for the instant a frozen picture's re-run result is handed to the panels. */
  const [refreshingFrozen, setRefreshingFrozen] = createSignal(false);
  /** The crop on screen when freezing began, and the id it was re-sent under (new panels need its layers). */
  let frozenCrop: CropImage | null = null;
  let frozenRerunId = -1;
  const [result, setResult] = createSignal<FrameResult | null>(null, { equals: false });
  const [crop, setCrop] = createSignal<CropImage | null>(null, { equals: false });
  const [notices, setNotices] = createSignal<Notice[]>([]);
  const [progress, setProgress] = createSignal<Progress | null>(null);
  const [loading, setLoading] = createSignal<string | null>(null);
  const [connection, setConnection] = createSignal<ConnectionState>(host.connection());
  const [stats, setStats] = createSignal<Stats>({ fps: 0, inferenceMs: 0, latencyMs: 0, dropped: 0, droppedByLink: 0 });
  const [cropSquare, setCropSquare] = createSignal<CropSquare>(DEFAULT_CROP);
  const [source, setSource] = createSignal<SourceState>({ kind: 'none' });
  const [helpOpen, setHelpOpen] = createSignal(false);
  const [manifestOpen, setManifestOpen] = createSignal(false);
  /** Files the current (non-bundled) model was loaded from, for reloading with edited settings. */
  /** Execution provider in use; changes without a new model when "Force CPU" is toggled. */
  const [provider, setProvider] = createSignal<string>('');
  const [providers, setProviders] = createSignal<string[]>([]);
  const [forceCpu, setForceCpuSignal] = createSignal(false);
  const [openedPaths, setOpenedPaths] = createSignal<string[] | null>(null);
  let settings: UserSettings = structuredClone(DEFAULT_SETTINGS);
  let nextNotice = 1;
  let inferenceMs = 0;
  let latencyMs = 0;
  let lastResult: FrameResult | null = null;
  const weightsCache = new Map<string, Promise<ClassWeights>>();

  const notify = (level: Notice['level'], message: string) => {
    // Messages from the engine and the server start in lower case; the banner shows sentences.
    const text = message.charAt(0).toUpperCase() + message.slice(1);
    const id = nextNotice++;
    setNotices((n) => [...n.filter((x) => x.text !== text), { id, level, text }].slice(-4));
    if (level === 'info') setTimeout(() => dismiss(id), 8000);
  };
  const dismiss = (id: number) => setNotices((n) => n.filter((x) => x.id !== id));

  // Flow control: at most MAX_IN_FLIGHT frames travel without their result back. The engine's
  // mailbox keeps only the newest frame, but the link and the results can still queue when the
  // engine, the network or the drawing is slow; this keeps camera-to-screen latency bounded.
  // One frame in flight rather than two: a second one only waits in the mailbox and ages. Measured
  // in one bench run (browser mode, SwiftShader): SqueezeNet latency 364 → 247 ms for 5.4 → 4.0
  // results/s; LeNet 45 → 38 ms at camera rate either way.
  const MAX_IN_FLIGHT = 1;
  let lastSentId = 0;
  let lastResultId = 0;
  let lastResultAt = 0;
  const linkReady = () => lastSentId - lastResultId < MAX_IN_FLIGHT || performance.now() - lastResultAt > 1000;

  const camera = new CameraSource({
    crop: cropSquare,
    outSize: () => {
      const m = model();
      return m ? cropSizeFor(m.input) : null;
    },
    send: (f) => {
      lastSentId = f.id;
      engine.sendFrame(f);
    },
    paused: () => frozen() || !linkReady(),
    onState: setSource,
  });

  // ---- layout -------------------------------------------------------------------------------
  const view = () => layout()?.view ?? 'generic';
  const panels: Accessor<PanelSpec[]> = createMemo(() => {
    const l = layout();
    if (!l) return [];
    return l.view === 'sorted' ? (l.sortedPanels ?? []) : l.panels;
  });

  const setLayout = (l: Layout) => setLayoutSignal(l);
  const updatePanels = (fn: (p: PanelSpec[]) => PanelSpec[]) => {
    const l = layout();
    if (!l) return;
    if (l.view === 'sorted') setLayout({ ...l, sortedPanels: fn(l.sortedPanels ?? []) });
    else setLayout({ ...l, panels: fn(l.panels) });
  };

  const movePanel = (id: string, rect: GridRect) => updatePanels((p) => placePanel(p, id, rect));
  const deletePanel = (id: string) => updatePanels((p) => removePanel(p, id));
  const changePanel = (spec: PanelSpec) => updatePanels((p) => p.map((x) => (x.id === spec.id ? spec : x)));

  /** A new panel of `kind`, placed in the first free spot. */
  const createPanel = (kind: PanelSpec['kind'], layer?: string) => {
    const m = model();
    if (!m) return;
    const list = panels();
    const id = newPanelId(list, kind);
    let spec: PanelSpec;
    const size = (l: string) => findLayer(m, l)?.shape.reduce((a, b) => a * b, 1) ?? 0;
    switch (kind) {
      case 'conv':
        if (!layer) return;
        spec = { id, kind, layer, columns: 0, norm: 'map', colourMap: 'gray', grid: { x: 0, y: 0, w: 4, h: 6 } };
        break;
      case 'fc':
        if (!layer) return;
        spec = { id, kind, layer, rows: defaultFcRows(size(layer)), colourMap: 'viridis', grid: { x: 0, y: 0, w: 12, h: 4 } };
        break;
      case 'sorted':
        if (!layer) return;
        spec = { id, kind, layer, classIndex: sortedClass(), rows: defaultFcRows(size(layer)), colourMap: 'viridis', grid: { x: 0, y: 0, w: 12, h: 8 } };
        break;
      case 'probs':
        spec = { id, kind, grid: { x: 0, y: 0, w: 4, h: 6 }, ...(m.labels.length > 20 ? { topK: 10 } : {}) };
        break;
      case 'strip':
        spec = { id, kind, grid: { x: 0, y: 0, w: 12, h: 3 } };
        break;
      default:
        spec = { id, kind, grid: { x: 0, y: 0, w: 4, h: 6 } } as PanelSpec;
    }
    updatePanels((p) => addPanel(p, spec));
  };

  /** The strip's thumbnails add a panel for the clicked layer. */
  const addLayerPanel = (layer: string) => {
    const l = model() && findLayer(model()!, layer);
    if (l) createPanel(l.kind === 'maps' ? 'conv' : 'fc', layer);
  };

  const setView = (v: 'generic' | 'sorted') => {
    const l = layout();
    if (l && l.view !== v) setLayout({ ...l, view: v });
  };

  const sortedClass = () => {
    const l = layout();
    const s = (l?.sortedPanels ?? []).find((p) => p.kind === 'sorted');
    return s && s.kind === 'sorted' ? s.classIndex : 0;
  };
  const setSortedClass = (classIndex: number) => {
    const l = layout();
    if (!l) return;
    const set = (list: PanelSpec[]) => list.map((p) => (p.kind === 'sorted' ? { ...p, classIndex } : p));
    setLayout({ ...l, panels: set(l.panels), sortedPanels: set(l.sortedPanels ?? []) });
  };

  const resetLayout = () => {
    const m = model();
    const l = layout();
    if (m && l) setLayout({ ...defaultLayout(m), view: l.view });
  };

  const exportLayout = () => {
    const l = layout();
    const m = model();
    if (!l || !m) return;
    const blob = new Blob([serialiseLayout(l)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `convscope-layout-${m.id}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  const importLayout = async (file: File) => {
    const m = model();
    if (!m) return;
    try {
      const l = parseLayout(await file.text(), m, file.name);
      setLayout(l);
      notify('info', `Layout loaded from ${file.name}.`);
    } catch (e) {
      notify('error', `${(e as Error).message} — the previous layout is kept.`);
    }
  };

  // ---- model loading --------------------------------------------------------------------------
  const layoutFor = (m: ModelInfo): Layout => {
    const saved = settings.layouts[m.id];
    if (saved !== undefined) {
      try {
        return parseLayout(saved, m, `saved layout for ${m.name}`);
      } catch (e) {
        notify('error', `${(e as Error).message} — using the default layout instead.`);
      }
    }
    return defaultLayout(m);
  };

  const applyModel = (m: ModelInfo) => {
    camera.crops.clear();
    lastResultId = lastSentId;
    weightsCache.clear();
    lastSubscription = null;
    batch(() => {
      setResult(null);
      setCrop(null);
      setModel(m);
      setProvider(m.provider);
      setLayout(layoutFor(m));
    });
  };

  const loadModel = async (src: ModelSource, what: string): Promise<boolean> => {
    setLoading(what);
    setProgress(null);
    try {
      const info = await engine.request({ type: 'loadModel', source: src });
      applyModel(info);
      setOpenedPaths('paths' in src ? src.paths : null);
      settings = { ...settings, lastModel: src };
      if ('paths' in src && src.manifest) {
        settings = { ...settings, manifests: { ...settings.manifests, [modelFilesKey(src.paths)]: src.manifest } };
      }
      void persist();
      return true;
    } catch (e) {
      notify('error', `Could not load ${what}: ${(e as Error).message}${model() ? ` — still showing ${model()!.name}.` : ''}`);
      return false;
    } finally {
      setLoading(null);
      setProgress(null);
    }
  };

  const loadBundled = (id: string) => {
    const b = models().find((x) => x.id === id);
    return loadModel({ bundled: id }, b?.name ?? id);
  };

  const stepModel = (step: 1 | -1) => {
    const next = neighbourModel(
      models().map((m) => m.id),
      model()?.source === 'bundled' ? model()!.id : null,
      step,
    );
    if (next && !loading()) void loadBundled(next);
  };

  const MODEL_FILE = /\.(onnx|prototxt|caffemodel|binaryproto|h5|hdf5|keras|json)$/i;
  const IMAGE_FILE = /\.(png|jpe?g|gif|webp|bmp)$/i;

  /** Files the user picked or dropped: model files are loaded, an image becomes the picture source. */
  const openFiles = async (files: File[]) => {
    const image = files.find((f) => IMAGE_FILE.test(f.name));
    const modelFiles = files.filter((f) => MODEL_FILE.test(f.name));
    if (image && modelFiles.length === 0) {
      await camera.startImage(image);
      return;
    }
    if (modelFiles.length === 0) {
      notify('error', `${files.map((f) => f.name).join(', ')}: not a model ConvScope can open (.onnx, .prototxt + .caffemodel, .h5).`);
      return;
    }
    let paths: string[];
    try {
      paths = await host.stageFiles(modelFiles);
    } catch (e) {
      notify('error', `Could not read ${modelFiles.map((f) => f.name).join(', ')}: ${(e as Error).message}`);
      return;
    }
    await openPaths(paths);
  };

  const openPaths = async (paths: string[]) => {
    const name = paths.map((p) => p.split(/[\\/]/).pop()).join(' + ');
    // Edits the user made to these files' manifest before apply again.
    const saved = settings.manifests?.[modelFilesKey(paths)];
    if (await loadModel(saved ? { paths, manifest: saved } : { paths }, name)) {
      notify('info', `Opened ${name}. Check how its input is prepared under "Input settings…".`);
    }
  };

  /** Reloads the opened model with the user's edits to its proposed manifest. */
  const applyManifest = async (override: Partial<ModelManifest>) => {
    const paths = openedPaths();
    if (!paths) return false;
    const ok = await loadModel({ paths, manifest: override }, paths.map((p) => p.split(/[\\/]/).pop()).join(' + '));
    if (ok) setOpenedPaths(paths);
    return ok;
  };

  const classWeights = (layer: string): Promise<ClassWeights> => {
    let p = weightsCache.get(layer);
    if (!p) {
      p = engine.request({ type: 'classWeights', layer });
      p.catch((e: Error) => {
        weightsCache.delete(layer);
        notify('error', `Class weights of ${layer}: ${e.message}`);
      });
      weightsCache.set(layer, p);
    }
    return p;
  };

  // ---- subscription + persistence -------------------------------------------------------------
  let lastSubscription: ReturnType<typeof subscriptionFor> | null = null;
  const sendSubscription = (force = false) => {
    const m = model();
    if (!m) return;
    const sub = subscriptionFor(panels(), m);
    if (!force && sameSubscription(lastSubscription, sub)) return;
    lastSubscription = sub;
    engine
      .request({ type: 'subscribe', subscription: sub })
      .then(() => {
        // A frozen picture stays the same picture: run its crop again so new panels get their layers.
        if (frozen() && frozenCrop) frozenRerunId = camera.resend(frozenCrop);
      })
      .catch((e: Error) => {
      lastSubscription = null;
      notify('error', `The engine refused the panels' layers: ${e.message}`);
    });
  };
  createEffect(on([model, panels], () => sendSubscription()));

  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  // One save at a time; changes made meanwhile go out in one more save when it finishes.
  let saving = false;
  let saveAgain = false;
  const persist = async () => {
    if (saving) {
      saveAgain = true;
      return;
    }
    saving = true;
    try {
      do {
        saveAgain = false;
        await host.saveSettings(settings);
      } while (saveAgain);
    } catch (e) {
      notify('error', `Settings could not be saved: ${(e as Error).message}`);
    } finally {
      saving = false;
    }
  };
  createEffect(
    on(layout, (l) => {
      const m = model();
      if (!l || !m) return;
      settings = { ...settings, layouts: { ...settings.layouts, [m.id]: JSON.parse(serialiseLayout(l)) } };
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = setTimeout(() => void persist(), 600);
    }),
  );

  /**
   * Force CPU: saved in the settings (the host applies saved engine settings) and sent to the
   * engine at once, which reloads the model on the chosen provider and answers with it.
   */
  const setForceCpu = async (on: boolean) => {
    setForceCpuSignal(on);
    settings = { ...settings, engine: { ...settings.engine, forceCpu: on } };
    void persist();
    try {
      const info = await engine.request({ type: 'setEngineSettings', settings: settings.engine });
      if (info) setProvider(info.provider);
    } catch (e) {
      notify('error', `The engine could not switch providers: ${(e as Error).message}`);
    }
  };

  const saveCameraChoice = (c: UserSettings['camera']) => {
    settings = { ...settings, camera: c };
    void persist();
  };

  // ---- engine traffic -------------------------------------------------------------------------
  engine.onResult((r) => {
    const m = model();
    if (!m || r.probs.length !== m.labels.length) return; // a late result of the previous model
    inferenceMs = ema(inferenceMs, r.timing.inferenceMs);
    lastResult = r;
    // Frames older than this one that never came back were replaced in the engine's mailbox.
    if (r.id > lastResultId && r.id <= lastSentId) lastResultId = r.id;
    lastResultAt = performance.now();
    if (frozen()) {
      if (r.id !== frozenRerunId) return;
      batch(() => {
        setRefreshingFrozen(true);
        setResult(r);
        setCrop(camera.crops.get(r.id));
      });
      setRefreshingFrozen(false);
      return;
    }
    batch(() => {
      setResult(r);
      setCrop(camera.crops.get(r.id));
    });
    // Latency = capture time → the frame on which the panels draw this result.
    requestAnimationFrame(() => {
      latencyMs = ema(latencyMs, performance.now() - r.t);
    });
  });

  engine.onEvent((e) => {
    switch (e.type) {
      case 'progress':
        setProgress(e.progress);
        break;
      case 'error':
        notify('error', e.message);
        break;
      case 'engineRestarted':
        notify('error', `The engine stopped (${e.reason}) and was restarted${model() ? ` with ${model()!.name}` : ''}.`);
        sendSubscription(true);
        break;
      case 'modelLoaded': {
        const m = model();
        if (!loading() && (!m || m.id !== e.info.id)) applyModel(e.info);
        else if (m && m.id === e.info.id) setProvider(e.info.provider);
        break;
      }
      case 'ready':
        break;
    }
  });

  host.onConnection((s) => {
    const before = connection();
    setConnection(s);
    if (s === 'open' && before !== 'open' && before !== 'connecting') {
      notify('info', 'Reconnected to the engine.');
      sendSubscription(true);
    }
  });

  setInterval(() => {
    setStats({
      fps: camera.fps,
      inferenceMs,
      latencyMs,
      dropped: lastResult?.dropped ?? 0,
      droppedByLink: host.framesDroppedByLink(),
    });
  }, 250);

  const toggleFreeze = () => {
    const f = !frozen();
    frozenCrop = f ? crop() : null;
    frozenRerunId = -1;
    setFrozen(f);
    // Unfreezing shows the newest result at once rather than waiting for the next one.
    if (!f && lastResult) {
      setResult(lastResult);
      setCrop(camera.crops.get(lastResult.id));
    }
  };

  // ---- start ----------------------------------------------------------------------------------
  const start = async () => {
    try {
      settings = await host.loadSettings();
    } catch (e) {
      notify('error', `Settings could not be read: ${(e as Error).message} — using defaults.`);
    }
    setForceCpuSignal(settings.engine.forceCpu);
    void camera.startCamera(settings.camera ?? {});
    engine.request({ type: 'availableProviders' }).then(setProviders, () => setProviders([]));
    let list: BundledModel[] = [];
    try {
      list = await engine.request({ type: 'listModels' });
      setModels(list);
    } catch (e) {
      notify('error', `The engine did not list its models: ${(e as Error).message}`);
    }
    const last = settings.lastModel;
    if (last && 'paths' in last) {
      if (await loadModel(last, last.paths.map((p) => p.split(/[\\/]/).pop()).join(' + '))) return;
    } else if (last && 'bundled' in last && list.some((m) => m.id === last.bundled)) {
      if (await loadBundled(last.bundled)) return;
    }
    const first = list.find((m) => m.id === 'lenet') ?? list[0];
    if (first) await loadBundled(first.id);
  };

  return {
    host,
    camera,
    models,
    model,
    provider,
    providers,
    forceCpu,
    setForceCpu,
    layout,
    view,
    panels,
    frozen,
    /** What panels see as "frozen": false for the instant a frozen picture's re-run arrives. */
    panelsFrozen: () => frozen() && !refreshingFrozen(),
    result,
    crop,
    notices,
    progress,
    loading,
    connection,
    stats,
    cropSquare,
    setCropSquare,
    source,
    helpOpen,
    setHelpOpen,
    manifestOpen,
    setManifestOpen,
    openedPaths,
    notify,
    dismiss,
    movePanel,
    deletePanel,
    changePanel,
    createPanel,
    addLayerPanel,
    setView,
    sortedClass,
    setSortedClass,
    resetLayout,
    exportLayout,
    importLayout,
    loadBundled,
    stepModel,
    openFiles,
    openPaths,
    applyManifest,
    classWeights,
    toggleFreeze,
    saveCameraChoice,
    start,
  };
}
