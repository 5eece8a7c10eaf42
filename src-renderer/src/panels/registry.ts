// Every panel kind ConvScope knows, in one list (in the order the "Add panel" menu offers them).
// A new kind is one folder beside these, imported and listed here.
import { camera } from './camera';
import { conv } from './conv';
import { crop } from './crop';
import { fc } from './fc';
import { probs } from './probs';
import { sorted } from './sorted';
import { strip } from './strip';
import type { PanelKind } from './types';

export const PANEL_KINDS = [camera, crop, probs, conv, fc, sorted, strip] as const;

type SpecOf<K> = K extends PanelKind<infer S> ? S : never;

/** A panel of any kind, as layouts hold it. */
export type PanelSpec = SpecOf<(typeof PANEL_KINDS)[number]>;
export type PanelKindName = PanelSpec['kind'];

/** The descriptor of a panel's kind. */
export function kindOf<S extends PanelSpec>(spec: S): PanelKind<S> {
  return kindNamed(spec.kind) as unknown as PanelKind<S>;
}

/** The descriptor of the kind called `name`, for any panel of it. */
export function kindNamed(name: PanelKindName): PanelKind<PanelSpec> {
  // Each descriptor only ever sees panels of its own kind, which kindOf guarantees.
  return PANEL_KINDS.find((k) => k.kind === name) as unknown as PanelKind<PanelSpec>;
}

export function isPanelKind(name: unknown): name is PanelKindName {
  return PANEL_KINDS.some((k) => k.kind === name);
}
