// The bottom line: the top-1 class (role="status", read by screen readers and the tests) and the
// live numbers, each with its unit.
import { Index, Show, type JSX } from 'solid-js';
import { renderCost } from '../scene/perf';
import type { App } from './controller';
import { ms, topClassText } from './format';


export function StatusLine(props: { app: App }): JSX.Element {
  const app = props.app;
  const top = () => {
    const r = app.result();
    const m = app.model();
    return r && m ? topClassText(r.probs, m.labels) : '';
  };
  const connection = () => {
    switch (app.connection()) {
      case 'open':
        return null;
      case 'connecting':
        return 'connecting to the engine…';
      case 'reconnecting':
        return 'engine connection lost — reconnecting…';
      case 'closed':
        return 'engine disconnected';
    }
  };
  const items = () => {
    const st = app.stats();
    const m = app.model();
    const list: { text: string; title: string; warn?: boolean }[] = [
      { text: `camera ${st.fps > 0 ? st.fps.toFixed(1) : '–'} fps`, title: 'Camera frames per second' },
      { text: `inference ${ms(st.inferenceMs)}`, title: 'Time the network took for one frame' },
      { text: `latency ${ms(st.latencyMs)}`, title: 'From capturing a frame to drawing its result' },
      { text: `render ${ms(renderCost().median)}`, title: 'Drawing one result in all panels (median)' },
      {
        text: `dropped ${st.dropped + st.droppedByLink} frames`,
        title: `Frames skipped because a newer one arrived before the engine was free: ${st.dropped} in the engine's mailbox, ${st.droppedByLink} on the link`,
      },
      { text: `provider ${app.provider() || '–'}`, title: 'Execution provider running the network' },
      { text: `model ${m?.name ?? '–'}`, title: 'Loaded model' },
    ];
    const c = connection();
    if (c) list.push({ text: c, title: 'Connection to the engine', warn: true });
    return list;
  };
  return (
    <footer class="statusbar">
      <div class="top1" role="status" aria-live="polite" data-testid="top1">
        {top() || (app.model() ? 'waiting for the first frame…' : '')}
      </div>
      <div class="status-line" data-testid="status-line">
        <Index each={items()}>
          {(it, i) => (
            <>
              <Show when={i > 0}>
                <span class="sep"> · </span>
              </Show>
              <span title={it().title} classList={{ warn: !!it().warn }}>
                {it().text}
              </span>
            </>
          )}
        </Index>
      </div>
    </footer>
  );
}
