// The body of every drawn panel, chosen by the panel's kind.
import { Match, Switch, type JSX } from 'solid-js';
import { CropView } from './CropView';
import { FeatureGrid } from './FeatureGrid';
import { LayerStrip } from './LayerStrip';
import { NeuronGrid } from './NeuronGrid';
import { ProbabilityBars } from './ProbabilityBars';
import type { PanelBodyProps } from './types';

export function PanelBody(props: PanelBodyProps): JSX.Element {
  // Keyed on kind (and layer for layer panels) so a panel switching kind builds a fresh scene.
  return (
    <Switch fallback={<div style={{ padding: '8px', color: '#8a92a3' }}>{`no drawing for "${props.spec.kind}" panels`}</div>}>
      <Match when={props.spec.kind === 'crop'}>
        <CropView {...props} />
      </Match>
      <Match when={props.spec.kind === 'probs'}>
        <ProbabilityBars {...props} />
      </Match>
      <Match when={props.spec.kind === 'conv'}>
        <FeatureGrid {...props} />
      </Match>
      <Match when={props.spec.kind === 'fc' || props.spec.kind === 'sorted'}>
        <NeuronGrid {...props} />
      </Match>
      <Match when={props.spec.kind === 'strip'}>
        <LayerStrip {...props} />
      </Match>
    </Switch>
  );
}
