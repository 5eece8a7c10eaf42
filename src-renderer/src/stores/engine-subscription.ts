// Keeps the engine's subscription equal to what the panels on screen show: sent when the model or
// the panels change, and again whenever the engine may have lost it.
import { createEffect, createSignal, on, type Accessor } from 'solid-js';
import type { EngineChannel, ModelInfo, Subscription } from '../../../src-shared/contract';
import { sameSubscription, subscriptionFor } from '../layout/subscription';
import type { PanelSpec } from '../panels/registry';
import type { Notify } from './notices';

export function createEngineSubscription(deps: {
  engine: Pick<EngineChannel, 'request'>;
  model: Accessor<ModelInfo | null>;
  /** Changes when the engine loaded the same model again (and forgot what to send). */
  reloads: Accessor<unknown>;
  panels: Accessor<PanelSpec[]>;
  notify: Notify;
  /** The engine accepted a new subscription. */
  onApplied: () => void;
}) {
  let last: Subscription | null = null;
  // Requests sent so far: only the newest one's answer ends the wait (a large model needs seconds to
  // prepare new layers).
  let sent = 0;
  const [waiting, setWaiting] = createSignal(false);

  const send = (force: boolean) => {
    const m = deps.model();
    if (!m) return;
    const sub = subscriptionFor(deps.panels(), m);
    if (!force && sameSubscription(last, sub)) return;
    last = sub;
    const mine = ++sent;
    setWaiting(true);
    const done = () => {
      if (mine === sent) setWaiting(false);
    };
    deps.engine
      .request({ type: 'subscribe', subscription: sub })
      .then(() => {
        done();
        deps.onApplied();
      })
      .catch((e: Error) => {
        done();
        last = null;
        deps.notify('error', `The engine refused the panels' layers: ${e.message}`);
      });
  };

  // A new model, or the same one loaded again, always gets its subscription, even one equal to the
  // one sent before.
  createEffect(on([deps.model, deps.reloads, deps.panels], ([m, r], prev) => send(!prev || prev[0] !== m || prev[1] !== r)));

  return {
    /** Sends the subscription again (the engine restarted, or the connection came back). */
    resend: () => send(true),
    /** True while the engine prepares the newest subscription (frames wait meanwhile). */
    waiting,
  };
}
