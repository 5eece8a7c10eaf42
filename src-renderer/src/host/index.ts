// Picks the host the page runs in: the Electron preload's bridge when present, else browser mode.
import { connectElectron } from './electron';
import type { RendererHost } from './types';
import { connectWeb } from './web';

export type { ConnectionState, RendererHost } from './types';

/** Connects to the engine's host. Requests made before the link is open wait for it. */
export async function connectHost(): Promise<RendererHost> {
  const bridge = window.convscopeElectron;
  return bridge ? connectElectron(bridge) : connectWeb();
}
