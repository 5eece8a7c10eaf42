import type { ConvScopeHost } from '../../../src-shared/contract';
import type { MenuCommand } from '../../../src-shared/ipc';
import type { ConnectionState } from './link';

export type { ConnectionState, MenuCommand };

/** The host as the window uses it: the contract plus connection state and menu commands. */
export interface RendererHost extends ConvScopeHost {
  connection(): ConnectionState;
  onConnection(cb: (s: ConnectionState) => void): () => void;
  /** Frames not sent because the link was closed or congested. */
  framesDroppedByLink(): number;
  /** Application-menu commands (Electron only). */
  onMenu?(cb: (cmd: MenuCommand) => void): () => void;
}
