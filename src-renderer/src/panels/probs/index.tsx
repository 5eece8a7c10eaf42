// Class probabilities: one bar per class, or the top k of many; for an age model a histogram over
// age with the expected age.
import { Show } from 'solid-js';
import { ageBuckets } from '../../../../src-shared/age';
import type { ModelInfo } from '../../../../src-shared/contract';
import { defaultTopK } from '../../scene/ranking';
import { int } from '../fields';
import { intOr } from '../settings-fields';
import type { PanelBase, PanelKind } from '../types';
import { AgeHistogram } from './AgeHistogram';
import { ProbabilityBars } from './ProbabilityBars';

const ageBucketsOf = (model: ModelInfo | null | undefined) => (model ? ageBuckets(model.manifest.output, model.labels) : null);

export type ProbsSpec = PanelBase & {
  kind: 'probs';
  /** Show only the k most probable classes. */
  topK?: number;
};

export const probs: PanelKind<ProbsSpec> = {
  kind: 'probs',
  label: 'Class probabilities',
  parse: (v, base, at) => (v.topK === undefined ? { ...base, kind: 'probs' } : { ...base, kind: 'probs', topK: int(v, 'topK', at, 1) }),
  title: (spec, model) => {
    const n = model?.labels.length ?? 0;
    const ages = ageBucketsOf(model);
    if (ages) return { name: 'Age', detail: `${n} ${ages.every((b) => b.kind === 'age') ? 'ages' : 'age groups'}` };
    return spec.topK && n > spec.topK ? { name: `Top ${spec.topK} of ${n.toLocaleString('en-US')} classes` } : { name: 'Class probabilities' };
  },
  create: ({ id, model }) => {
    // A model with many classes gets a panel of its top few.
    const k = ageBucketsOf(model) ? model.labels.length : defaultTopK(model.labels.length);
    return { id, kind: 'probs', grid: { x: 0, y: 0, w: 4, h: 6 }, ...(k < model.labels.length ? { topK: k } : {}) };
  },
  Settings: (p) => (
    <Show when={!ageBucketsOf(p.model)} fallback={<p class="muted">An age model: every age group is shown on the age axis.</p>}>
      <label>
        Show the top k classes (0 = all {p.model.labels.length})
        <input
          type="number"
          min="0"
          max={p.model.labels.length}
          value={p.spec.topK ?? 0}
          onChange={(e) => {
            const k = intOr(e.currentTarget.value, 0);
            const next = { ...p.spec };
            delete next.topK;
            p.onChange(k > 0 ? { ...next, topK: k } : next);
          }}
        />
      </label>
    </Show>
  ),
  Body: (p) => {
    const buckets = () => ageBucketsOf(p.model);
    return (
      <Show
        when={buckets()}
        keyed
        fallback={<ProbabilityBars spec={p.spec} model={p.model} result={p.services.result} frozen={p.services.frozen} onSelectClass={p.services.onSelectClass} />}
      >
        {(b) => <AgeHistogram buckets={b} model={p.model} result={p.services.result} frozen={p.services.frozen} onSelectClass={p.services.onSelectClass} />}
      </Show>
    );
  },
};
