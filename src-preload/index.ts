// Electron preload: the only bridge between the page and the main process. It exposes a small,
// typed API (settings, the open-model dialog, file paths of dropped files, menu commands) and
// forwards the engine host's MessagePort to the page, so frames and results travel renderer ⇄
// engine host directly, without passing through the main process.
//
// For the page:
// - `window.convscopeElectron` — see `ConvScopeElectronBridge` below.
// - The engine port arrives as `window.postMessage(IPC.enginePort, '*', [port])`: listen
//   for a message event whose `data === 'convscope:engine-port'` and take `event.ports[0]`. It is
//   posted once the page has loaded, and again with a fresh port whenever the engine host was
//   restarted (the old port is dead then; the first message on the new port is an
//   'engineRestarted' event when the restart followed a crash).
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC, type ConvScopeElectronBridge, type MenuCommand } from '../src-shared/ipc';
import type { UserSettings } from '../src-shared/contract';

const bridge: ConvScopeElectronBridge = {
  loadSettings: () => ipcRenderer.invoke(IPC.loadSettings) as Promise<UserSettings>,
  saveSettings: (s) => ipcRenderer.invoke(IPC.saveSettings, s) as Promise<void>,
  openModelDialog: () => ipcRenderer.invoke(IPC.openModelDialog) as Promise<string[] | null>,
  pathForFile: (file) => webUtils.getPathForFile(file as File),
  onMenu(cb) {
    const handler = (_e: IpcRendererEvent, cmd: MenuCommand) => cb(cmd);
    ipcRenderer.on(IPC.menu, handler);
    return () => {
      ipcRenderer.off(IPC.menu, handler);
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
