// The bundled Caffe LeNet: its manifest is valid and names layers the converted model has.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifest } from '../../models/manifest';
import { importCaffe } from './index';

const dir = resolve(__dirname, '../../../assets/models/lenet');

describe('assets/models/lenet', () => {
  it('has a valid manifest whose input, output and panels exist in the converted net', async () => {
    const file = resolve(dir, 'manifest.json');
    const m = validateManifest(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(m.format).toBe('caffe');
    expect(m.preprocess).toMatchObject({ colour: 'gray', digit: true, scale: 0.00390625 });
    const model = await importCaffe({ prototxt: resolve(dir, m.files.model), caffemodel: resolve(dir, m.files.weights!) });
    const names = model.layers.map((l) => l.name);
    for (const p of [...(m.panels?.conv ?? []), ...(m.panels?.fc ?? [])]) expect(names).toContain(p);
    expect(m.panels).toEqual({ conv: ['conv1', 'conv2'], fc: ['relu1'] });
    expect(model.manifest.output?.name).toBe(m.output?.name);
    expect(model.manifest.input).toEqual(m.input);
    expect(m.labels).toHaveLength(10);
  });
});
