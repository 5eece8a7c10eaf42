// The bottom line: what the network reads in the crop (role="status", read by screen readers and the
// tests) and the live numbers, each with its unit.
import { createEffect, createMemo, createSignal, Index, on, onCleanup, Show, type Accessor, type JSX } from 'solid-js';
import { ageBuckets, ageStatusText, expectedAge } from '../../../src-shared/age';
import type { FrameResult, ModelInfo } from '../../../src-shared/contract';
import type { ConnectionState } from '../host';
import { renderCost, shownFps } from '../scene/perf';
import type { Stats } from '../stores/frame-flow';
import { frameTrace, stagesText } from '../trace/frame-trace';
import { ms, nothingToRead, resultText } from './format';

/** How long preparing new layers may take before the status line says so. */
const PREPARING_SHOWN_AFTER_MS = 300;

export function StatusLine(props: {
  result: Accessor<FrameResult | null>;
  /** What the pictures come from, e.g. "Camera", "Image". */
  source: Accessor<string>;
  /** True while the engine prepares the layers the panels now show (frames wait meanwhile). */
  preparing: Accessor<boolean>;
  model: Accessor<ModelInfo | null>;
  stats: Accessor<Stats>;
  provider: Accessor<string>;
  /** Providers that failed to start before `provider` (with the reasons). */
  providerSkipped: Accessor<string[]>;
  connection: Accessor<ConnectionState>;
}): JSX.Element {
  // An age model reads "age ≈ 31" (the expected age) rather than its most probable age group.
  const ages = createMemo(() => {
    const m = props.model();
    return m ? (ageBuckets(m.manifest.output, m.labels)?.map((b) => b.age) ?? null) : null;
  });
  const reading = () => {
    const r = props.result();
    const m = props.model();
    if (!r || !m) return '';
    const a = ages();
    return a && !nothingToRead(r) ? ageStatusText(expectedAge(r.probs, a)) : resultText(r, m.labels);
  };
  // Said only when it takes a while (a large model needs seconds; a small one a blink).
  const [slowPreparing, setSlowPreparing] = createSignal(false);
  createEffect(
    on(props.preparing, (p) => {
      if (!p) return setSlowPreparing(false);
      const timer = setTimeout(() => setSlowPreparing(true), PREPARING_SHOWN_AFTER_MS);
      onCleanup(() => clearTimeout(timer));
    }),
  );
  const connection = () => {
    switch (props.connection()) {
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
    const st = props.stats();
    const m = props.model();
    const list: { text: string; title: string; warn?: boolean }[] = [
      { text: `${props.source().toLowerCase()} ${st.fps > 0 ? st.fps.toFixed(1) : '–'} fps`, title: `New pictures per second from the ${props.source().toLowerCase()}` },
      {
        // A result per new picture at most: the first results after a model loads come close together
        // (the frame that waited for it, then the newest), which is no faster picture.
        text: `shown ${(st.fps > 0 ? Math.min(shownFps(), st.fps) : shownFps()).toFixed(1)} fps`,
        title: `Results drawn per second: below the ${props.source().toLowerCase()} fps, the picture falls behind the ${props.source().toLowerCase()}`,
      },
      { text: `inference ${ms(st.inferenceMs)}`, title: 'Time the network took for one frame' },
      ...(st.facesMs !== null ? [{ text: `faces ${ms(st.facesMs)}`, title: 'Time the face finder took for one frame (the crop follows the face)' }] : []),
      { text: `latency ${ms(st.latencyMs)}`, title: `From the camera capturing a frame to its result on screen, median of the last 30 frames${stagesText(frameTrace.medians())}` },
      { text: `render ${ms(renderCost().median)}`, title: 'Drawing one result in all panels (median)' },
      {
        text: `dropped ${st.dropped + st.droppedByLink} frames`,
        title: `Frames skipped because a newer one arrived before the engine was free: ${st.dropped} in the engine's mailbox, ${st.droppedByLink} on the link`,
      },
      {
        text: `provider ${props.provider() || '–'}`,
        title: `Execution provider running the network${props.providerSkipped().length ? `; failed to start first: ${props.providerSkipped().join('; ')}` : ''}`,
      },
      { text: `model ${m?.name ?? '–'}`, title: 'Loaded model' },
    ];
    if (slowPreparing()) list.push({ text: 'preparing the new layers…', title: 'The engine builds the network with the layers the panels now show; the picture goes on when it is ready', warn: true });
    const c = connection();
    if (c) list.push({ text: c, title: 'Connection to the engine', warn: true });
    return list;
  };
  return (
    <footer class="statusbar">
      <div class="top1" classList={{ quiet: !!props.result() && nothingToRead(props.result()!) !== null }} role="status" aria-live="polite" data-testid="top1">
        {reading() || (props.model() ? 'waiting for the first frame…' : '')}
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
