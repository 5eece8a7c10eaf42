import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../../src-shared/contract';
import { defaultGenericPanels } from '../layout/default-layout';
import { smallModel } from '../model/testing/small-model';
import type { PanelSpec } from '../panels/registry';
import { createEngineSubscription } from './engine-subscription';
import { createNotices } from './notices';
import { testEngine } from './testing/engine';
import { disposeRoots, inRoot } from './testing/roots';

function setup(refuse = false) {
  const t = testEngine({
    subscribe: () => {
      if (refuse) throw new Error("model small has no layer 'conv9'");
      return null;
    },
  });
  const [model, setModel] = createSignal<ModelInfo | null>(null);
  const [panels, setPanels] = createSignal<PanelSpec[]>([]);
  const [reloads, setReloads] = createSignal(0);
  const notices = createNotices();
  let applied = 0;
  const sub = inRoot(() => createEngineSubscription({ engine: t.engine, model, reloads, panels, notify: notices.notify, onApplied: () => applied++ })).value;
  const subscribed = () => t.requests.flatMap((r) => (r.type === 'subscribe' ? [r.subscription.layers.map((l) => l.layer)] : []));
  return { ...t, sub, setModel, setPanels, reload: () => setReloads((n) => n + 1), notices, subscribed, applied: () => applied };
}

describe('engine subscription', () => {
  afterEach(disposeRoots);

  it('asks for the layers the panels show, once per change, and again for a new model', async () => {
    const s = setup();
    const m = smallModel();
    s.setModel(m);
    s.setPanels(defaultGenericPanels(m));
    s.setPanels([...defaultGenericPanels(m)]);
    expect(s.subscribed()).toEqual([[], ['conv1', 'pool1', 'conv2', 'pool2', 'relu1']]);
    s.setModel({ ...m });
    expect(s.subscribed()).toHaveLength(3);
    await expect.poll(s.applied).toBe(3);
  });

  it('sends it again when asked, and once each time the engine loaded the same model again', () => {
    const s = setup();
    const m = smallModel();
    s.setModel(m);
    s.sub.resend();
    s.reload();
    expect(s.subscribed()).toHaveLength(3);
    s.setPanels(defaultGenericPanels(m));
    s.reload();
    expect(s.subscribed()).toHaveLength(5);
  });

  it('says when the engine refuses the layers, and tries again on the next change', async () => {
    const s = setup(true);
    s.setModel(smallModel());
    await expect.poll(() => s.notices.notices().map((n) => n.text)).toEqual(["The engine refused the panels' layers: model small has no layer 'conv9'"]);
    s.setPanels([]);
    expect(s.subscribed()).toHaveLength(2);
  });

  it('is waiting while the engine prepares the newest subscription, and not once it answered or refused', async () => {
    const answers: (() => void)[] = [];
    const fails: ((e: Error) => void)[] = [];
    const t = testEngine({
      subscribe: () =>
        new Promise<null>((resolve, reject) => {
          answers.push(() => resolve(null));
          fails.push(reject);
        }),
    });
    const [model, setModel] = createSignal<ModelInfo | null>(null);
    const [panels, setPanels] = createSignal<PanelSpec[]>([]);
    const notices = createNotices();
    const sub = inRoot(() => createEngineSubscription({ engine: t.engine, model, reloads: () => 0, panels, notify: notices.notify, onApplied: () => {} })).value;
    expect(sub.waiting()).toBe(false);
    const m = smallModel();
    setModel(m);
    expect(sub.waiting()).toBe(true);
    // A newer subscription before the first is answered: only its answer ends the wait.
    setPanels(defaultGenericPanels(m));
    expect(answers).toHaveLength(2);
    answers[0]();
    await Promise.resolve();
    await Promise.resolve();
    expect(sub.waiting()).toBe(true);
    answers[1]();
    await expect.poll(sub.waiting).toBe(false);
    // A refusal ends it too.
    setPanels([]);
    expect(sub.waiting()).toBe(true);
    fails[2](new Error('no such layer'));
    await expect.poll(sub.waiting).toBe(false);
    expect(notices.notices().map((n) => n.text)).toEqual(["The engine refused the panels' layers: no such layer"]);
  });
});
