// Electron: the engine host's MessagePort arrives from the preload via window.postMessage (again,
// with a fresh port, whenever the engine host was restarted); settings and dialogs go through the
// preload's bridge.
import { IPC, type ConvScopeElectronBridge } from '../../../src-shared/ipc';
import { DEFAULT_SETTINGS } from '../../../src-shared/contract';
import { EngineLink } from './link';
import type { RendererHost } from './types';

declare global {
  interface Window {
    convscopeElectron?: ConvScopeElectronBridge;
  }
}

export function connectElectron(bridge: ConvScopeElectronBridge): RendererHost {
  const link = new EngineLink();
  let current: MessagePort | null = null;

  window.addEventListener('message', (e: MessageEvent) => {
    if (e.data !== IPC.enginePort || !e.ports[0]) return;
    const port = e.ports[0];
    if (current) {
      current.close();
      link.lost('the engine host was restarted', 'connecting');
    }
    current = port;
    port.onmessage = (m: MessageEvent) => link.receive(m.data);
    port.start();
    link.open({
      sendRequest: (req) => port.postMessage(req),
      sendFrame: (buf) => {
        // Transferred, not copied: the buffer is not used again here.
        port.postMessage(buf, [buf]);
        return true;
      },
    });
  });

  return {
    kind: 'electron',
    engine: link,
    connection: () => link.state,
    onConnection: (cb) => link.onState(cb),
    framesDroppedByLink: () => link.droppedByLink,
    onMenu: (cb) => bridge.onMenu(cb),
    async loadSettings() {
      const s = await bridge.loadSettings();
      return { ...DEFAULT_SETTINGS, ...s, layouts: s.layouts ?? {} };
    },
    saveSettings: (s) => bridge.saveSettings(s),
    async stageFiles(files: File[]) {
      return files.map((f) => {
        const p = bridge.pathForFile(f);
        if (!p) throw new Error(`${f.name}: the file has no path on disk`);
        return p;
      });
    },
    openModelDialog: () => bridge.openModelDialog(),
  };
}
