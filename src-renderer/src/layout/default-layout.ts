// A sensible first layout for any model, generated from its graph (or from its manifest's panels).
import type { ModelInfo } from '../../../src-shared/contract';
import { defaultConvLayers, defaultFcRows, findLayer, hiddenFcLayer, sortedLayer } from './layers';
import type { Layout, PanelSpec } from './types';

/** With more classes than this the bars show only the top 10. */
export const MANY_CLASSES = 20;

function probsPanel(model: ModelInfo, grid: PanelSpec['grid']): PanelSpec {
  return model.labels.length > MANY_CLASSES ? { id: 'probs', kind: 'probs', topK: 10, grid } : { id: 'probs', kind: 'probs', grid };
}

function layerSize(model: ModelInfo, name: string): number {
  const l = findLayer(model, name);
  return l ? l.shape.reduce((a, b) => a * b, 1) : 0;
}

/** The generic view's panels: camera, crop, probabilities, conv layers, hidden FC layer, layer strip. */
export function defaultGenericPanels(model: ModelInfo): PanelSpec[] {
  const names = new Set(model.layers.map((l) => l.name));
  const manifestConv = (model.manifest.panels?.conv ?? []).filter((n) => names.has(n));
  const manifestFc = (model.manifest.panels?.fc ?? []).filter((n) => names.has(n));
  const hasManifestPanels = manifestConv.length + manifestFc.length > 0;
  const conv = hasManifestPanels ? manifestConv : defaultConvLayers(model);
  const hidden = hiddenFcLayer(model);
  const fc = hasManifestPanels ? manifestFc : hidden ? [hidden] : [];

  const panels: PanelSpec[] = [
    { id: 'camera', kind: 'camera', grid: { x: 0, y: 0, w: 4, h: 5 } },
    { id: 'crop', kind: 'crop', grid: { x: 4, y: 0, w: 4, h: 5 } },
    probsPanel(model, { x: 8, y: 0, w: 4, h: 5 }),
  ];
  let y = 5;
  // Conv panels share one row band: up to three side by side, then the next band.
  for (let i = 0; i < conv.length; i += 3) {
    const band = conv.slice(i, i + 3);
    const w = band.length === 1 ? 6 : 12 / band.length;
    band.forEach((layer, j) => {
      panels.push({
        id: `conv-${i + j + 1}`,
        kind: 'conv',
        layer,
        columns: 0,
        norm: 'map',
        colourMap: 'gray',
        grid: { x: j * w, y, w, h: 6 },
      });
    });
    y += 6;
  }
  fc.forEach((layer, i) => {
    const rows = defaultFcRows(layerSize(model, layer));
    const h = Math.min(8, Math.max(3, Math.ceil(rows / 4) + 1));
    panels.push({ id: `fc-${i + 1}`, kind: 'fc', layer, rows, colourMap: 'viridis', grid: { x: 0, y, w: 12, h } });
    y += h;
  });
  if (model.layers.some((l) => l.kind === 'maps')) {
    panels.push({ id: 'strip', kind: 'strip', grid: { x: 0, y, w: 12, h: 3 } });
  }
  return panels;
}

/** The sorted-neurons view: camera, crop, probabilities and one sorted FC panel. */
export function defaultSortedPanels(model: ModelInfo, classIndex = 0): PanelSpec[] {
  const panels: PanelSpec[] = [
    { id: 'camera', kind: 'camera', grid: { x: 0, y: 0, w: 4, h: 5 } },
    { id: 'crop', kind: 'crop', grid: { x: 4, y: 0, w: 4, h: 5 } },
    probsPanel(model, { x: 8, y: 0, w: 4, h: 5 }),
  ];
  const layer = sortedLayer(model);
  if (layer) {
    const rows = defaultFcRows(layerSize(model, layer));
    panels.push({
      id: 'sorted',
      kind: 'sorted',
      layer,
      classIndex: Math.min(classIndex, Math.max(0, model.labels.length - 1)),
      rows,
      colourMap: 'viridis',
      grid: { x: 0, y: 5, w: 12, h: Math.min(12, Math.max(5, rows)) },
    });
  }
  return panels;
}

export function defaultLayout(model: ModelInfo): Layout {
  return {
    version: 1,
    modelId: model.id,
    view: 'generic',
    panels: defaultGenericPanels(model),
    sortedPanels: defaultSortedPanels(model),
  };
}
