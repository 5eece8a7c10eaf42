// The user's settings: read once at start, changed by the stores, written back one save at a time.
// The host that keeps them (Electron main, or the browser-mode server) also applies the engine
// settings: switching "Force CPU" here only saves it, and the host announces the model on its new
// provider.
import { createSignal } from 'solid-js';
import type { ConvScopeHost, DrawResolution, ModelManifest, ModelSource, ProviderName, UserSettings } from '../../../src-shared/contract';
import { DEFAULT_SETTINGS, modelFilesKey } from '../../../src-shared/contract';
import type { Notify } from './notices';

export function createSettingsSync(deps: { host: Pick<ConvScopeHost, 'loadSettings' | 'saveSettings'>; notify: Notify; layoutSaveDelayMs?: number }) {
  const delay = deps.layoutSaveDelayMs ?? 600;
  let settings: UserSettings = structuredClone(DEFAULT_SETTINGS);
  const [forceCpu, setForceCpuSignal] = createSignal(false);
  const [provider, setProviderSignal] = createSignal<ProviderName | undefined>(undefined);
  const [faces, setFacesSignal] = createSignal<UserSettings['faces']>(undefined);
  const [drawResolution, setDrawResolutionSignal] = createSignal<DrawResolution>('auto');
  let timer: ReturnType<typeof setTimeout> | null = null;
  // One save at a time; changes made meanwhile go out in one more save when it finishes.
  let saving: Promise<void> | null = null;
  let saveAgain = false;

  const persist = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (saving) {
      saveAgain = true;
      return saving;
    }
    saving = (async () => {
      try {
        do {
          saveAgain = false;
          await deps.host.saveSettings(settings);
        } while (saveAgain);
      } catch (e) {
        deps.notify('error', `Settings could not be saved: ${(e as Error).message}`);
      } finally {
        saving = null;
      }
    })();
    return saving;
  };

  const persistSoon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void persist(), delay);
  };

  return {
    /** Reads the settings (defaults when they cannot be read). */
    async load(): Promise<UserSettings> {
      try {
        settings = await deps.host.loadSettings();
      } catch (e) {
        deps.notify('error', `Settings could not be read: ${(e as Error).message} — using defaults.`);
      }
      setForceCpuSignal(settings.engine.forceCpu);
      setProviderSignal(settings.engine.provider);
      setFacesSignal(settings.faces);
      setDrawResolutionSignal(settings.display?.resolution ?? 'auto');
      return settings;
    },
    /** Saves a pending layout now and waits for the saves under way. */
    flush: (): Promise<void> => (timer ? persist() : (saving ?? Promise.resolve())),

    forceCpu,
    setForceCpu(on: boolean) {
      setForceCpuSignal(on);
      settings = { ...settings, engine: { ...settings.engine, forceCpu: on } };
      void persist();
    },

    /** The execution provider to try first; undefined: the automatic order. */
    provider,
    setProvider(p: ProviderName | undefined) {
      setProviderSignal(p);
      const { provider: _old, ...engine } = settings.engine;
      settings = { ...settings, engine: p ? { ...engine, provider: p } : engine };
      void persist();
    },

    /** The scene's resolution: full, half (for machines without GPU acceleration), or auto (half where software draws). */
    drawResolution,
    setDrawResolution(resolution: DrawResolution) {
      setDrawResolutionSignal(resolution);
      settings = { ...settings, display: { ...settings.display, resolution } };
      void persist();
    },

    /** How the crop follows faces, and the face finder's parameters. */
    faces,
    saveFaces(f: UserSettings['faces']) {
      setFacesSignal(f);
      settings = { ...settings, faces: f };
      void persist();
    },

    saveCameraChoice(camera: UserSettings['camera']) {
      settings = { ...settings, camera };
      void persist();
    },

    /** Remembers the model that loaded (and the user's manifest edits for files) for the next start. */
    rememberModel(source: ModelSource) {
      settings = { ...settings, lastModel: source };
      if ('paths' in source && source.manifest) {
        settings = { ...settings, manifests: { ...settings.manifests, [modelFilesKey(source.paths)]: source.manifest } };
      }
      void persist();
    },
    /** The user's earlier edits to the manifest of these files. */
    savedManifest: (paths: string[]): Partial<ModelManifest> | undefined => settings.manifests?.[modelFilesKey(paths)],

    /** Layouts change in bursts (a drag, typing a title): saved once they settle. */
    layouts: {
      get: (modelId: string): unknown => settings.layouts[modelId],
      save(modelId: string, layout: unknown) {
        settings = { ...settings, layouts: { ...settings.layouts, [modelId]: layout } };
        persistSoon();
      },
    },
  };
}

export type SettingsSync = ReturnType<typeof createSettingsSync>;
