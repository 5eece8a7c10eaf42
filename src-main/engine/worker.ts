// The inference worker thread: owns onnxruntime-node and the loaded model. Messages are handled one
// at a time in arrival order, so a model load never interleaves with a frame.
import { parentPort } from 'node:worker_threads';
import type { EngineSettings } from '../../src-shared/contract';
import { wallNow } from '../../src-shared/clock';
import { encodeResult } from '../../src-shared/payload';
import { faceFinderDir } from '../faces/bundled';
import { LazyFaceFinder } from '../faces/lazy-finder';
import { ModelRuntime } from './runtime';
import type { FromWorker, ToWorker } from './worker-protocol';

if (!parentPort) throw new Error('engine worker must run in a worker thread');
const port = parentPort;

let assetsDir = '';
let settings: EngineSettings = { forceCpu: false };
let model: ModelRuntime | null = null;
const faceFinder = new LazyFaceFinder(() => faceFinderDir(assetsDir));

const send = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init':
      assetsDir = m.assetsDir;
      settings = m.settings;
      return;
    case 'frame': {
      if (!model) {
        send({ type: 'frameError', id: m.id, message: 'no model loaded' });
        return;
      }
      try {
        const r = await model.run(m, { dropped: m.dropped }, m.prepared ? { input: m.prepared, ms: m.preprocessMs ?? 0 } : undefined);
        const found = m.detect ? await faceFinder.find(m.detect, (text) => send({ type: 'error', message: text })) : null;
        if (found) {
          r.faces = found.faces;
          r.timing.facesMs = found.ms;
        }
        if (m.inAt !== undefined) r.timing.inAt = m.inAt;
        r.timing.outAt = wallNow();
        const buf = encodeResult(r);
        send({ type: 'result', buf }, [buf]);
      } catch (e) {
        send({ type: 'frameError', id: m.id, message: `frame ${m.id}: ${message(e)}` });
      }
      return;
    }
    case 'load': {
      try {
        const next = await ModelRuntime.load(m.source, assetsDir, {
          forceCpu: settings.forceCpu,
          provider: settings.provider,
          onProgress: (fraction, detail) => send({ type: 'progress', progress: { task: 'Loading model', fraction, ...(detail ? { detail } : {}) } }),
        });
        // Only a model that loaded completely replaces the running one.
        const old = model;
        model = next;
        await old?.release();
        send({ type: 'spec', spec: next.inputSpec });
        send({ type: 'reply', rid: m.rid, ok: true, result: next.info });
      } catch (e) {
        send({ type: 'reply', rid: m.rid, ok: false, error: message(e) });
      }
      return;
    }
    case 'subscribe':
    case 'classWeights':
    case 'settings': {
      try {
        let result: unknown = null;
        if (m.type === 'settings') {
          settings = m.settings;
          if (model) {
            await model.setProvider(settings.forceCpu, settings.provider);
            result = model.info;
          }
        } else if (!model) throw new Error(`${m.type}: no model loaded`);
        else if (m.type === 'subscribe') await model.subscribe(m.subscription);
        else result = model.classWeights(m.layer);
        send({ type: 'reply', rid: m.rid, ok: true, result });
      } catch (e) {
        send({ type: 'reply', rid: m.rid, ok: false, error: message(e) });
      }
      return;
    }
  }
}

let chain: Promise<void> = Promise.resolve();
port.on('message', (m: ToWorker) => {
  chain = chain.then(() => handle(m)).catch((e) => {
    // handle() reports its own errors; this only guards against a bug in the reporting itself.
    console.error('engine worker:', e);
  });
});
