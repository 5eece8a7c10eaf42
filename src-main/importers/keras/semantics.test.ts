// Every supported layer, written as a Keras 2 .h5, a Keras 3 .keras and a TF.js model, converted
// and compared layer by layer with the independent numpy reference (scripts/golden/keras_reference.py,
// run with /usr/bin/python3 on the same files): max|ours − ref| / max|ref| ≤ 1e-4 per layer.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importKeras } from './index';
import { values } from './testing/model-spec';
import { compareToReference, pythonReference } from './testing/reference';
import { writeKeras2H5, writeKeras3, writeTfjs } from './testing/writers';
import { zooModel } from './testing/zoo';

const dir = mkdtempSync(join(tmpdir(), 'keras-zoo-'));
const shape = [1, 17, 15, 3];
const input = values(42, 17 * 15 * 3, 1).map((v) => v + 1);

const kinds: [string, () => Promise<{ model: string; extras?: string[] }>][] = [
  ['Keras 2 .h5', async () => ({ model: await writeKeras2H5(zooModel(), join(dir, 'zoo.h5')) })],
  ['Keras 3 .keras', async () => ({ model: await writeKeras3(zooModel(), join(dir, 'zoo.keras'), dir) })],
  ['TF.js model.json', async () => {
    const t = writeTfjs(zooModel(), join(dir, 'tfjs'));
    return { model: t.modelJson, extras: t.shards };
  }],
];

describe('every Keras layer against the numpy reference', () => {
  for (const [kind, write] of kinds) {
    it(kind, async () => {
      const files = await write();
      const imported = await importKeras(files.model, files.extras ?? []);
      const ref = pythonReference(files.model, input, shape);
      const { errors, problems } = await compareToReference(imported, input, shape, ref);
      expect(problems).toEqual([]);
      // Every layer's output tensor carries the layer's name (nested layers as outer/inner).
      for (const l of imported.layers) expect(l.tensor, l.name).toBe(l.name);
      expect(imported.layers.map((l) => l.name)).toEqual(expect.arrayContaining(['block', 'block/block_conv', 'block/block_bn']));
      expect(Object.keys(errors).length).toBe(zooModel().layers.length - 1 + 2);
      const worst = Object.entries(errors).sort((a, b) => b[1] - a[1])[0];
      console.log(`${kind}: ${Object.keys(errors).length} layers, worst ${worst[0]} ${worst[1].toExponential(2)}`);
      for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThanOrEqual(1e-4);
    });
  }
});
