// Electron main process: app lifecycle, a single instance, and the window. The engine host, the
// IPC handlers and the menu live in their own files; this one wires them to the window. The main
// process hands the window a channel to the engine host and otherwise stays out of the way: frames
// and results go window ⇄ engine host directly, so a busy main process never delays a frame.
import { app, BrowserWindow, ipcMain, Menu, MessageChannelMain, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineEvent } from '../../src-shared/contract';
import { IPC, type MenuCommand } from '../../src-shared/ipc';
import { listBundled } from '../engine/model-source';
import { SettingsOwner } from '../supervisor/settings-owner';
import { SettingsStore } from '../supervisor/settings-store';
import { EngineConnection } from './engine-connection';
import { registerIpc } from './ipc';
import { buildMenu, chooseModelFiles } from './menu';
import { lockNavigation } from './navigation';
import { limitPermissions } from './permissions';
import { spawnUtilityHost } from './utility-host';
import { newAppWindow } from './window-options';

const here = dirname(fileURLToPath(import.meta.url));
/** Bundled models: beside the app in development, in resources/models when packaged. */
const assetsDir = app.isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'assets', 'models');
const engineFile = join(here, 'engine-host.js');
// A CommonJS bundle: the only kind of preload a sandboxed page can run.
const preloadFile = join(here, '../preload/index.cjs');
const rendererFile = join(here, '../renderer/index.html');
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
/** What the window shows; IPC answers only frames showing this page. */
const pageUrl = devUrl ?? pathToFileURL(rendererFile).href;

const log = (line: string) => console.error(line);

let win: BrowserWindow | null = null;

const engine = new EngineConnection({
  spawn: () => spawnUtilityHost(engineFile, assetsDir),
  createChannel: () => {
    const { port1, port2 } = new MessageChannelMain();
    return { host: port1, client: port2 };
  },
  log: (line) => log(`[engine] ${line}`),
});

/** Engine events raised in the main process reach the page beside its engine channel. */
const toPage = (event: EngineEvent) => win?.webContents.send(IPC.engineEvent, event);
engine.onNotice(toPage);

let pageLoaded = false;
/** A connection is waiting for a host to come up; it will go to the newest host and page. */
let connecting = false;

/** A fresh engine channel for the page (after it loaded, and again after the host was replaced). */
async function deliverPort(): Promise<void> {
  // A page still loading gets its channel when it has finished (did-finish-load calls this again);
  // connecting now would hand the notices waiting for it to a port that gets closed.
  if (connecting || !win || !pageLoaded) return;
  connecting = true;
  let port: Electron.MessagePortMain;
  try {
    port = await engine.connect();
  } finally {
    connecting = false;
  }
  // The page started loading again while the host came up: it gets a channel of its own when done.
  if (!win || !pageLoaded) port.close();
  else win.webContents.postMessage(IPC.enginePort, null, [port]);
}
engine.onRestarted(() => void deliverPort());

function createWindow(): void {
  win = newAppWindow(BrowserWindow, preloadFile);
  win.once('ready-to-show', () => win?.show());
  const wc = win.webContents;
  lockNavigation(wc, pageUrl, log);
  wc.on('did-start-loading', () => {
    pageLoaded = false;
  });
  // The first load and every reload: the page's scripts listen for the port by now, and a
  // reloaded page lost its old one.
  wc.on('did-finish-load', () => {
    pageLoaded = true;
    void deliverPort();
  });
  wc.on('render-process-gone', (_e, details) => log(`renderer gone: ${details.reason}`));
  win.on('closed', () => {
    win = null;
  });
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(rendererFile);
}

async function start(): Promise<void> {
  const settings = new SettingsOwner({
    store: new SettingsStore(join(app.getPath('userData'), 'settings.json')),
    engine,
    announce: toPage,
    log,
  });
  limitPermissions(session.defaultSession, pageUrl, log);
  const initial = await settings.load();
  engine.remember({ model: initial.lastModel, settings: initial.engine });
  registerIpc(ipcMain, {
    pageUrl,
    settings,
    rememberModel: (model) => engine.remember({ model }),
    chooseModelFiles: () => chooseModelFiles(win),
  });
  Menu.setApplicationMenu(
    buildMenu({
      send: (cmd: MenuCommand) => win?.webContents.send(IPC.menu, cmd),
      chooseModelFiles: () => chooseModelFiles(win),
      bundled: listBundled(assetsDir),
      settingsFile: settings.file,
    }),
  );
  void engine.start();
  createWindow();
}

// Every page of the app runs sandboxed, whatever a window's options say (must precede 'ready').
app.enableSandbox();

// A separate settings folder on request (tests, portable use); otherwise the app's userData folder.
if (process.env.CONVSCOPE_CONFIG_DIR) app.setPath('userData', process.env.CONVSCOPE_CONFIG_DIR);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  void app.whenReady().then(start);
  app.on('window-all-closed', () => {
    void engine.stop().finally(() => app.quit());
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}
