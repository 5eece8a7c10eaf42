// What the engine must send: the union of what the visible panels show (each kind says what it
// needs), one entry per layer.
import type { LayerSubscription, ModelInfo, Subscription } from '../../../src-shared/contract';
import { kindOf, type PanelSpec } from '../panels/registry';

type Channels = LayerSubscription['channels'];

/**
 * Merges two channel requests for one layer into one that covers both. `undefined` means all maps.
 * Ranges and lists merge into a list (a range when contiguous); top-k with anything else needs all maps.
 */
export function mergeChannels(a: Channels, b: Channels): Channels {
  if (a === undefined || b === undefined) return undefined;
  if ('topK' in a && 'topK' in b) return { topK: Math.max(a.topK, b.topK) };
  if ('topK' in a || 'topK' in b) return undefined;
  const set = new Set<number>([...indices(a), ...indices(b)]);
  const list = [...set].sort((x, y) => x - y);
  if (list.length > 0 && list[list.length - 1] - list[0] === list.length - 1) return { start: list[0], count: list.length };
  return { list };
}

function indices(c: { start: number; count: number } | { list: number[] }): number[] {
  if ('list' in c) return c.list;
  return Array.from({ length: Math.max(0, c.count) }, (_, i) => c.start + i);
}

function add(map: Map<string, LayerSubscription>, s: LayerSubscription): void {
  const prev = map.get(s.layer);
  if (!prev) {
    map.set(s.layer, { ...s });
    return;
  }
  // Per-map min/max travel with every map, so a panel wanting one range per layer can still rescale
  // per-map data when drawing; the reverse is not possible, hence 'map' wins a conflict.
  const norm = (prev.norm ?? 'map') === 'layer' && (s.norm ?? 'map') === 'layer' ? 'layer' : 'map';
  const merged: LayerSubscription = { layer: s.layer, norm };
  const channels = mergeChannels(prev.channels, s.channels);
  if (channels) merged.channels = channels;
  if (prev.signed || s.signed) merged.signed = true;
  map.set(s.layer, merged);
}

/** The subscription for the given panels of `model` (layers the model does not have are skipped). */
export function subscriptionFor(panels: readonly PanelSpec[], model: ModelInfo): Subscription {
  const known = new Set(model.layers.map((l) => l.name));
  const map = new Map<string, LayerSubscription>();
  for (const p of panels) {
    for (const s of kindOf(p).subscription?.(p, model) ?? []) if (known.has(s.layer)) add(map, s);
  }
  // Graph order keeps the message stable whatever order the panels are in.
  const order = new Map(model.layers.map((l) => [l.name, l.index]));
  return { layers: [...map.values()].sort((a, b) => order.get(a.layer)! - order.get(b.layer)!) };
}

export function sameSubscription(a: Subscription | null, b: Subscription): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}
