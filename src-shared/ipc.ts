// The Electron bridge between the page and the main process: IPC channel names (defined once, used
// by main, preload and renderer) and the API the preload exposes as `window.convscopeElectron`.
// Types only (and string constants): nothing here touches Node, Electron or the DOM at run time.
import type { UserSettings } from './contract';

export const IPC = {
  loadSettings: 'convscope:load-settings',
  saveSettings: 'convscope:save-settings',
  openModelDialog: 'convscope:open-model-dialog',
  /** Main → page: a command chosen in the application menu. */
  menu: 'convscope:menu',
  /** Main → preload → page: the engine host's MessagePort (again after every restart). */
  enginePort: 'convscope:engine-port',
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
  saveSettings(s: UserSettings): Promise<void>;
  /** Native "Open model…" dialog; null when cancelled. */
  openModelDialog(): Promise<string[] | null>;
  /** The file-system path of a File the user dropped or picked. */
  pathForFile(file: DroppedFile): string;
  /** Subscribes to application-menu commands; returns the unsubscribe function. */
  onMenu(cb: (cmd: MenuCommand) => void): () => void;
}
