// The body of a panel: its kind's component. A panel that changes kind gets a fresh body (and scene).
import { createMemo, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import type { ModelInfo } from '../../../src-shared/contract';
import { kindNamed, type PanelSpec } from './registry';
import type { PanelServices } from './types';

export function PanelBody(props: PanelServices & { spec: PanelSpec; model: ModelInfo; onSpecChange: (spec: PanelSpec) => void }): JSX.Element {
  const body = createMemo(() => kindNamed(props.spec.kind).Body);
  return <Dynamic component={body()} {...props} />;
}
