// The bottom line: the top-1 class (role="status", read by screen readers and the tests) and the
// live numbers, each with its unit.
import { Show, type JSX } from 'solid-js';
import { renderCost } from '../scene/perf';
import type { App } from './controller';

/** "7 — 98.4 %" for the most probable class of a result. */
export function topClassText(probs: Float32Array, labels: readonly string[]): string {
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
  if (probs.length === 0) return '';
  return `${labels[best] ?? `class ${best}`} — ${(probs[best] * 100).toFixed(1)} %`;
}

const ms = (x: number) => (x > 0 ? `${x < 10 ? x.toFixed(1) : Math.round(x)} ms` : '– ms');

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
  return (
    <footer class="statusbar">
      <div class="top1" role="status" aria-live="polite" data-testid="top1">
        {top() || (app.model() ? 'waiting for the first frame…' : '')}
      </div>
      <div class="status-line" data-testid="status-line">
        <span title="Camera frames per second">camera {app.stats().fps > 0 ? app.stats().fps.toFixed(1) : '–'} fps</span>
        <span title="Time the network took for one frame">inference {ms(app.stats().inferenceMs)}</span>
        <span title="From capturing a frame to drawing its result">latency {ms(app.stats().latencyMs)}</span>
        <span title="Drawing one result in all panels">render {ms(renderCost().median)}</span>
        <span title="Frames skipped because a newer one arrived before the engine was free (engine mailbox + link)">
          dropped {app.stats().dropped + app.stats().droppedByLink} frames
        </span>
        <span title="Execution provider running the network">provider {app.model()?.provider ?? '–'}</span>
        <span title="Loaded model">model {app.model()?.name ?? '–'}</span>
        <Show when={connection()}>{(c) => <span class="warn">{c()}</span>}</Show>
      </div>
    </footer>
  );
}
