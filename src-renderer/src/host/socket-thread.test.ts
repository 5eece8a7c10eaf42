import { wallNow } from '../../../src-shared/clock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveSocket, ThreadSocket, type SocketThread, type SocketThreadScope, type ThreadWebSocket } from './socket-thread';

/** The server end as the socket thread sees it; the test opens, answers and closes it by hand. */
class TestSocket {
  binaryType = 'blob';
  bufferedAmount = 0;
  readyState = 0;
  readonly sent: (string | ArrayBuffer)[] = [];
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  send(data: string | ArrayBuffer): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }
  deliver(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent);
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({} as CloseEvent);
  }
}

const channels: MessageChannel[] = [];
const settle = () => new Promise((r) => setTimeout(r, 20));

/** A page and a socket thread joined by a real MessageChannel (structured clone and transfer as with a Worker). */
function pair(onStartFailure?: () => void) {
  const ch = new MessageChannel();
  channels.push(ch);
  const sockets: TestSocket[] = [];
  serveSocket(ch.port2 as unknown as SocketThreadScope, (url) => {
    const s = new TestSocket(url);
    sockets.push(s);
    return s as ThreadWebSocket;
  });
  let terminated = false;
  const thread = Object.assign(ch.port1, { terminate: () => ((terminated = true), ch.port1.close()), onerror: null }) as unknown as SocketThread;
  const page = new ThreadSocket('ws://127.0.0.1:1/engine?token=t', thread, onStartFailure);
  const heard: unknown[] = [];
  const stamps: (number | undefined)[] = [];
  page.onmessage = (e) => {
    heard.push(e.data);
    stamps.push(e.at);
  };
  return { page, thread, sockets, heard, stamps, terminated: () => terminated };
}

describe('the engine socket on its own thread', () => {
  afterEach(() => {
    for (const ch of channels.splice(0)) {
      ch.port1.close();
      ch.port2.close();
    }
  });

  it('opens the socket the page asks for and passes requests, frames and results through', async () => {
    const p = pair();
    let opened = false;
    p.page.onopen = () => (opened = true);
    await settle();
    expect(p.sockets.map((s) => [s.url, s.binaryType])).toEqual([['ws://127.0.0.1:1/engine?token=t', 'arraybuffer']]);
    expect(p.page.readyState).toBe(ThreadSocket.CONNECTING);
    p.page.send('ignored before the socket is open');
    p.sockets[0].open();
    await settle();
    expect(opened).toBe(true);
    expect(p.page.readyState).toBe(ThreadSocket.OPEN);

    p.page.send('{"rid":1,"type":"listModels"}');
    const frame = new Uint8Array([1, 2, 3, 4, 5]).buffer;
    p.page.send(frame);
    // Transferred, not copied: the page's buffer is gone, the thread's socket got the bytes.
    expect(frame.byteLength).toBe(0);
    await settle();
    expect(p.sockets[0].sent.map((d) => (typeof d === 'string' ? d : [...new Uint8Array(d)]))).toEqual(['{"rid":1,"type":"listModels"}', [1, 2, 3, 4, 5]]);

    const result = new Uint8Array([9, 8, 7]).buffer;
    const before = wallNow();
    p.sockets[0].deliver(result);
    p.sockets[0].deliver('{"type":"event"}');
    p.sockets[0].deliver(new Blob(['not for the page']));
    await settle();
    expect(result.byteLength).toBe(0);
    expect(p.heard.map((d) => (typeof d === 'string' ? d : [...new Uint8Array(d as ArrayBuffer)]))).toEqual([[9, 8, 7], '{"type":"event"}']);
    // A result carries when the thread had it, so the page can tell the way back from its own wait.
    expect(p.stamps[0]).toBeGreaterThanOrEqual(before);
    expect(p.stamps[0]).toBeLessThanOrEqual(wallNow());
    expect(p.stamps[1]).toBeUndefined();
  });

  it('knows how many frame bytes wait, counting frames handed over until the thread reports on them', async () => {
    const p = pair();
    await settle();
    p.sockets[0].open();
    await settle();
    // The socket keeps 3000 bytes unsent after the first frame: the page counts the frame until the report comes.
    p.sockets[0].send = function (d) {
      this.sent.push(d);
      if (typeof d !== 'string') this.bufferedAmount += 3000;
    };
    p.page.send(new ArrayBuffer(1000));
    expect(p.page.bufferedAmount).toBe(1000);
    // The thread's report travels back over the channel: wait for it rather than for a fixed time.
    await vi.waitFor(() => expect(p.page.bufferedAmount).toBe(3000));
    // The socket drains: the thread keeps looking while bytes wait and says when they are gone.
    p.sockets[0].bufferedAmount = 0;
    await vi.waitFor(() => expect(p.page.bufferedAmount).toBe(0));
  });

  it('reports a closed socket once and ends its thread', async () => {
    const p = pair();
    let closes = 0;
    p.page.onclose = () => closes++;
    await settle();
    p.sockets[0].open();
    await settle();
    p.sockets[0].drop();
    await settle();
    expect(closes).toBe(1);
    expect(p.page.readyState).toBe(ThreadSocket.CLOSED);
    expect(p.terminated()).toBe(true);
    p.page.send('after the close');
    p.page.close();
    expect(closes).toBe(1);
  });

  it('says so when its thread fails before the socket opened, so the page can use its own thread', async () => {
    let failures = 0;
    const p = pair(() => failures++);
    let closes = 0;
    p.page.onclose = () => closes++;
    p.thread.onerror?.({} as ErrorEvent);
    expect([failures, closes, p.page.readyState]).toEqual([1, 1, ThreadSocket.CLOSED]);
  });

  it('closes its socket when the page closes it', async () => {
    const p = pair();
    await settle();
    p.sockets[0].open();
    await settle();
    p.page.close();
    await settle();
    expect(p.sockets[0].closed).toBe(true);
  });
});
