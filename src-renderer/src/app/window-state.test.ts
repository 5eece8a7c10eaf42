import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type ModelInfo } from '../../../src-shared/contract';
import type { RendererHost } from '../host';
import { smallModel } from '../model/testing/small-model';
import { testEngine } from '../stores/testing/engine';
import { disposeRoots, inRoot } from '../stores/testing/roots';
import { createWindowState } from './window-state';

const named = (id: string): ModelInfo => ({ ...smallModel(), id, name: id.toUpperCase() });

function setup() {
  const t = testEngine({
    listModels: () => [
      { id: 'lenet', name: 'LeNet' },
      { id: 'mnist', name: 'MNIST' },
    ],
    availableProviders: () => ['cpu'],
    listFormats: () => [],
    loadModel: (r) => named('bundled' in r.source ? r.source.bundled : 'opened'),
    subscribe: () => null,
  });
  const host: RendererHost = {
    kind: 'web',
    engine: t.engine,
    loadSettings: async () => structuredClone(DEFAULT_SETTINGS),
    saveSettings: async () => {},
    stageFiles: async () => [],
    connection: () => 'open',
    onConnection: () => () => {},
    framesDroppedByLink: () => 0,
  };
  const w = inRoot(() => createWindowState(host)).value;
  const subscribed = () => t.requests.flatMap((r) => (r.type === 'subscribe' ? [r.subscription] : []));
  return { ...t, w, subscribed };
}

describe('window state', () => {
  afterEach(disposeRoots);

  it('tells the engine what to send once for each model it announces', async () => {
    const s = setup();
    await s.w.start();
    expect(s.w.session.model()?.id).toBe('lenet');
    const before = s.subscribed().length;
    expect(before).toBeGreaterThan(0);
    // Another tab's model: it becomes this window's model, with its layout's layers.
    s.event({ type: 'modelLoaded', info: named('mnist') });
    expect(s.w.session.model()?.id).toBe('mnist');
    expect(s.subscribed()).toHaveLength(before + 1);
    expect(s.subscribed().at(-1)!.layers.length).toBeGreaterThan(0);
    // The same model on another provider.
    s.event({ type: 'modelLoaded', info: { ...named('mnist'), provider: 'cuda' } });
    expect(s.w.session.provider()).toBe('cuda');
    expect(s.subscribed()).toHaveLength(before + 2);
  });
});
