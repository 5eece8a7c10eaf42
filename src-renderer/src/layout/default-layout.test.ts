// Default layouts generated from the real bundled / shared models, read by the engine's own
// inspector (the same ModelInfo the window receives).
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelInfo, ModelSource } from '../../../src-shared/contract';
import { inspectModel } from '../../../src-main/engine/engine';
import { defaultGenericPanels, defaultLayout, defaultSortedPanels } from './default-layout';
import { isValidPlacement } from './grid';
import { parseLayout, serialiseLayout } from './layout-file';
import { subscriptionFor } from './subscription';
import { mapLayersAfterActivation } from '../model/layers';
import type { PanelSpec } from '../panels/registry';

const repoRoot = resolve(__dirname, '../../..');
const assets = resolve(repoRoot, 'assets/models');
const shared = resolve(repoRoot, '../shared/data');

const lenetSource: ModelSource = {
  paths: [resolve(shared, 'caffe/lenet/mnist_deploy.prototxt'), resolve(shared, 'caffe/lenet/lenet_iter_10000.caffemodel')],
};

/** The same model with the manifest's panel choice removed, so only the graph decides. */
const withoutManifestPanels = (m: ModelInfo): ModelInfo => ({ ...m, manifest: { ...m.manifest, panels: undefined } });

const summary = (panels: PanelSpec[]) =>
  panels.map((p) => {
    switch (p.kind) {
      case 'conv':
        return `conv:${p.layer}:${p.colourMap}`;
      case 'fc':
        return `fc:${p.layer}:${p.rows} rows:${p.colourMap}`;
      case 'sorted':
        return `sorted:${p.layer}:class ${p.classIndex}`;
      case 'probs':
        return p.topK ? `probs:top ${p.topK}` : 'probs';
      default:
        return p.kind;
    }
  });

describe('default layouts of real models', () => {
  let lenet: ModelInfo;
  let mnist: ModelInfo;
  let squeezenet: ModelInfo;
  beforeAll(async () => {
    [lenet, mnist, squeezenet] = await Promise.all([
      inspectModel(lenetSource, assets),
      inspectModel({ bundled: 'mnist' }, assets),
      inspectModel({ bundled: 'squeezenet' }, assets),
    ]);
  });

  it('LeNet (Caffe): both conv layers, the 500 ip1 neurons after ReLU in 10 rows, sorted by ip2', () => {
    const expected = ['camera', 'crop', 'probs', 'conv:conv1:gray', 'conv:conv2:gray', 'fc:relu1:10 rows:viridis', 'strip'];
    expect(summary(defaultGenericPanels(lenet))).toEqual(expected);
    // The graph alone leads to the same choice as LeNet's proposed manifest.
    expect(summary(defaultGenericPanels(withoutManifestPanels(lenet)))).toEqual(expected);
    expect(summary(defaultSortedPanels(lenet, 3))).toEqual(['camera', 'crop', 'probs', 'sorted:relu1:class 3']);
  });

  it('MNIST ONNX: the post-ReLU conv outputs; the flattened 256 features feed the class MatMul', () => {
    expect(summary(defaultGenericPanels(mnist))).toEqual([
      'camera',
      'crop',
      'probs',
      'conv:ReLU32_Output_0:gray',
      'conv:ReLU114_Output_0:gray',
      'fc:Pooling160_Output_0_reshape0:7 rows:viridis',
      'strip',
    ]);
    // Without the manifest: the convs are found past their bias Add, and there is no hidden FC layer.
    const bare = withoutManifestPanels(mnist);
    expect(summary(defaultGenericPanels(bare))).toEqual(['camera', 'crop', 'probs', 'conv:ReLU32_Output_0:gray', 'conv:ReLU114_Output_0:gray', 'strip']);
    // The sorted view still finds the vector that feeds the class-producing MatMul.
    expect(summary(defaultSortedPanels(bare))).toEqual(['camera', 'crop', 'probs', 'sorted:Pooling160_Output_0_reshape0:class 0']);
  });

  it('SqueezeNet: first, middle and last conv; top 10 of 1000 classes; no FC layer to sort', () => {
    expect(summary(defaultGenericPanels(squeezenet))).toEqual(['camera', 'crop', 'probs:top 10', 'conv:conv1_2:gray', 'conv:fire5/concat_1:gray', 'conv:conv10_2:gray', 'strip']);
    expect(summary(defaultGenericPanels(withoutManifestPanels(squeezenet)))).toEqual([
      'camera',
      'crop',
      'probs:top 10',
      'conv:conv1_2:gray',
      'conv:fire5/expand3x3_2:gray',
      'conv:conv10_2:gray',
      'strip',
    ]);
    expect(summary(defaultSortedPanels(squeezenet))).toEqual(['camera', 'crop', 'probs:top 10']);
  });

  it('every default layout is collision-free, valid as a file and subscribes to its layers', () => {
    for (const m of [lenet, mnist, squeezenet]) {
      const layout = defaultLayout(m);
      expect(isValidPlacement(layout.panels.map((p) => p.grid))).toBe(true);
      expect(isValidPlacement(layout.sortedPanels!.map((p) => p.grid))).toBe(true);
      expect(parseLayout(serialiseLayout(layout), m)).toEqual(layout);
      const sub = subscriptionFor(layout.panels, m);
      for (const p of layout.panels) if ('layer' in p) expect(sub.layers.some((l) => l.layer === p.layer)).toBe(true);
      // The strip brings every layer with feature maps as the next layer receives it (after its
      // activation), each at least as its strongest map; only panels ask for anything else.
      const shown = mapLayersAfterActivation(m).map((l) => l.name);
      const asked = new Set(layout.panels.flatMap((p) => ('layer' in p ? [p.layer] : [])));
      const maps = sub.layers.filter((l) => m.layers.find((x) => x.name === l.layer)!.kind === 'maps').map((l) => l.layer);
      expect(maps.filter((l) => !asked.has(l)).every((l) => shown.includes(l))).toBe(true);
      expect(shown.every((l) => maps.includes(l))).toBe(true);
    }
    // SqueezeNet's convolutions are each followed by a ReLU: the strip shows the ReLUs only.
    const sq = mapLayersAfterActivation(squeezenet);
    expect(sq.length).toBeLessThan(squeezenet.layers.filter((l) => l.kind === 'maps').length);
    expect(sq.some((l) => /^conv/i.test(l.op))).toBe(false);
  });

  it('shows a convolution that only a batch norm follows as that batch norm (the Keras gender model)', async () => {
    const gender = await inspectModel({ bundled: 'gender' }, assets);
    const shown = mapLayersAfterActivation(gender).map((l) => l.name);
    // Xception blocks: separable conv → batch norm → (no activation) → pooling and the residual add.
    expect(shown).toContain('batch_normalization_5');
    expect(shown).not.toContain('separable_conv2d_2');
    // conv → batch norm → activation: only the activation.
    expect(shown).toContain('activation_1');
    expect(shown.filter((n) => ['conv2d_1', 'batch_normalization_1'].includes(n))).toEqual([]);
    // The data flow, not the graph order, decides: the shortcut conv2d_3 → batch_normalization_3
    // has max_pooling2d_1 of the other branch between them in graph order.
    expect(shown).toContain('batch_normalization_3');
    expect(shown).not.toContain('conv2d_3');
    expect(shown).toContain('max_pooling2d_1');
    // A residual sum is a layer of its own, not a normalisation of the layer before it.
    expect(shown).toContain('add_1');
  }, 60_000);
});
