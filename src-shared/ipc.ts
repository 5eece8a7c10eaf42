// The Electron bridge between the page and the main process: IPC channel names (defined once, used
// by main, preload and renderer) and the API the preload exposes as `window.convscopeElectron`.
// Types only (and string constants): nothing here touches Node, Electron or the DOM at run time.
import type { EngineEvent, UserSettings } from './contract';

export const IPC = {
  loadSettings: 'convscope:load-settings',
  saveSettings: 'convscope:save-settings',
  openModelDialog: 'convscope:open-model-dialog',
  /** Main → page: a command chosen in the application menu. */
  menu: 'convscope:menu',
  /** Main → preload → page: the engine host's MessagePort (again after every restart). */
  enginePort: 'convscope:engine-port',
  /**
   * Main → page: an engine event raised by the main process rather than the engine host — the
   * model rebuilt on another provider after saved engine settings, a model that could not be
   * reloaded after a restart, a crash loop.
   */
  engineEvent: 'convscope:engine-event',
} as const;

/** Commands from the application menu, for the page to carry out. */
export type MenuCommand =
  | { action: 'openModel'; paths: string[] }
  | { action: 'loadModel'; bundled: string }
  | { action: 'exportLayout' }
  | { action: 'importLayout' }
  | { action: 'view'; view: 'generic' | 'sorted' }
  | { action: 'toggleFreeze' }
  | { action: 'help' };

/** A file the user dropped or picked, as far as the bridge needs it (a DOM File in the page). */
export type DroppedFile = Blob & { readonly name: string };

/** What the preload exposes to the page as `window.convscopeElectron`. */
export interface ConvScopeElectronBridge {
  loadSettings(): Promise<UserSettings>;
  /**
   * Saves the settings; a changed `engine` part is applied by the main process, which then sends
   * the model as rebuilt on the new provider as a 'modelLoaded' event (see onEngineEvent).
   */
  saveSettings(s: UserSettings): Promise<void>;
  /** Native "Open model…" dialog; null when cancelled. */
  openModelDialog(): Promise<string[] | null>;
  /** The file-system path of a File the user dropped or picked. */
  pathForFile(file: DroppedFile): string;
  /** Subscribes to application-menu commands; returns the unsubscribe function. */
  onMenu(cb: (cmd: MenuCommand) => void): () => void;
  /**
   * Subscribes to engine events from the main process (handle them like the events on the engine
   * port); returns the unsubscribe function.
   */
  onEngineEvent(cb: (event: EngineEvent) => void): () => void;
}
