// Keeps the engine's subscription equal to what the panels on screen show: sent when the model or
// the panels change, and again whenever the engine may have lost it.
import { createEffect, on, type Accessor } from 'solid-js';
import type { EngineChannel, ModelInfo, Subscription } from '../../../src-shared/contract';
import { sameSubscription, subscriptionFor } from '../layout/subscription';
import type { PanelSpec } from '../panels/registry';
import type { Notify } from './notices';

export function createEngineSubscription(deps: {
  engine: Pick<EngineChannel, 'request' | 'onEvent'>;
  model: Accessor<ModelInfo | null>;
  panels: Accessor<PanelSpec[]>;
  notify: Notify;
  /** The engine accepted a new subscription. */
  onApplied: () => void;
}) {
  let last: Subscription | null = null;

  const send = (force: boolean) => {
    const m = deps.model();
    if (!m) return;
    const sub = subscriptionFor(deps.panels(), m);
    if (!force && sameSubscription(last, sub)) return;
    last = sub;
    deps.engine
      .request({ type: 'subscribe', subscription: sub })
      .then(() => deps.onApplied())
      .catch((e: Error) => {
        last = null;
        deps.notify('error', `The engine refused the panels' layers: ${e.message}`);
      });
  };

  // A new model always gets its subscription, even one equal to the previous model's.
  createEffect(on([deps.model, deps.panels], ([m], prev) => send(!prev || prev[0] !== m)));
  // The same model announced again was reloaded (on another provider): tell it again what to send.
  deps.engine.onEvent((e) => {
    if (e.type === 'modelLoaded' && e.info.id === deps.model()?.id) send(true);
  });

  return {
    /** Sends the subscription again (the engine restarted, or the connection came back). */
    resend: () => send(true),
  };
}
