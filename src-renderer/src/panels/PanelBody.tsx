// The body of a panel: its kind's component, given the services it picks from. Every kind has a
// body of its own, so a panel that changes kind gets a fresh body (and scene).
import { createMemo, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import type { ModelInfo } from '../../../src-shared/contract';
import { kindNamed, type PanelSpec } from './registry';
import type { PanelServices } from './types';

export function PanelBody(props: { spec: PanelSpec; model: ModelInfo; services: PanelServices }): JSX.Element {
  const body = createMemo(() => kindNamed(props.spec.kind).Body);
  return <Dynamic component={body()} spec={props.spec} model={props.model} services={props.services} />;
}
