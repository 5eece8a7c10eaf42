// Which model is loaded and how it got there: the bundled list, loading with progress, models
// opened from files (and reloaded with the user's manifest edits), the formats the engine opens,
// the execution provider and the class weights of the loaded model.
import { batch, createSignal, onCleanup } from 'solid-js';
import type { BundledModel, ClassWeights, EngineChannel, ModelFormatInfo, ModelInfo, ModelManifest, ModelSource, Progress } from '../../../src-shared/contract';
import type { Notify } from './notices';
import type { SettingsSync } from './settings-sync';

/** A manifest may accompany the files of any format. */
const MANIFEST_EXTENSION = '.json';

const fileName = (p: string) => p.split(/[\\/]/).pop() ?? p;
const extension = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot).toLowerCase() : '';
};

/** The model after (step = 1) or before (step = −1) `current` in the bundled list, wrapping round. */
export function neighbourModel(ids: readonly string[], current: string | null, step: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const i = current === null ? -1 : ids.indexOf(current);
  if (i < 0) return step === 1 ? ids[0] : ids[ids.length - 1];
  return ids[(i + step + ids.length) % ids.length];
}

export function createModelSession(deps: {
  engine: Pick<EngineChannel, 'request' | 'onEvent'>;
  /** Makes picked or dropped files readable by the engine and returns their paths there. */
  stageFiles: (files: File[]) => Promise<string[]>;
  settings: Pick<SettingsSync, 'rememberModel' | 'savedManifest'>;
  notify: Notify;
  /** Runs in the same batch that makes `m` the model: nothing sees the new model with the old layout. */
  onModel: (m: ModelInfo) => void;
}) {
  const { engine, notify } = deps;
  const [models, setModels] = createSignal<BundledModel[]>([]);
  const [model, setModel] = createSignal<ModelInfo | null>(null);
  const [loading, setLoading] = createSignal<string | null>(null);
  const [progress, setProgress] = createSignal<Progress | null>(null);
  /** Files the current model was opened from (null for a bundled one), for reloading with edits. */
  const [openedPaths, setOpenedPaths] = createSignal<string[] | null>(null);
  /** Execution provider in use; the settings' owner may move the model to another one. */
  const [provider, setProvider] = createSignal('');
  /** Providers that failed to start before `provider`, each with onnxruntime's reason. */
  const [providerSkipped, setProviderSkipped] = createSignal<string[]>([]);
  const [providers, setProviders] = createSignal<string[]>([]);
  const [formats, setFormats] = createSignal<ModelFormatInfo[]>([]);
  /** Counts the engine's announcements of the model on screen loaded again (another provider). */
  const [reloads, setReloads] = createSignal(0);
  const weights = new Map<string, Promise<ClassWeights>>();

  /** Makes `m` the model; `paths`: the files it was opened from, null when not known to be files. */
  const apply = (m: ModelInfo, paths: string[] | null) =>
    batch(() => {
      weights.clear();
      setModel(m);
      setOpenedPaths(paths);
      setProvider(m.provider);
      setProviderSkipped(m.providerSkipped ?? []);
      deps.onModel(m);
    });

  const load = async (source: ModelSource, what: string): Promise<boolean> => {
    setLoading(what);
    setProgress(null);
    try {
      const info = await engine.request({ type: 'loadModel', source });
      apply(info, 'paths' in source ? source.paths : null);
      deps.settings.rememberModel(source);
      return true;
    } catch (e) {
      const still = model();
      notify('error', `Could not load ${what}: ${(e as Error).message}${still ? ` — still showing ${still.name}.` : ''}`);
      return false;
    } finally {
      setLoading(null);
      setProgress(null);
    }
  };

  const loadBundled = (id: string) => load({ bundled: id }, models().find((x) => x.id === id)?.name ?? id);

  const openPaths = async (paths: string[]) => {
    const name = paths.map(fileName).join(' + ');
    // Edits the user made to these files' manifest before apply again.
    const saved = deps.settings.savedManifest(paths);
    if (await load(saved ? { paths, manifest: saved } : { paths }, name)) {
      notify('info', `Opened ${name}. Check how its input is prepared under "Input settings…".`);
    }
  };

  /** True for a file of a format the engine opens (or a manifest beside one). */
  const isModelFile = (name: string) => {
    const ext = extension(name);
    return ext === MANIFEST_EXTENSION || formats().some((f) => f.extensions.includes(ext));
  };

  const offEvent = engine.onEvent((e) => {
    if (e.type === 'progress') setProgress(e.progress);
    // While loading, the load's own answer makes its model current.
    else if (e.type === 'modelLoaded' && !loading()) {
      const m = model();
      // A model this window did not load (another tab's, or the one the engine already had): any
      // files it came from are not this window's to reload.
      if (!m || m.id !== e.info.id) apply(e.info, null);
      // The same model loaded again, e.g. on another provider.
      else
        batch(() => {
          setProvider(e.info.provider);
          setProviderSkipped(e.info.providerSkipped ?? []);
          setReloads((n) => n + 1);
        });
    }
  });
  onCleanup(offEvent);

  return {
    models,
    model,
    loading,
    progress,
    openedPaths,
    provider,
    providerSkipped,
    providers,
    /** Changes whenever the engine announces the model on screen loaded again: it forgot what to send. */
    reloads,
    /** The labels of the formats the engine opens, e.g. "ONNX, Caffe". */
    formatNames: () => formats().map((f) => f.label).join(', '),

    /** Stops the load in progress; the engine keeps the model it had (the load then reports it was cancelled). */
    cancelLoad() {
      engine.request({ type: 'cancelLoad' }).catch((e: Error) => notify('error', `Could not cancel loading: ${e.message}`));
    },

    /** Asks the engine what it has and opens the model used last (or LeNet, or the first). */
    async start(last?: ModelSource) {
      engine.request({ type: 'availableProviders' }).then(setProviders, () => setProviders([]));
      engine.request({ type: 'listFormats' }).then(setFormats, (e: Error) => notify('error', `The engine did not list the model formats it opens: ${e.message}`));
      let list: BundledModel[] = [];
      try {
        list = await engine.request({ type: 'listModels' });
        setModels(list);
      } catch (e) {
        notify('error', `The engine did not list its models: ${(e as Error).message}`);
      }
      if (last && 'paths' in last) {
        if (await load(last, last.paths.map(fileName).join(' + '))) return;
      } else if (last && 'bundled' in last && list.some((m) => m.id === last.bundled)) {
        if (await loadBundled(last.bundled)) return;
      }
      const first = list.find((m) => m.id === 'lenet') ?? list[0];
      if (first) await loadBundled(first.id);
    },

    loadBundled,

    /** The next or previous bundled model (keys ← →). */
    stepModel(step: 1 | -1) {
      const m = model();
      const next = neighbourModel(
        models().map((x) => x.id),
        m?.source === 'bundled' ? m.id : null,
        step,
      );
      if (next && !loading()) void loadBundled(next);
    },

    openPaths,

    isModelFile,
    /** For the model file input's `accept`. */
    fileAccept: () => [...new Set([...formats().flatMap((f) => f.extensions), MANIFEST_EXTENSION])].join(','),
    /** What can be opened, in words, e.g. "ONNX: one .onnx file; Caffe: …". */
    formatsInWords: () => formats().map((f) => `${f.label}: ${f.description}`).join('; '),

    /** Opens the model files among `files` (staged for the engine first); false when there are none. */
    async openFiles(files: File[]): Promise<boolean> {
      const modelFiles = files.filter((f) => isModelFile(f.name));
      if (modelFiles.length === 0) return false;
      let paths: string[];
      try {
        paths = await deps.stageFiles(modelFiles);
      } catch (e) {
        notify('error', `Could not read ${modelFiles.map((f) => f.name).join(', ')}: ${(e as Error).message}`);
        return true;
      }
      await openPaths(paths);
      return true;
    },

    /** Reloads the opened model with the user's edits to its proposed manifest. */
    async applyManifest(override: Partial<ModelManifest>): Promise<boolean> {
      const paths = openedPaths();
      if (!paths) return false;
      return load({ paths, manifest: override }, paths.map(fileName).join(' + '));
    },

    /** The class-weight matrix of a vector layer, read once per model and layer. */
    classWeights(layer: string): Promise<ClassWeights> {
      let p = weights.get(layer);
      if (!p) {
        p = engine.request({ type: 'classWeights', layer });
        p.catch((e: Error) => {
          weights.delete(layer);
          notify('error', `Class weights of ${layer}: ${e.message}`);
        });
        weights.set(layer, p);
      }
      return p;
    },
  };
}

export type ModelSession = ReturnType<typeof createModelSession>;
