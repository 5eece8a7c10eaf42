// Browser mode: the engine behind the local server's WebSocket, settings and uploads over HTTP.
// The access token comes from the page's URL and goes with every request.
import type { UserSettings } from '../../../src-shared/contract';
import { DEFAULT_SETTINGS } from '../../../src-shared/contract';
import { EngineLink } from './link';
import { ThreadSocket } from './socket-thread';
import type { RendererHost } from './types';

/** More than this many bytes waiting in the socket means the link is congested: drop the frame. */
const MAX_BUFFERED_BYTES = 512 * 1024;

/** The socket lives on a worker thread where the page can start one; set if that ever fails to start. */
let threadUnavailable = false;

/** Opens the engine socket: on a worker thread (socket-thread.ts explains why), else on this thread. */
function openSocket(url: string): WebSocket | ThreadSocket {
  if (threadUnavailable || typeof Worker !== 'function') return new WebSocket(url);
  try {
    const worker = new Worker(new URL('./socket.worker.ts', import.meta.url), { type: 'module', name: 'engine socket' });
    return new ThreadSocket(url, worker, () => {
      threadUnavailable = true;
      console.warn('engine socket: its worker thread did not start; using the page thread');
    });
  } catch {
    threadUnavailable = true;
    return new WebSocket(url);
  }
}

export function connectWeb(): RendererHost {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const link = new EngineLink();
  const headers = { 'x-convscope-token': token };
  let retryMs = 500;

  const open = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = openSocket(`${scheme}://${location.host}/engine?token=${encodeURIComponent(token)}`);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      retryMs = 500;
      link.open({
        sendRequest: (req) => ws.send(JSON.stringify(req)),
        sendFrame: (buf) => {
          if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > MAX_BUFFERED_BYTES) return false;
          ws.send(buf);
          return true;
        },
      });
    };
    ws.onmessage = (e: { data: unknown; at?: number }) => link.receive(e.data, e.at);
    ws.onclose = () => {
      link.lost('the connection to the engine was lost', 'reconnecting');
      // The server may be restarting its engine or itself: keep trying, a little slower each time.
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  open();

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(path, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    if (!res.ok) throw new Error(body.error ?? `${init.method ?? 'GET'} ${path}: HTTP ${res.status}`);
    return body;
  };

  return {
    kind: 'web',
    engine: link,
    connection: () => link.state,
    onConnection: (cb) => link.onState(cb),
    framesDroppedByLink: () => link.droppedByLink,
    async loadSettings(): Promise<UserSettings> {
      const s = (await api('/api/settings')) as Partial<UserSettings>;
      return { ...DEFAULT_SETTINGS, ...s, layouts: s.layouts ?? {} };
    },
    async saveSettings(s: UserSettings): Promise<void> {
      await api('/api/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(s) });
    },
    async stageFiles(files: File[]): Promise<string[]> {
      const paths: string[] = [];
      // Files opened together go into one folder on the server (the first upload starts it).
      let group: string | null = null;
      for (const f of files) {
        const query = `name=${encodeURIComponent(f.name)}${group ? `&group=${group}` : ''}`;
        const body = (await api(`/api/upload?${query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body: f,
        })) as { path?: string; group?: string };
        if (typeof body.path !== 'string') throw new Error(`upload of ${f.name}: the server did not say where it stored the file`);
        group ??= typeof body.group === 'string' ? body.group : null;
        paths.push(body.path);
      }
      return paths;
    },
  };
}
