import { afterEach, describe, expect, it } from 'vitest';
import type { ModelFormatInfo, ModelInfo, ModelSource } from '../../../src-shared/contract';
import { smallModel } from '../model/testing/small-model';
import { createModelSession, neighbourModel } from './model-session';
import { createNotices } from './notices';
import { testEngine } from './testing/engine';
import { disposeRoots, inRoot } from './testing/roots';

const FORMATS: ModelFormatInfo[] = [
  { format: 'onnx', label: 'ONNX', description: 'one .onnx file', extensions: ['.onnx'] },
  { format: 'caffe', label: 'Caffe', description: 'a deploy .prototxt with its .caffemodel', extensions: ['.prototxt', '.pbtxt', '.caffemodel', '.binaryproto'] },
];

const named = (id: string, extra: Partial<ModelInfo> = {}): ModelInfo => ({ ...smallModel(), id, name: id.toUpperCase(), ...extra });

function setup(opts: { fail?: (src: ModelSource) => string | null } = {}) {
  const t = testEngine({
    listModels: () => [
      { id: 'mnist', name: 'MNIST' },
      { id: 'lenet', name: 'LeNet' },
      { id: 'squeezenet', name: 'SqueezeNet' },
    ],
    availableProviders: () => ['cpu'],
    listFormats: () => FORMATS,
    loadModel: (r) => {
      const why = opts.fail?.(r.source);
      if (why) throw new Error(why);
      return 'bundled' in r.source ? named(r.source.bundled) : named('opened', { source: r.source.paths[0] });
    },
    classWeights: (r) => ({ layer: r.layer, source: 'ip2', classes: 1, neurons: 1, weights: new Float32Array([1]) }),
  });
  const notices = createNotices();
  const remembered: ModelSource[] = [];
  const staged: string[] = [];
  const applied: string[] = [];
  const manifests = new Map<string, object>();
  const { value: session, dispose } = inRoot(() =>
    createModelSession({
      engine: t.engine,
      stageFiles: async (files) => files.map((f) => (staged.push(f.name), `/upload/${f.name}`)),
      settings: { rememberModel: (s) => void remembered.push(s), savedManifest: (paths) => manifests.get(paths.join()) },
      notify: notices.notify,
      onModel: (m) => void applied.push(m.id),
    }),
  );
  return { ...t, session, dispose, notices, remembered, staged, applied, manifests };
}

const file = (name: string) => new File(['x'], name);

describe('model session', () => {
  afterEach(disposeRoots);

  it('starts with LeNet when nothing was used before, and with the last model otherwise', async () => {
    const a = setup();
    await a.session.start();
    expect(a.session.model()?.id).toBe('lenet');
    expect(a.session.provider()).toBe('cpu');
    expect(a.applied).toEqual(['lenet']);
    expect(a.remembered).toEqual([{ bundled: 'lenet' }]);

    const b = setup();
    await b.session.start({ bundled: 'squeezenet' });
    expect(b.session.model()?.id).toBe('squeezenet');
    // A remembered model that no longer exists falls back to LeNet.
    const c = setup();
    await c.session.start({ bundled: 'gone' });
    expect(c.session.model()?.id).toBe('lenet');
  });

  it('keeps the current model when another fails to load, and says which', async () => {
    const s = setup({ fail: (src) => ('bundled' in src && src.bundled === 'squeezenet' ? 'out of memory' : null) });
    await s.session.start();
    expect(await s.session.loadBundled('squeezenet')).toBe(false);
    expect(s.session.model()?.id).toBe('lenet');
    expect(s.session.loading()).toBeNull();
    expect(s.notices.notices()[0].text).toBe('Could not load SqueezeNet: out of memory — still showing LENET.');
  });

  it('cancels a load in progress: the engine is asked to stop and the model on screen stays', async () => {
    let rejectLoad: ((e: Error) => void) | null = null;
    const s = setup();
    await s.session.start();
    // The next load waits until the engine answers it, as a long conversion would.
    const pending = new Promise<never>((_, reject) => (rejectLoad = reject));
    const original = s.engine.request.bind(s.engine);
    s.engine.request = ((msg: { type: string }) => {
      if (msg.type === 'loadModel') return (s.requests.push(msg as never), pending);
      if (msg.type === 'cancelLoad') {
        s.requests.push(msg as never);
        rejectLoad!(new Error('loading was cancelled'));
        return Promise.resolve(true);
      }
      return original(msg as never);
    }) as typeof s.engine.request;
    const loading = s.session.loadBundled('squeezenet');
    expect(s.session.loading()).toBe('SqueezeNet');
    s.session.cancelLoad();
    expect(await loading).toBe(false);
    expect(s.requests.at(-1)).toEqual({ type: 'cancelLoad' });
    expect(s.session.loading()).toBeNull();
    expect(s.session.model()?.id).toBe('lenet');
    expect(s.notices.notices().at(-1)?.text).toBe('Could not load SqueezeNet: loading was cancelled — still showing LENET.');
  });

  it('steps through the bundled models, wrapping round', async () => {
    expect(neighbourModel(['a', 'b', 'c'], 'c', 1)).toBe('a');
    expect(neighbourModel(['a', 'b', 'c'], 'own', -1)).toBe('c');
    expect(neighbourModel([], 'a', 1)).toBeNull();
    const s = setup();
    await s.session.start();
    s.session.stepModel(1);
    await expect.poll(() => s.session.model()?.id).toBe('squeezenet');
    s.session.stepModel(1);
    await expect.poll(() => s.session.model()?.id).toBe('mnist');
  });

  it('opens the files of any format the engine lists, with a manifest beside them, and remembers them', async () => {
    const s = setup();
    await s.session.start();
    // The accepted files come from the engine's list of formats: a text-format Caffe net is one.
    expect(s.session.fileAccept()).toBe('.onnx,.prototxt,.pbtxt,.caffemodel,.binaryproto,.json');
    expect(await s.session.openFiles([file('notes.txt'), file('cat.jpg')])).toBe(false);
    s.manifests.set('/upload/net.pbtxt,/upload/w.caffemodel', { labels: ['a'] });
    expect(await s.session.openFiles([file('net.pbtxt'), file('w.caffemodel'), file('readme.md')])).toBe(true);
    expect(s.staged).toEqual(['net.pbtxt', 'w.caffemodel']);
    expect(s.requests.at(-1)).toEqual({ type: 'loadModel', source: { paths: ['/upload/net.pbtxt', '/upload/w.caffemodel'], manifest: { labels: ['a'] } } });
    expect(s.session.openedPaths()).toEqual(['/upload/net.pbtxt', '/upload/w.caffemodel']);
    expect(s.notices.notices().at(-1)?.text).toMatch(/^Opened net\.pbtxt \+ w\.caffemodel\./);

    expect(await s.session.applyManifest({ labels: ['x', 'y'] })).toBe(true);
    expect(s.remembered.at(-1)).toEqual({ paths: ['/upload/net.pbtxt', '/upload/w.caffemodel'], manifest: { labels: ['x', 'y'] } });
    expect(s.session.formatsInWords()).toBe('ONNX: one .onnx file; Caffe: a deploy .prototxt with its .caffemodel');
  });

  it('takes the provider from the engine\'s announcement and reads class weights once per model', async () => {
    const s = setup();
    await s.session.start();
    const reloads = s.session.reloads();
    expect(s.session.providerSkipped()).toEqual([]);
    // Moved to the CPU after WebGPU failed: the reason is kept for the status line and the Engine menu.
    s.event({ type: 'modelLoaded', info: { ...s.session.model()!, provider: 'cpu', providerSkipped: ['webgpu: Failed to get a WebGPU adapter'] } });
    expect(s.session.providerSkipped()).toEqual(['webgpu: Failed to get a WebGPU adapter']);
    s.event({ type: 'modelLoaded', info: { ...s.session.model()!, provider: 'cuda' } });
    expect(s.session.provider()).toBe('cuda');
    expect(s.session.providerSkipped()).toEqual([]);
    expect(s.applied).toEqual(['lenet']);
    // The same model again: the engine forgot what to send.
    expect(s.session.reloads()).not.toBe(reloads);
    // A model loaded elsewhere (another tab) replaces this one.
    s.event({ type: 'modelLoaded', info: named('mnist') });
    expect(s.session.model()?.id).toBe('mnist');
    expect(s.applied).toEqual(['lenet', 'mnist']);

    await s.session.classWeights('relu1');
    await s.session.classWeights('relu1');
    expect(s.requests.filter((r) => r.type === 'classWeights')).toHaveLength(1);
    await s.session.loadBundled('lenet');
    await s.session.classWeights('relu1');
    expect(s.requests.filter((r) => r.type === 'classWeights')).toHaveLength(2);
  });

  it("forgets the opened files when another window's model arrives, so its input settings are not reloaded", async () => {
    const s = setup();
    await s.session.start();
    await s.session.openFiles([file('net.onnx')]);
    expect(s.session.openedPaths()).toEqual(['/upload/net.onnx']);
    // Browser mode: every tab hears every model loaded, this one from another tab.
    s.event({ type: 'modelLoaded', info: named('squeezenet') });
    expect(s.session.model()?.id).toBe('squeezenet');
    expect(s.session.openedPaths()).toBeNull();
    const loads = s.requests.filter((r) => r.type === 'loadModel').length;
    expect(await s.session.applyManifest({ labels: ['x'] })).toBe(false);
    expect(s.requests.filter((r) => r.type === 'loadModel')).toHaveLength(loads);
    // A bundled model after opened files has no files either.
    await s.session.openFiles([file('net.onnx')]);
    await s.session.loadBundled('lenet');
    expect(s.session.openedPaths()).toBeNull();
  });

  it('stops listening to the engine when its window goes', () => {
    const s = setup();
    expect(s.listeners()).toBe(1);
    s.dispose();
    expect(s.listeners()).toBe(0);
  });
});
