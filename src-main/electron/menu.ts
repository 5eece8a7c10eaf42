// The application menu and the open-model dialog. Menu commands go to the page, which carries them
// out; the bundled models are listed the way the engine lists them, the dialog's filters come from
// the importer registry.
import { app, dialog, Menu, shell, type BrowserWindow, type MenuItemConstructorOptions, type OpenDialogOptions } from 'electron';
import type { BundledModel } from '../../src-shared/contract';
import type { MenuCommand } from '../../src-shared/ipc';
import { modelFileFilters } from './model-file-filters';

export interface MenuDeps {
  /** Sends a command to the page. */
  send(cmd: MenuCommand): void;
  chooseModelFiles(): Promise<string[] | null>;
  bundled: BundledModel[];
  /** The settings file, shown in About. */
  settingsFile: string;
}

/** The native "Open model…" dialog; null when cancelled. */
export async function chooseModelFiles(win: BrowserWindow | null): Promise<string[] | null> {
  const options: OpenDialogOptions = {
    title: 'Open model',
    properties: ['openFile', 'multiSelections'],
    filters: modelFileFilters(),
  };
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return r.canceled || r.filePaths.length === 0 ? null : r.filePaths;
}

export function buildMenu(deps: MenuDeps): Menu {
  const { send } = deps;
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        {
          label: 'Open Model…',
          accelerator: 'CmdOrCtrl+O',
          click: async () => {
            const paths = await deps.chooseModelFiles();
            if (paths) send({ action: 'openModel', paths });
          },
        },
        {
          label: 'Bundled Models',
          submenu: deps.bundled.length
            ? deps.bundled.map((m) => ({ label: m.name, click: () => send({ action: 'loadModel', bundled: m.id }) }))
            : [{ label: '(none found)', enabled: false }],
        },
        { type: 'separator' },
        { label: 'Export Layout…', accelerator: 'CmdOrCtrl+E', click: () => send({ action: 'exportLayout' }) },
        { label: 'Import Layout…', accelerator: 'CmdOrCtrl+I', click: () => send({ action: 'importLayout' }) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: 'Quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { label: 'Generic View', accelerator: 'CmdOrCtrl+1', click: () => send({ action: 'view', view: 'generic' }) },
        { label: 'Sorted Neurons', accelerator: 'CmdOrCtrl+2', click: () => send({ action: 'view', view: 'sorted' }) },
        // Space freezes too; this entry exists so the feature can be found.
        { label: 'Freeze / Unfreeze', click: () => send({ action: 'toggleFreeze' }) },
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
        { label: 'Keyboard Shortcuts', accelerator: 'F1', click: () => send({ action: 'help' }) },
        { label: 'Settings Folder', click: () => void shell.openPath(app.getPath('userData')) },
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
                `Settings: ${deps.settingsFile}`,
            }),
        },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
