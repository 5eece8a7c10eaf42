// Electron preload: the only bridge between the page and the main process. It builds one `api`
// object of the shared `ConvScopeElectronBridge` type (settings, the open-model dialog, file paths
// of dropped files, menu commands, engine events raised in the main process) and forwards the
// engine host's MessagePort to the page, so frames and results travel renderer ⇄ engine host
// directly, without passing through the main process. The page is sandboxed, so this runs with
// Electron's polyfilled require(): the build makes it one CommonJS file that requires only
// 'electron' (electron.vite.config.ts; bundle.test.ts checks it).
//
// For the page:
// - `window.convscopeElectron` — see `ConvScopeElectronBridge` in src-shared/ipc.ts.
// - The engine port arrives as `window.postMessage(IPC.enginePort, '*', [port])`: listen
//   for a message event whose `data === IPC.enginePort` and take `event.ports[0]`. It is
//   posted once the page has loaded, and again with a fresh port whenever the engine host was
//   restarted or the page reloaded (the old port is dead then; the first message on the new port
//   is an 'engineRestarted' event when the restart followed a crash).
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { EngineEvent, UserSettings } from '../src-shared/contract';
import { IPC, type ConvScopeElectronBridge, type MenuCommand } from '../src-shared/ipc';

/** Subscribes to a main → page channel; returns the unsubscribe function. */
function listen<T>(channel: string, cb: (value: T) => void): () => void {
  const handler = (_e: IpcRendererEvent, value: T) => cb(value);
  ipcRenderer.on(channel, handler);
  return () => {
    ipcRenderer.off(channel, handler);
  };
}

const api = {
  loadSettings: () => ipcRenderer.invoke(IPC.loadSettings) as Promise<UserSettings>,
  saveSettings: (s) => ipcRenderer.invoke(IPC.saveSettings, s) as Promise<void>,
  openModelDialog: () => ipcRenderer.invoke(IPC.openModelDialog) as Promise<string[] | null>,
  pathForFile: (file) => webUtils.getPathForFile(file as File),
  onMenu: (cb) => listen<MenuCommand>(IPC.menu, cb),
  onEngineEvent: (cb) => listen<EngineEvent>(IPC.engineEvent, cb),
} satisfies ConvScopeElectronBridge;

contextBridge.exposeInMainWorld('convscopeElectron', api);

// A port can be transferred only once, so it waits here until the page's scripts have run
// (they install their 'message' listener at start-up), then goes to the page.
let waitingPort: MessagePort | null = null;
let pageLoaded = document.readyState === 'complete';

function deliverPort(): void {
  if (!pageLoaded || !waitingPort) return;
  const port = waitingPort;
  waitingPort = null;
  window.postMessage(IPC.enginePort, '*', [port]);
}

ipcRenderer.on(IPC.enginePort, (e: IpcRendererEvent) => {
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
