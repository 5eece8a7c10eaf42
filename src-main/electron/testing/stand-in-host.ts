// The stand-in engine host (supervisor/fixture-host.mjs, a real child process that can be killed)
// as a HostProcess that takes message ports: worker_threads channels play Electron's
// MessageChannelMain, and a port's traffic is carried over the child's IPC link, wrapped as
// { port: message } — the fixture's way of serving a window's channel.
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { spawnNodeChild } from '../../supervisor/node-child';
import type { HostProcess } from '../engine-connection';

const fixture = fileURLToPath(new URL('../../supervisor/fixture-host.mjs', import.meta.url));

const isPortMessage = (m: unknown): m is { port: unknown } => typeof m === 'object' && m !== null && !ArrayBuffer.isView(m) && 'port' in m;

export function spawnStandInHost(): HostProcess<MessagePort> {
  const child = spawnNodeChild({ file: fixture });
  let port: MessagePort | null = null;
  const listeners: ((m: unknown) => void)[] = [];
  child.onMessage((m) => {
    if (isPortMessage(m)) port?.postMessage(m.port);
    else for (const cb of listeners) cb(m);
  });
  child.onExit(() => port?.close());
  return {
    get pid() {
      return child.pid;
    },
    send: (msg) => child.send(msg),
    onMessage: (cb) => listeners.push(cb),
    onExit: (cb) => child.onExit(cb),
    kill: () => child.kill(),
    sendPort(p) {
      port?.close();
      port = p;
      p.on('message', (m: unknown) => child.send({ port: m }));
      child.send({ type: 'port' });
    },
  };
}

export function createNodeChannel(): { host: MessagePort; client: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  return { host: port1, client: port2 };
}

/** Collects what arrives on a client port and waits for a message. */
export function listenOn(port: MessagePort): { messages: unknown[]; next(pred: (m: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>> } {
  const messages: unknown[] = [];
  const waiters = new Set<() => void>();
  port.on('message', (m: unknown) => {
    messages.push(m);
    for (const w of [...waiters]) w();
  });
  const next = (pred: (m: Record<string, unknown>) => boolean, ms = 20_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const hit = messages.find((m) => typeof m === 'object' && m !== null && pred(m as Record<string, unknown>));
        if (!hit) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit as Record<string, unknown>);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no such message within ${ms} ms; got ${JSON.stringify(messages)}`));
      }, ms);
      waiters.add(check);
      check();
    });
  return { messages, next };
}
