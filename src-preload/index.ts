// Electron preload: the only bridge between the page and the main process. It exposes a small,
// typed API (settings, the open-model dialog, file paths of dropped files, menu commands) and
// forwards the engine host's MessagePort to the page, so frames and results travel renderer ⇄
// engine host directly, without passing through the main process.
//
// For the page:
// - `window.convscopeElectron` — see `ConvScopeElectronBridge` below.
// - The engine port arrives as `window.postMessage('convscope:engine-port', '*', [port])`: listen
//   for a message event whose `data === 'convscope:engine-port'` and take `event.ports[0]`. It is
//   posted once the page has loaded, and again with a fresh port whenever the engine host was
//   restarted (the old port is dead then; the first message on the new port is an
//   'engineRestarted' event when the restart followed a crash).
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { UserSettings } from './contract';

/** Commands from the application menu, for the page to carry out. */
export type MenuCommand =
  | { action: 'openModel'; paths: string[] }
  | { action: 'loadModel'; bundled: string }
  | { action: 'exportLayout' }
  | { action: 'importLayout' }
  | { action: 'view'; view: 'generic' | 'sorted' }
  | { action: 'toggleFreeze' }
  | { action: 'help' };

export interface ConvScopeElectronBridge {
  loadSettings(): Promise<UserSettings>;
  saveSettings(s: UserSettings): Promise<void>;
  /** Native "Open model…" dialog; null when cancelled. */
  openModelDialog(): Promise<string[] | null>;
  /** The file-system path of a File the user dropped or picked. */
  pathForFile(file: File): string;
  /** Subscribes to application-menu commands; returns the unsubscribe function. */
  onMenu(cb: (cmd: MenuCommand) => void): () => void;
}

const bridge: ConvScopeElectronBridge = {
  loadSettings: () => ipcRenderer.invoke('convscope:load-settings') as Promise<UserSettings>,
  saveSettings: (s) => ipcRenderer.invoke('convscope:save-settings', s) as Promise<void>,
  openModelDialog: () => ipcRenderer.invoke('convscope:open-model-dialog') as Promise<string[] | null>,
  pathForFile: (file) => webUtils.getPathForFile(file),
  onMenu(cb) {
    const handler = (_e: IpcRendererEvent, cmd: MenuCommand) => cb(cmd);
    ipcRenderer.on('convscope:menu', handler);
    return () => {
      ipcRenderer.off('convscope:menu', handler);
    };
  },
};

contextBridge.exposeInMainWorld('convscopeElectron', bridge);

// A port can be transferred only once, so it waits here until the page's scripts have run
// (they install their 'message' listener at start-up), then goes to the page.
let waitingPort: MessagePort | null = null;
let pageLoaded = document.readyState === 'complete';

function deliverPort(): void {
  if (!pageLoaded || !waitingPort) return;
  const port = waitingPort;
  waitingPort = null;
  window.postMessage('convscope:engine-port', '*', [port]);
}

ipcRenderer.on('convscope:engine-port', (e: IpcRendererEvent) => {
  const port = e.ports[0];
  if (!port) return;
  waitingPort?.close();
  waitingPort = port;
  deliverPort();
});

if (!pageLoaded) {
  window.addEventListener('load', () => {
    pageLoaded = true;
    deliverPort();
  });
}
