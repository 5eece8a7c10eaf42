// The link to the engine as the user sees it: its state in the status line, and notices when the
// engine reports a problem, restarts or the connection comes back.
import { createSignal, onCleanup } from 'solid-js';
import type { EngineChannel } from '../../../src-shared/contract';
import type { ConnectionState, RendererHost } from '../host';
import type { Notify } from './notices';

export function createConnection(deps: {
  host: Pick<RendererHost, 'connection' | 'onConnection'>;
  engine: Pick<EngineChannel, 'onEvent'>;
  notify: Notify;
  /** The name of the model on screen, for the restart notice. */
  modelName: () => string | null;
  /** The engine is back (restarted, or reconnected) and may have forgotten what to send. */
  onBack: () => void;
}) {
  const [state, setState] = createSignal<ConnectionState>(deps.host.connection());

  const offConnection = deps.host.onConnection((s) => {
    const before = state();
    setState(s);
    if (s === 'open' && before !== 'open' && before !== 'connecting') {
      deps.notify('info', 'Reconnected to the engine.');
      deps.onBack();
    }
  });

  const offEvent = deps.engine.onEvent((e) => {
    if (e.type === 'error') deps.notify('error', e.message);
    else if (e.type === 'engineRestarted') {
      if (e.withoutModel) {
        // Nothing to subscribe to until the user chooses a model.
        deps.notify('error', `The engine stopped (${e.reason}) and was restarted without a model: ${e.withoutModel}`);
        return;
      }
      const name = deps.modelName();
      deps.notify('error', `The engine stopped (${e.reason}) and was restarted${name ? ` with ${name}` : ''}.`);
      deps.onBack();
    }
  });
  onCleanup(() => {
    offConnection();
    offEvent();
  });

  return { state };
}
