// The main process's IPC handlers for the window: settings and the open-model dialog. Each answers
// only ConvScope's own page (the sending frame must be the top frame showing our renderer) and
// checks its arguments before acting on them. Electron's ipcMain is passed in, so this file needs
// Electron only for its types and the handlers can be tested without it.
import type { UserSettings } from '../../src-shared/contract';
import { IPC } from '../../src-shared/ipc';
import { isOwnPage } from './own-page';

/** What a handler reads of Electron's IpcMainInvokeEvent. */
export interface InvokeEvent {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

/** Electron's ipcMain, as far as the handlers need it. */
export interface IpcRegistrar {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void;
}

export interface IpcDeps {
  /** The URL the window loads (the renderer's index.html file, or the dev server in development). */
  pageUrl: string;
  settings: {
    readonly current: UserSettings | undefined;
    /** Validates (throwing a message naming the field), writes, and applies a changed `engine` part once. */
    save(x: unknown): Promise<UserSettings>;
  };
  /** Called with every saved settings' last model, so a restarted engine reloads it. */
  rememberModel(model: UserSettings['lastModel']): void;
  chooseModelFiles(): Promise<string[] | null>;
}

/** Throws unless the request comes from the top frame of our own page. */
function checkSender(event: InvokeEvent, pageUrl: string): void {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || !isOwnPage(frame.url, pageUrl)) {
    throw new Error(`refused: IPC from ${frame ? frame.url || 'a frame without a URL' : 'an unknown frame'} is not ConvScope's own page`);
  }
}

function expectArgs(channel: string, args: unknown[], count: number): void {
  if (args.length !== count) throw new Error(`${channel}: expected ${count} argument(s), got ${args.length}`);
}

export function registerIpc(ipc: IpcRegistrar, deps: IpcDeps): void {
  /** A handler that runs only for our own page with exactly `count` arguments. */
  const handle = (channel: string, count: number, run: (...args: unknown[]) => unknown) => {
    ipc.handle(channel, (event, ...args) => {
      checkSender(event, deps.pageUrl);
      expectArgs(channel, args, count);
      return run(...args);
    });
  };
  handle(IPC.loadSettings, 0, () => deps.settings.current);
  handle(IPC.saveSettings, 1, async (s) => {
    const saved = await deps.settings.save(s);
    if (saved.lastModel) deps.rememberModel(saved.lastModel);
  });
  handle(IPC.openModelDialog, 0, () => deps.chooseModelFiles());
}
