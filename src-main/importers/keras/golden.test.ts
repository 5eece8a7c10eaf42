// Every layer of the Keras gender model (mini-Xception, Keras 2.0.5 .hdf5) on two real face crops
// against the numpy references committed in golden/ (scripts/golden/keras_golden.py):
// max|ours − ref| / max|ref| ≤ 1e-4 per layer.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importKeras } from './index';
import { compareToReference, readOutputs } from './testing/reference';

const model = resolve(__dirname, '../../../../shared/data/keras/gender_mini_XCEPTION.21-0.95.hdf5');
const golden = resolve(__dirname, 'golden/gender');
const meta = JSON.parse(readFileSync(join(golden, 'meta.json'), 'utf8')) as { crops: Record<string, { probabilities: number[] }> };

describe('Keras gender model against the numpy golden outputs', async () => {
  const imported = await importKeras(model);

  it('proposes the model\'s own input and output', () => {
    expect(imported.manifest.input).toEqual({ name: 'input_1', shape: [1, 64, 64, 1], layout: 'NHWC', dtype: 'float32' });
    expect(imported.manifest.preprocess).toEqual({ colour: 'gray', scale: 1 / 255 });
    expect(imported.manifest.output).toEqual({ name: 'predictions', softmax: false });
    expect(imported.manifest.labels).toEqual(['0', '1']);
    expect(imported.layers).toHaveLength(45);
  });

  for (const crop of Object.keys(meta.crops)) {
    it(`matches every layer on ${crop}`, async () => {
      const dir = join(golden, crop);
      const bytes = readFileSync(join(dir, 'input.f32'));
      const input = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const ref = readOutputs(dir);
      const { errors, problems } = await compareToReference(imported, input, [1, 64, 64, 1], ref);
      expect(problems).toEqual([]);
      expect(Object.keys(errors)).toHaveLength(45);
      const worst = Object.entries(errors).sort((a, b) => b[1] - a[1])[0];
      console.log(`gender ${crop}: worst layer ${worst[0]} ${worst[1].toExponential(2)}`);
      for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThanOrEqual(1e-4);
    });
  }
});
