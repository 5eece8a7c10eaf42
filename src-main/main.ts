// Electron main process: the window, the menus, dialogs and settings, and the engine host — an
// Electron utilityProcess started and supervised here. The main process hands out the ports and
// otherwise stays out of the way: frames and results go renderer ⇄ engine host over a
// MessageChannelMain, so a busy main process never delays a frame.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  shell,
  utilityProcess,
  type MenuItemConstructorOptions,
  type UtilityProcess,
} from 'electron';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineEvent, UserSettings } from '../src-shared/contract';
import { IPC, type MenuCommand } from '../src-shared/ipc';
import { SettingsStore } from './supervisor/settings-store';
import { Supervisor, type EngineProcess } from './supervisor/supervisor';

const here = dirname(fileURLToPath(import.meta.url));
/** Bundled models: beside the app in development, in resources/models when packaged. */
const assetsDir = app.isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'assets', 'models');
const engineFile = join(here, 'engine-host.js');
const preloadFile = join(here, '../preload/index.mjs');

let win: BrowserWindow | null = null;
let settings: UserSettings;
let store: SettingsStore;
let supervisor: Supervisor;
/** The utilityProcess behind the supervisor's current EngineProcess (ports travel through it). */
let currentChild: UtilityProcess | null = null;
/** The renderer's end of the newest engine channel, waiting for the page to finish loading. */
let rendererPort: Electron.MessagePortMain | null = null;
let pageLoaded = false;
let pageLoadedOnce = false;
/** Notices for the renderer raised while no engine channel existed (they travel on the next one). */
let pendingNotices: EngineEvent[] = [];

function spawnUtilityHost(): EngineProcess {
  const child = utilityProcess.fork(engineFile, ['--assets', assetsDir], {
    serviceName: 'ConvScope engine',
    stdio: 'inherit',
  });
  currentChild = child;
  let exited = false;
  let exitText = '';
  const exitCbs: ((d: string) => void)[] = [];
  child.on('exit', (code) => {
    exited = true;
    exitText = `exit code ${code}`;
    if (currentChild === child) currentChild = null;
    for (const cb of exitCbs) cb(exitText);
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (msg) => {
      if (!exited) child.postMessage(msg);
    },
    onMessage: (cb) => {
      child.on('message', (m: unknown) => cb(m));
    },
    onExit: (cb) => {
      if (exited) cb(exitText);
      else exitCbs.push(cb);
    },
    kill: () => {
      if (!exited) child.kill();
    },
  };
}

/** A fresh channel for a (re)started host: one end to the host, the other to the page. */
function connectRenderer(crashReason: string | null): void {
  const child = currentChild;
  if (!child) return;
  const { port1, port2 } = new MessageChannelMain();
  // Messages posted on the host's end before it is handed over reach the page first.
  const notices = pendingNotices;
  pendingNotices = [];
  if (crashReason !== null) notices.push({ type: 'engineRestarted', reason: crashReason });
  for (const event of notices) port1.postMessage({ type: 'event', event });
  child.postMessage({ type: 'port' }, [port1]);
  rendererPort?.close();
  rendererPort = port2;
  deliverPort();
}

function deliverPort(): void {
  if (!win || !pageLoaded || !rendererPort) return;
  win.webContents.postMessage(IPC.enginePort, null, [rendererPort]);
  rendererPort = null;
}

function startEngine(): void {
  supervisor = new Supervisor({
    spawn: spawnUtilityHost,
    log: (line) => console.error(`[engine] ${line}`),
    onStarted: (_proc, _restarted, crashReason) => connectRenderer(crashReason),
    onMessage: (msg) => {
      // The renderer hears the host on its own port; what arrives here is the supervisor's business.
      const m = msg as { type?: string; event?: EngineEvent };
      if (m.type !== 'event' || !m.event) return;
      // The host mirrors its events here: a bundled model that loaded is the one to reload after a
      // crash (models from files are remembered through the settings' lastModel).
      if (m.event.type === 'modelLoaded' && m.event.info.source === 'bundled') {
        supervisor.remember({ model: { bundled: m.event.info.id } });
      }
      if (m.event.type === 'error' && !supervisor.isReady) pendingNotices.push(m.event);
    },
  });
  supervisor.remember({ model: settings.lastModel, settings: settings.engine });
  void supervisor.start();
}

function bundledModels(): { id: string; name: string }[] {
  try {
    return readdirSync(assetsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => {
        try {
          const m = JSON.parse(readFileSync(join(assetsDir, d.name, 'manifest.json'), 'utf8')) as { id?: string; name?: string };
          return m.id ? [{ id: m.id, name: m.name ?? m.id }] : [];
        } catch {
          return [];
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

async function chooseModelFiles(): Promise<string[] | null> {
  const options: Electron.OpenDialogOptions = {
    title: 'Open model',
    properties: ['openFile', 'multiSelections'],
    filters: [
      { name: 'Models (ONNX, Caffe, Keras, manifest)', extensions: ['onnx', 'prototxt', 'caffemodel', 'binaryproto', 'h5', 'hdf5', 'json'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return r.canceled || r.filePaths.length === 0 ? null : r.filePaths;
}

function sendMenu(cmd: MenuCommand): void {
  win?.webContents.send(IPC.menu, cmd);
}

function buildMenu(): Menu {
  const isMac = process.platform === 'darwin';
  const models = bundledModels();
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        {
          label: 'Open Model…',
          accelerator: 'CmdOrCtrl+O',
          click: async () => {
            const paths = await chooseModelFiles();
            if (paths) sendMenu({ action: 'openModel', paths });
          },
        },
        {
          label: 'Bundled Models',
          submenu: models.length
            ? models.map((m) => ({ label: m.name, click: () => sendMenu({ action: 'loadModel', bundled: m.id }) }))
            : [{ label: '(none found)', enabled: false }],
        },
        { type: 'separator' },
        { label: 'Export Layout…', accelerator: 'CmdOrCtrl+E', click: () => sendMenu({ action: 'exportLayout' }) },
        { label: 'Import Layout…', accelerator: 'CmdOrCtrl+I', click: () => sendMenu({ action: 'importLayout' }) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { label: 'Generic View', accelerator: 'CmdOrCtrl+1', click: () => sendMenu({ action: 'view', view: 'generic' }) },
        { label: 'Sorted Neurons', accelerator: 'CmdOrCtrl+2', click: () => sendMenu({ action: 'view', view: 'sorted' }) },
        // Space freezes too; this entry exists so the feature can be found.
        { label: 'Freeze / Unfreeze', click: () => sendMenu({ action: 'toggleFreeze' }) },
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'help',
      submenu: [
        { label: 'Keyboard Shortcuts', accelerator: 'F1', click: () => sendMenu({ action: 'help' }) },
        {
          label: 'Settings Folder',
          click: () => void shell.openPath(app.getPath('userData')),
        },
        {
          label: 'About ConvScope',
          click: () =>
            void dialog.showMessageBox({
              type: 'info',
              title: 'About ConvScope',
              message: `ConvScope ${app.getVersion()}`,
              detail:
                'Realtime inspection of convolutional neural networks.\n' +
                `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}.\n` +
                `Settings: ${store.file}`,
            }),
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1440,
    height: 960,
    minWidth: 960,
    minHeight: 640,
    title: 'ConvScope',
    backgroundColor: '#16181d',
    show: false,
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      nodeIntegration: false,
      // ESM preload scripts need an unsandboxed renderer; the page itself still has no Node.
      sandbox: false,
    },
  });
  win.once('ready-to-show', () => win?.show());
  const wc = win.webContents;
  wc.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  wc.on('will-navigate', (e, url) => {
    if (url !== wc.getURL()) e.preventDefault();
  });
  wc.on('did-start-loading', () => {
    pageLoaded = false;
  });
  wc.on('did-finish-load', () => {
    pageLoaded = true;
    if (pageLoadedOnce) {
      // A reloaded page lost its port; a fresh host gives it a new channel with the model replayed.
      void supervisor.restart();
    } else {
      pageLoadedOnce = true;
      deliverPort();
    }
  });
  wc.on('render-process-gone', (_e, details) => console.error(`renderer gone: ${details.reason}`));
  win.on('closed', () => {
    win = null;
  });
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(here, '../renderer/index.html'));
}

function registerIpc(): void {
  ipcMain.handle(IPC.loadSettings, () => settings);
  ipcMain.handle(IPC.saveSettings, async (_e, s: unknown) => {
    const engineBefore = JSON.stringify(settings.engine);
    settings = await store.save(s);
    supervisor.remember({ model: settings.lastModel });
    // A changed "force CPU" applies now (the host reloads the model on the other provider).
    if (JSON.stringify(settings.engine) !== engineBefore) void supervisor.applyEngineSettings(settings.engine).catch(() => {});
  });
  ipcMain.handle(IPC.openModelDialog, () => chooseModelFiles());
}

// A separate settings folder on request (tests, portable use); otherwise the app's userData folder.
if (process.env.CONVSCOPE_CONFIG_DIR) app.setPath('userData', process.env.CONVSCOPE_CONFIG_DIR);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.whenReady().then(async () => {
    store = new SettingsStore(join(app.getPath('userData'), 'settings.json'));
    settings = await store.load((problem) => console.error(problem));
    registerIpc();
    Menu.setApplicationMenu(buildMenu());
    startEngine();
    createWindow();
  });
  app.on('window-all-closed', () => {
    void supervisor?.stop().finally(() => app.quit());
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}
