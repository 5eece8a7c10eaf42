// A sensible first layout for any model, generated from its graph (or from its manifest's panels).
// The panels themselves come from their kinds, so a default panel is the same as one added by hand.
import type { ModelInfo } from '../../../src-shared/contract';
import { defaultConvLayers, hiddenFcLayer, sortedLayer } from '../model/layers';
import { camera } from '../panels/camera';
import { conv } from '../panels/conv';
import { crop } from '../panels/crop';
import { fc } from '../panels/fc';
import { probs } from '../panels/probs';
import type { PanelSpec } from '../panels/registry';
import { sorted } from '../panels/sorted';
import { strip } from '../panels/strip';
import type { GridRect } from '../panels/types';
import type { Layout } from './types';

/** Camera, crop and probabilities side by side along the top. */
function topRow(model: ModelInfo): PanelSpec[] {
  const at = (x: number): GridRect => ({ x, y: 0, w: 4, h: 5 });
  const made = { model, sortedClass: 0 };
  return [
    { ...camera.create({ ...made, id: 'camera' })!, grid: at(0) },
    { ...crop.create({ ...made, id: 'crop' })!, grid: at(4) },
    { ...probs.create({ ...made, id: 'probs' })!, grid: at(8) },
  ];
}

/** The generic view's panels: camera, crop, probabilities, conv layers, hidden FC layer, layer strip. */
export function defaultGenericPanels(model: ModelInfo): PanelSpec[] {
  const names = new Set(model.layers.map((l) => l.name));
  const manifestConv = (model.manifest.panels?.conv ?? []).filter((n) => names.has(n));
  const manifestFc = (model.manifest.panels?.fc ?? []).filter((n) => names.has(n));
  const hasManifestPanels = manifestConv.length + manifestFc.length > 0;
  const convLayers = hasManifestPanels ? manifestConv : defaultConvLayers(model);
  const hidden = hiddenFcLayer(model);
  const fcLayers = hasManifestPanels ? manifestFc : hidden ? [hidden] : [];

  const panels = topRow(model);
  let y = 5;
  // Conv panels share one row band: up to three side by side, then the next band.
  for (let i = 0; i < convLayers.length; i += 3) {
    const band = convLayers.slice(i, i + 3);
    const w = band.length === 1 ? 6 : 12 / band.length;
    band.forEach((layer, j) => {
      const spec = conv.create({ id: `conv-${i + j + 1}`, model, layer, sortedClass: 0 })!;
      panels.push({ ...spec, grid: { x: j * w, y, w, h: 6 } });
    });
    y += 6;
  }
  fcLayers.forEach((layer, i) => {
    const spec = fc.create({ id: `fc-${i + 1}`, model, layer, sortedClass: 0 })!;
    const h = Math.min(8, Math.max(3, Math.ceil(spec.rows / 4) + 1));
    panels.push({ ...spec, grid: { x: 0, y, w: 12, h } });
    y += h;
  });
  if (model.layers.some((l) => l.kind === 'maps')) {
    panels.push({ ...strip.create({ id: 'strip', model, sortedClass: 0 })!, grid: { x: 0, y, w: 12, h: 3 } });
  }
  return panels;
}

/** The sorted-neurons view: camera, crop, probabilities and one sorted FC panel. */
export function defaultSortedPanels(model: ModelInfo, classIndex = 0): PanelSpec[] {
  const panels = topRow(model);
  const layer = sortedLayer(model);
  if (layer) {
    const sortedClass = Math.min(classIndex, Math.max(0, model.labels.length - 1));
    const spec = sorted.create({ id: 'sorted', model, layer, sortedClass })!;
    panels.push({ ...spec, grid: { x: 0, y: 5, w: 12, h: Math.min(12, Math.max(5, spec.rows)) } });
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
