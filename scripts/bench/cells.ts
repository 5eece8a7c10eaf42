// What a layout draws from a result, in cells: every map value and neuron its panels show (a layer
// two panels show counts once, at the larger of the two), the network input the crop view shows, and
// the class probabilities at four bytes each (they travel as float32). "Bytes per result ÷ cells"
// then says how much the engine sends beyond what is drawn.
import type { ModelInfo } from '../../src-shared/contract';
import { channelCount, type ConvSpec } from '../../src-renderer/src/panels/conv';
import type { PanelSpec } from '../../src-renderer/src/panels/registry';

export function displayedCells(panels: readonly PanelSpec[], model: ModelInfo): number {
  const perLayer = new Map<string, number>();
  const show = (layer: string, cells: number) => perLayer.set(layer, Math.max(perLayer.get(layer) ?? 0, cells));
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  let other = 0;
  for (const p of panels) {
    if (p.kind === 'crop') other += model.input.c * model.input.h * model.input.w;
    else if (p.kind === 'probs') other += 4 * model.labels.length;
    else if (p.kind === 'conv') {
      const l = byName.get((p as ConvSpec).layer);
      if (l) show(l.name, channelCount(p as ConvSpec, l.shape[0]) * (l.shape[1] ?? 1) * (l.shape[2] ?? 1));
    } else if (p.kind === 'fc' || p.kind === 'sorted') {
      const l = byName.get(p.layer);
      if (l) show(l.name, l.shape.reduce((a, b) => a * b, 1));
    } else if (p.kind === 'strip') {
      for (const l of model.layers) if (l.kind === 'maps') show(l.name, l.shape[1] * l.shape[2]);
    }
  }
  let cells = other;
  for (const c of perLayer.values()) cells += c;
  return cells;
}
