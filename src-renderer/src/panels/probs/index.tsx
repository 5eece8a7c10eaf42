// Class probabilities: one bar per class, or the top k of many.
import { defaultTopK } from '../../scene/ranking';
import { int } from '../fields';
import { intOr } from '../settings-fields';
import type { PanelBase, PanelKind } from '../types';
import { ProbabilityBars } from './ProbabilityBars';

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
    return spec.topK && n > spec.topK ? { name: `Top ${spec.topK} of ${n.toLocaleString('en-US')} classes` } : { name: 'Class probabilities' };
  },
  create: ({ id, model }) => {
    // A model with many classes gets a panel of its top few.
    const k = defaultTopK(model.labels.length);
    return { id, kind: 'probs', grid: { x: 0, y: 0, w: 4, h: 6 }, ...(k < model.labels.length ? { topK: k } : {}) };
  },
  Settings: (p) => (
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
  ),
  Body: (p) => <ProbabilityBars spec={p.spec} model={p.model} result={p.services.result} frozen={p.services.frozen} onSelectClass={p.services.onSelectClass} />,
};
