import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from './link';
import { connectWeb } from './web';

/** A WebSocket stand-in the test opens and closes by hand. */
class TestSocket {
  static readonly OPEN = 1;
  static made: TestSocket[] = [];
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  readonly sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    TestSocket.made.push(this);
  }
  send(data: unknown): void {
    this.sent.push(data);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.();
  }
  requests(): { rid: number; type: string }[] {
    return this.sent.filter((d): d is string => typeof d === 'string').map((d) => JSON.parse(d) as { rid: number; type: string });
  }
}

const g = globalThis as Record<string, unknown>;
const saved = { WebSocket: g.WebSocket, location: g.location };

describe('browser-mode host', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    TestSocket.made = [];
    g.WebSocket = TestSocket;
    g.location = { search: '?token=abc123', protocol: 'http:', host: '127.0.0.1:8731' };
  });
  afterEach(() => {
    vi.useRealTimers();
    g.WebSocket = saved.WebSocket;
    g.location = saved.location;
  });

  it('reconnects a dropped socket, a little slower each time, and sends what waited for it', async () => {
    const host = connectWeb();
    const states: ConnectionState[] = [];
    host.onConnection((s) => states.push(s));
    expect(TestSocket.made.map((s) => s.url)).toEqual(['ws://127.0.0.1:8731/engine?token=abc123']);
    TestSocket.made[0].open();
    const answered = host.engine.request({ type: 'listModels' });
    TestSocket.made[0].onmessage?.({ data: JSON.stringify({ rid: TestSocket.made[0].requests()[0].rid, ok: true, result: [] }) });
    await expect(answered).resolves.toEqual([]);

    // Dropped with a request on its way: the request fails with the reason, a new socket follows.
    const lost = host.engine.request({ type: 'availableProviders' });
    TestSocket.made[0].drop();
    await expect(lost).rejects.toThrow('availableProviders: the connection to the engine was lost');
    expect(host.connection()).toBe('reconnecting');
    host.engine.sendFrame({ id: 1, t: 0, width: 1, height: 1, rgba: new Uint8Array(4) });
    expect(host.framesDroppedByLink()).toBe(1);
    const waiting = host.engine.request({ type: 'subscribe', subscription: { layers: [] } });
    vi.advanceTimersByTime(499);
    expect(TestSocket.made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(TestSocket.made).toHaveLength(2);
    // The server is not back yet: the next try waits twice as long.
    TestSocket.made[1].drop();
    vi.advanceTimersByTime(999);
    expect(TestSocket.made).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(TestSocket.made).toHaveLength(3);
    TestSocket.made[2].open();
    expect(host.connection()).toBe('open');
    expect(TestSocket.made[2].requests().map((r) => r.type)).toEqual(['subscribe']);
    TestSocket.made[2].onmessage?.({ data: JSON.stringify({ rid: TestSocket.made[2].requests()[0].rid, ok: true, result: null }) });
    await expect(waiting).resolves.toBeNull();
    expect(states).toEqual(['open', 'reconnecting', 'open']);
    // A success resets the wait: the next drop is retried after 500 ms again.
    TestSocket.made[2].drop();
    vi.advanceTimersByTime(500);
    expect(TestSocket.made).toHaveLength(4);
  });
});
