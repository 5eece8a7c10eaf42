// The window and its security settings, apart from main.ts so a test (and Electronegativity, which
// reads the options where `new BrowserWindow` is written) can see them. The page gets no Node, runs
// sandboxed and isolated from the preload, and cannot turn web security or insecure content back
// on; the preload is the only bridge (a CommonJS bundle that requires only 'electron', as a
// sandboxed preload must be). Electron's BrowserWindow is passed in, so this file needs Electron
// only for its types.
import type { BrowserWindowConstructorOptions } from 'electron';

export type WindowClass<W> = new (options: BrowserWindowConstructorOptions) => W;

export function newAppWindow<W>(BrowserWindow: WindowClass<W>, preloadFile: string): W {
  return new BrowserWindow({
    width: 1440,
    height: 960,
    minWidth: 960,
    minHeight: 640,
    title: 'ConvScope',
    backgroundColor: '#16181d',
    show: false,
    webPreferences: {
      // The bridge Electronegativity asks to review: src-preload exposes six named calls (two
      // settings calls, the open dialog, a dropped file's path, menu commands, engine events),
      // never ipcRenderer itself, and main's handlers check the sender and arguments.
      preload: preloadFile, // eng-disable PRELOAD_JS_CHECK
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // A middle click would otherwise open links in a new window without asking the open handler.
      disableBlinkFeatures: 'Auxclick',
    },
  });
}
