// The engine host process entry (Electron utilityProcess or a Node child started with
// child_process.fork(..., { serialization: 'advanced' })). It only wires a message link to an Engine:
// inbound encoded frames (ArrayBuffer / Uint8Array) and contract Requests; outbound encoded results
// (ArrayBuffer), Responses and { type: 'event' } messages. Argument: --assets <bundled models folder>.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineEvent, Request, Response } from '../../src-shared/contract';
import { decodeFrame, isFrame } from '../../src-shared/payload';
import { checkRequest, CLIENT_REQUEST_TYPES, REQUEST_TYPES, type RequestType } from '../../src-shared/requests';
import { Engine } from './engine';

/** Something messages can be sent on. */
interface Outlet {
  send(msg: unknown): void;
}

/** Electron's MessagePortMain / parentPort, typed locally so this file needs no Electron types. */
interface ElectronPort {
  on(event: 'message', cb: (e: { data: unknown; ports?: ElectronPort[] }) => void): void;
  postMessage(msg: unknown): void;
  start?(): void;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function defaultAssets(): string {
  // Built: out/main/engine-host.js → <app>/assets/models; from source: src-main/engine → assets/models.
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '../../assets/models');
}

const isBinary = (x: unknown): x is ArrayBuffer | ArrayBufferView => x instanceof ArrayBuffer || ArrayBuffer.isView(x);
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function main(): Promise<void> {
  const assetsDir = resolve(argValue('--assets') ?? defaultAssets());
  const engine = await Engine.create({ assetsDir });

  /** Where frames come from and results go (the renderer's port once it arrives). */
  let frameOutlet: Outlet | null = null;
  /** Every channel events are broadcast on (supervisor link + renderer port). */
  const eventOutlets = new Set<Outlet>();

  engine.onResult((_r, encoded) => frameOutlet?.send(encoded));
  engine.onEvent((event: EngineEvent) => {
    for (const o of eventOutlets) o.send({ type: 'event', event });
  });

  async function handleRequest(req: Request): Promise<Response> {
    try {
      let result: unknown;
      switch (req.type) {
        case 'listModels':
          result = engine.listModels();
          break;
        case 'loadModel':
          result = await engine.loadModel(req.source);
          break;
        case 'subscribe':
          await engine.subscribe(req.subscription);
          result = null;
          break;
        case 'classWeights':
          result = await engine.classWeights(req.layer);
          break;
        case 'setEngineSettings':
          result = await engine.setSettings(req.settings);
          break;
        case 'availableProviders':
          result = engine.availableProviders();
          break;
        case 'listFormats':
          result = engine.listFormats();
          break;
        case 'cancelLoad':
          result = engine.cancelLoad();
          break;
        default:
          throw new Error(`unknown request type '${(req as { type?: unknown }).type}'`);
      }
      return { rid: req.rid, ok: true, result };
    } catch (e) {
      return { rid: req.rid, ok: false, error: errorText(e) };
    }
  }

  /**
   * One inbound message from any link; replies go back on the link it came from. Requests are
   * checked against the contract's shape first; `allowed` limits what a link may ask (the
   * renderer's port may not change engine settings: the settings owner in the main process does).
   */
  function onInbound(data: unknown, from: Outlet, allowed: readonly RequestType[] = REQUEST_TYPES): void {
    try {
      if (isBinary(data)) {
        if (!isFrame(data)) throw new Error('binary message is not an encoded frame');
        frameOutlet = from;
        engine.pushFrame(decodeFrame(data));
        return;
      }
      const check = checkRequest(data, allowed);
      if (!check.ok) {
        if (check.rid === null) throw new Error(check.error);
        from.send({ rid: check.rid, ok: false, error: check.error });
        return;
      }
      const req = check.request;
      handleRequest(req).then((res) => from.send(res), (e) => from.send({ rid: req.rid, ok: false, error: errorText(e) }));
    } catch (e) {
      from.send({ type: 'event', event: { type: 'error', message: `engine host: ${errorText(e)}` } });
    }
  }

  const parentPort = (process as unknown as { parentPort?: ElectronPort }).parentPort;
  if (parentPort) {
    // Electron utilityProcess: the first message carrying a port links us to the renderer; requests
    // may also arrive on parentPort itself (from the supervisor).
    const parent: Outlet = { send: (m) => parentPort.postMessage(m) };
    eventOutlets.add(parent);
    let rendererOutlet: Outlet | null = null;
    parentPort.on('message', (e) => {
      const port = e.ports?.[0];
      if (port) {
        if (rendererOutlet) eventOutlets.delete(rendererOutlet);
        const outlet: Outlet = { send: (m) => port.postMessage(m) };
        rendererOutlet = outlet;
        frameOutlet = outlet;
        eventOutlets.add(outlet);
        port.on('message', (pe) => onInbound(pe.data, outlet, CLIENT_REQUEST_TYPES));
        port.start?.();
        // The renderer may connect after 'ready' went out on parentPort; tell it too.
        outlet.send({ type: 'event', event: { type: 'ready' } });
        if (engine.model) outlet.send({ type: 'event', event: { type: 'modelLoaded', info: engine.model } });
      }
      if (e.data !== undefined && e.data !== null && !(port && isPortHandshake(e.data))) onInbound(e.data, parent);
    });
    parent.send({ type: 'event', event: { type: 'ready' } });
  } else if (process.send) {
    const parent: Outlet = { send: (m) => process.send!(m) };
    eventOutlets.add(parent);
    process.on('message', (m) => onInbound(m, parent));
    process.on('disconnect', () => {
      void engine.close().finally(() => process.exit(0));
    });
    parent.send({ type: 'event', event: { type: 'ready' } });
  } else {
    process.stderr.write('engine host: started without a parent link (run it through utilityProcess or child_process.fork)\n');
    await engine.close();
    process.exit(2);
  }

  // A bug in a handler must not take the engine down: report it and carry on.
  process.on('uncaughtException', (e) => {
    process.stderr.write(`engine host: uncaught ${e.stack ?? e.message}\n`);
    for (const o of eventOutlets) o.send({ type: 'event', event: { type: 'error', message: `engine host: ${e.message}` } });
  });
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`engine host: unhandled rejection ${errorText(e)}\n`);
  });
}

/** The handshake message that carries the renderer's port has no payload of its own. */
function isPortHandshake(data: unknown): boolean {
  return typeof data === 'string' || (typeof data === 'object' && data !== null && !('rid' in data));
}

main().catch((e) => {
  process.stderr.write(`engine host: failed to start: ${errorText(e)}\n`);
  process.exit(1);
});
