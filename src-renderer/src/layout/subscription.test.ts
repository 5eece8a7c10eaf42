import { describe, expect, it } from 'vitest';
import { mergeChannels, subscriptionFor } from './subscription';
import { smallModel } from '../model/testing/small-model';
import type { PanelSpec } from '../panels/registry';

const g = { x: 0, y: 0, w: 4, h: 4 };

describe('subscription union', () => {
  it('merges channel requests into one that covers both', () => {
    expect(mergeChannels({ start: 0, count: 4 }, { start: 4, count: 2 })).toEqual({ start: 0, count: 6 });
    expect(mergeChannels({ list: [1, 5] }, { start: 2, count: 2 })).toEqual({ list: [1, 2, 3, 5] });
    expect(mergeChannels({ topK: 1 }, { topK: 4 })).toEqual({ topK: 4 });
    expect(mergeChannels({ topK: 1 }, { start: 0, count: 3 })).toBeUndefined();
    expect(mergeChannels(undefined, { list: [2] })).toBeUndefined();
  });

  it('asks for exactly what the panels show, once per layer, in graph order', () => {
    const model = smallModel();
    const panels: PanelSpec[] = [
      { id: 'camera', kind: 'camera', grid: g },
      { id: 'fc', kind: 'fc', layer: 'relu1', rows: 10, colourMap: 'viridis', grid: g },
      { id: 'c2', kind: 'conv', layer: 'conv2', channels: { start: 0, count: 8 }, columns: 0, norm: 'layer', colourMap: 'gray', grid: g },
      { id: 'c1', kind: 'conv', layer: 'conv1', columns: 0, norm: 'map', colourMap: 'gray', grid: g },
      { id: 'c2b', kind: 'conv', layer: 'conv2', channels: { start: 8, count: 8 }, columns: 0, norm: 'layer', signed: true, colourMap: 'diverging', grid: g },
      { id: 's', kind: 'sorted', layer: 'relu1', classIndex: 3, rows: 10, colourMap: 'viridis', grid: g },
    ];
    expect(subscriptionFor(panels, model)).toEqual({
      layers: [
        { layer: 'conv1', norm: 'map' },
        { layer: 'conv2', norm: 'layer', channels: { start: 0, count: 16 }, signed: true },
        { layer: 'relu1', norm: 'layer' },
      ],
    });
  });

  it('the strip asks for the strongest map of every map layer; a full conv panel widens its layer', () => {
    const model = smallModel();
    const panels: PanelSpec[] = [
      { id: 'strip', kind: 'strip', grid: g },
      { id: 'c1', kind: 'conv', layer: 'conv1', columns: 0, norm: 'map', colourMap: 'gray', grid: g },
    ];
    const sub = subscriptionFor(panels, model);
    expect(sub.layers.map((l) => l.layer)).toEqual(['conv1', 'pool1', 'conv2', 'pool2']);
    expect(sub.layers[0].channels).toBeUndefined();
    expect(sub.layers[1]).toEqual({ layer: 'pool1', channels: { topK: 1 }, norm: 'map' });
  });

  it('the strip leaves out a convolution that an activation follows, unless a panel shows it', () => {
    const base = smallModel();
    const model = { ...base, layers: [
      { name: 'conv1', op: 'Conv', shape: [4, 8, 8], kind: 'maps' as const, index: 0 },
      { name: 'bn1', op: 'BatchNormalization', shape: [4, 8, 8], kind: 'maps' as const, index: 1 },
      { name: 'relu1', op: 'Relu', shape: [4, 8, 8], kind: 'maps' as const, index: 2 },
      { name: 'pool1', op: 'MaxPool', shape: [4, 4, 4], kind: 'maps' as const, index: 3 },
    ] };
    const strip: PanelSpec = { id: 'strip', kind: 'strip', grid: g };
    expect(subscriptionFor([strip], model).layers.map((l) => l.layer)).toEqual(['relu1', 'pool1']);
    const conv: PanelSpec = { id: 'c1', kind: 'conv', layer: 'conv1', columns: 0, norm: 'map', colourMap: 'gray', grid: g };
    expect(subscriptionFor([strip, conv], model).layers.map((l) => l.layer).sort()).toEqual(['conv1', 'pool1', 'relu1']);
  });

  it('skips panels whose layer is not in the model and is empty without layer panels', () => {
    const model = smallModel();
    const panels: PanelSpec[] = [
      { id: 'x', kind: 'conv', layer: 'conv9', columns: 0, norm: 'map', colourMap: 'gray', grid: g },
      { id: 'p', kind: 'probs', grid: g },
    ];
    expect(subscriptionFor(panels, model)).toEqual({ layers: [] });
  });
});
