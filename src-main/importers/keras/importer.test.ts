// The Keras importer's file handling: which files it claims, the messages for files it cannot
// convert (each names the file and the layer), Sequential configs old and new, and models that
// take any image size.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importKeras, kerasImporter } from './index';
import { values, weight, type TestModel } from './testing/model-spec';
import { compareToReference, pythonReference } from './testing/reference';
import { writeKeras2H5, writeKeras3, writeTfjs } from './testing/writers';

const dir = mkdtempSync(join(tmpdir(), 'keras-importer-'));

function small(extra: Partial<TestModel['layers'][number]>[] = []): TestModel {
  return {
    name: 'small', className: 'Functional', input: 'in', output: extra.length ? extra[extra.length - 1].name! : 'conv',
    layers: [
      { name: 'in', className: 'InputLayer', inputs: [], config: { batch_input_shape: [null, 8, 8, 1] } },
      { name: 'conv', className: 'Conv2D', inputs: ['in'], config: { filters: 2, kernel_size: [3, 3] }, weights: [['kernel', weight([3, 3, 1, 2])], ['bias', weight([2])]] },
      ...extra.map((e) => ({ inputs: ['conv'], config: {}, weights: [], ...e }) as TestModel['layers'][number]),
    ],
  };
}

const message = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('Keras importer: files it claims', () => {
  it('claims one .h5 / .hdf5 / .keras and leaves other formats alone', () => {
    expect(kerasImporter.match(['/m/net.h5'])).toEqual({ model: '/m/net.h5', extras: [] });
    expect(kerasImporter.match(['/m/net.KERAS'])?.model).toBe('/m/net.KERAS');
    expect(kerasImporter.match(['/m/net.onnx'])).toBeNull();
    expect(() => kerasImporter.match(['/m/a.h5', '/m/b.keras'])).toThrow(/several Keras models given \(a.h5, b.keras\)/);
  });

  it('claims a TF.js model.json by content, with its shards, and not a manifest .json', () => {
    const t = writeTfjs(small(), join(dir, 'tfjs-claim'));
    const manifest = join(dir, 'tfjs-claim', 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ id: 'x', name: 'x' }));
    expect(kerasImporter.match([t.modelJson, ...t.shards, manifest])).toEqual({ model: t.modelJson, extras: t.shards });
    expect(kerasImporter.match([manifest])).toBeNull();
    expect(() => kerasImporter.match([t.shards[0]])).toThrow(/group1-shard1of2.bin: a TF.js weight file also needs its model.json/);
    expect(() => kerasImporter.match([t.modelJson, join(dir, 'net.h5')])).toThrow(/several Keras models given \(net.h5, model.json\)/);
  });

  it('recognises model.json by its beginning, without parsing it', () => {
    // Only the first 64 KB are read: a model.json cut off after them is still claimed (import then
    // names what is wrong).
    const cut = join(dir, 'tfjs-cut');
    mkdirSync(cut, { recursive: true });
    const modelJson = join(cut, 'model.json');
    writeFileSync(modelJson, `{"format": "layers-model", "modelTopology": {"pad": "${'x'.repeat(1 << 17)}`);
    expect(kerasImporter.match([modelJson])).toEqual({ model: modelJson, extras: [] });
  });

  it('finds shards beside model.json on import when only model.json is picked', async () => {
    const t = writeTfjs(small(), join(dir, 'tfjs-beside'));
    const files = kerasImporter.match([t.modelJson])!;
    expect(files.model).toBe(t.modelJson);
    const imported = await kerasImporter.import(files);
    expect(imported.layers?.map((l) => l.name)).toEqual(['conv']);
  });

  it('names a missing shard, and a .bin that is not one of the model\'s', async () => {
    const other = join(dir, 'tfjs-missing');
    mkdirSync(other, { recursive: true });
    const t = writeTfjs(small(), join(dir, 'tfjs-full'));
    copyFileSync(t.modelJson, join(other, 'model.json'));
    copyFileSync(t.shards[0], join(other, 'group1-shard1of2.bin'));
    const files = kerasImporter.match([join(other, 'model.json')])!;
    expect(await message(kerasImporter.import(files))).toMatch(/model.json: weight file group1-shard2of2.bin is missing/);
    const stray = join(dir, 'stray.bin');
    writeFileSync(stray, new Uint8Array(8));
    const withStray = kerasImporter.match([t.modelJson, ...t.shards, stray])!;
    expect(withStray.extras).toEqual([...t.shards, stray]);
    expect(await message(kerasImporter.import(withStray))).toBe('stray.bin: not a weight file of model.json');
  });
});

describe('Keras importer: messages for what it cannot convert', () => {
  it('sizes a config declares: refused before anything is sized by them, naming the file and layer', async () => {
    const huge = small();
    huge.layers[0].config = { batch_input_shape: [null, 100_000, 100_000, 1] };
    const t = writeTfjs(huge, join(dir, 'tfjs-huge-input'));
    expect(await message(importKeras(t.modelJson))).toMatch(/^model\.json: input layer in \(\[null,100000,100000,1\]\) holds 10000000000 values \(at most 134217728/);
    // Weight entries of a TF.js manifest with negative dims or no name.
    const tf = writeTfjs(small(), join(dir, 'tfjs-bad-entry'));
    const json = JSON.parse(readFileSync(tf.modelJson, 'utf8')) as { weightsManifest: { weights: { shape: number[]; name?: string }[] }[] };
    json.weightsManifest[0].weights[0].shape = [-3, 3, 1, 2];
    writeFileSync(tf.modelJson, JSON.stringify(json));
    expect(await message(importKeras(tf.modelJson))).toBe('model.json: weightsManifest group 1, weight 1 (conv/kernel) is malformed (it needs a name, a dtype and a shape of whole numbers ≥ 0)');
    delete json.weightsManifest[0].weights[1].name;
    json.weightsManifest[0].weights[0].shape = [3, 3, 1, 2];
    writeFileSync(tf.modelJson, JSON.stringify(json));
    expect(await message(importKeras(tf.modelJson))).toMatch(/^model\.json: weightsManifest group 1, weight 2 is malformed/);
    // A layer whose output a parameter makes too large: upsampling 6×6 maps 100,000 times.
    const wide = small([{ name: 'up', className: 'UpSampling2D', config: { size: [100_000, 100_000] } }]);
    const w = writeTfjs(wide, join(dir, 'tfjs-wide'));
    expect(await message(importKeras(w.modelJson))).toMatch(/^model\.json: layer up \(UpSampling2D\): its output \(\[null,600000,600000,2\]\) holds 720000000000 values/);
  });

  it('weight-only .h5', async () => {
    const p = await writeKeras2H5(small(), join(dir, 'weights.h5'), { withConfig: false });
    expect(await message(importKeras(p))).toMatch(/^weights.h5: holds weights only \(no model_config\)/);
  });

  it('a Lambda layer, an unknown class, a custom Keras 3 class', async () => {
    const lam = await writeKeras2H5(small([{ name: 'lam', className: 'Lambda', config: { function: 'x' } }]), join(dir, 'lambda.h5'));
    expect(await message(importKeras(lam))).toMatch(/^lambda.h5: layer lam \(Lambda\): Lambda layers hold Python code/);
    const unknown = await writeKeras2H5(small([{ name: 'odd', className: 'FancyAttention' }]), join(dir, 'unknown.h5'));
    expect(await message(importKeras(unknown))).toBe('unknown.h5: layer odd (FancyAttention): layer class FancyAttention is not supported (an unknown or custom class)');
    const m = small([{ name: 'mine', className: 'MyLayer' }]);
    const p = await writeKeras3(m, join(dir, 'custom.keras'), dir);
    // Mark it the way Keras 3 marks registered custom classes.
    const { unzipSync, zipSync, strToU8, strFromU8 } = await import('fflate');
    const files = unzipSync(readFileSync(p));
    const cfg = JSON.parse(strFromU8(files['config.json']));
    cfg.config.layers[2].registered_name = 'my_package>MyLayer';
    files['config.json'] = strToU8(JSON.stringify(cfg));
    writeFileSync(p, zipSync(files));
    expect(await message(importKeras(p))).toMatch(/^custom.keras: layer mine \(MyLayer\): custom layer class my_package>MyLayer/);
  });

  it('a shared layer and missing weights', async () => {
    const m = small();
    const cfgShared = { ...m, layers: [...m.layers] };
    const p = await writeKeras2H5(cfgShared, join(dir, 'shared.h5'));
    // Call `conv` twice: a second inbound node.
    const h5 = await import('h5wasm/node');
    await h5.ready;
    const f = new h5.File(p, 'a');
    const config = JSON.parse(f.attrs.model_config.value as string);
    config.config.layers[1].inbound_nodes.push([['in', 0, 0, {}]]);
    f.delete_attribute('model_config');
    f.create_attribute('model_config', JSON.stringify(config));
    f.close();
    expect(await message(importKeras(p))).toMatch(/^shared.h5: layer conv \(Conv2D\) is called 2 times \(a shared layer\)/);
    const noBias = small();
    noBias.layers[1].weights = [['kernel', weight([3, 3, 1, 2])]];
    const q = await writeKeras2H5(noBias, join(dir, 'nobias.h5'));
    expect(await message(importKeras(q))).toMatch(/^nobias.h5: layer conv \(Conv2D\): the file has no 'bias' weights for this layer/);
  });

  it('truncated, corrupt and foreign files', async () => {
    const good = await writeKeras2H5(small(), join(dir, 'good.h5'));
    const bytes = readFileSync(good);
    writeFileSync(join(dir, 'cut.h5'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(await message(importKeras(join(dir, 'cut.h5')))).toMatch(/^cut.h5: /);
    writeFileSync(join(dir, 'text.h5'), 'hello, not hdf5');
    expect(await message(importKeras(join(dir, 'text.h5')))).toMatch(/^text.h5: not an HDF5 file/);
    const k = await writeKeras3(small(), join(dir, 'good.keras'), dir);
    const kb = readFileSync(k);
    writeFileSync(join(dir, 'cut.keras'), kb.subarray(0, Math.floor(kb.length * 0.6)));
    expect(await message(importKeras(join(dir, 'cut.keras')))).toMatch(/^cut.keras: /);
    writeFileSync(join(dir, 'noise.keras'), values(3, 4000).map((v) => v * 1000));
    expect(await message(importKeras(join(dir, 'noise.keras')))).toMatch(/^noise.keras: /);
    writeFileSync(join(dir, 'empty.h5'), '');
    expect(await message(importKeras(join(dir, 'empty.h5')))).toBe('empty.h5: the file is empty');
  });
});

describe('Keras importer: model shapes', () => {
  it('reads a Keras ≤ 2.2.4 Sequential (a bare list of layers) with Flatten → Dense', async () => {
    const p = await writeKeras2H5({
      name: 'seq', className: 'Sequential', input: '', output: '',
      layers: [
        { name: 'conv', className: 'Conv2D', inputs: [], config: { batch_input_shape: [null, 7, 5, 2], filters: 3, kernel_size: [2, 2], activation: 'relu' }, weights: [['kernel', weight([2, 2, 2, 3])], ['bias', weight([3])]] },
        { name: 'flat', className: 'Flatten', inputs: [] },
        { name: 'out', className: 'Dense', inputs: [], config: { units: 4, activation: 'softmax' }, weights: [['kernel', weight([72, 4])], ['bias', weight([4])]] },
      ],
    }, join(dir, 'seq.h5'), { version: '2.1.6' });
    // Rewrite the config as Keras 2.1 did: config is the list itself.
    const h5 = await import('h5wasm/node');
    await h5.ready;
    const f = new h5.File(p, 'a');
    const config = JSON.parse(f.attrs.model_config.value as string);
    f.delete_attribute('model_config');
    f.create_attribute('model_config', JSON.stringify({ class_name: 'Sequential', config: config.config.layers }));
    f.close();
    const imported = await importKeras(p);
    expect(imported.layers.map((l) => l.name)).toEqual(['conv', 'flat', 'out']);
    expect(imported.manifest.input).toEqual({ name: 'conv_input', shape: [1, 7, 5, 2], layout: 'NHWC', dtype: 'float32' });
    expect(imported.manifest.output).toEqual({ name: 'out', softmax: false });
    const input = values(5, 70);
    const { errors, problems } = await compareToReference(imported, input, [1, 7, 5, 2], pythonReference(p, input, [1, 7, 5, 2]));
    expect(problems).toEqual([]);
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThanOrEqual(1e-4);
  });

  it('proposes 224×224 for a model that takes any size and runs it at another size exactly', async () => {
    const m: TestModel = {
      name: 'fcn', className: 'Functional', input: 'in', output: 'gap',
      layers: [
        { name: 'in', className: 'InputLayer', inputs: [], config: { batch_input_shape: [null, null, null, 3] } },
        { name: 'conv', className: 'Conv2D', inputs: ['in'], config: { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }, weights: [['kernel', weight([3, 3, 3, 4])], ['bias', weight([4])]] },
        { name: 'pool', className: 'AveragePooling2D', inputs: ['conv'], config: { pool_size: [3, 3], strides: [2, 2], padding: 'same' } },
        { name: 'gap', className: 'GlobalAveragePooling2D', inputs: ['pool'] },
      ],
    };
    const p = await writeKeras2H5(m, join(dir, 'fcn.h5'));
    const imported = await importKeras(p);
    expect(imported.manifest.input?.shape).toEqual([1, 224, 224, 3]);
    expect(imported.manifest.preprocess).toEqual({ colour: 'rgb', scale: 1 / 255 });
    expect(imported.notes?.join('\n')).toMatch(/any size; proposing 224×224/);
    const shape = [1, 13, 10, 3];
    const input = values(9, 13 * 10 * 3);
    const { errors, problems } = await compareToReference(imported, input, shape, pythonReference(p, input, shape));
    expect(problems).toEqual([]);
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThanOrEqual(1e-4);
  });
});

describe('Keras importer: progress', () => {
  it('moves through a large kernel in steps, never backwards', async () => {
    const n = 2000;
    const m: TestModel = {
      name: 'wide', className: 'Functional', input: 'in', output: 'out',
      layers: [
        { name: 'in', className: 'InputLayer', inputs: [], config: { batch_input_shape: [null, n] } },
        { name: 'wide', className: 'Dense', inputs: ['in'], config: { units: n }, weights: [['kernel', weight([n, n])], ['bias', weight([n])]] },
        { name: 'out', className: 'Dense', inputs: ['wide'], config: { units: 3, activation: 'softmax' }, weights: [['kernel', weight([n, 3])], ['bias', weight([3])]] },
      ],
    };
    const p = await writeKeras2H5(m, join(dir, 'wide.h5'));
    const reports: { fraction: number; detail?: string }[] = [];
    const imported = await importKeras(p, [], (fraction, detail) => reports.push({ fraction, detail }));
    expect(imported.layers.map((l) => l.name)).toEqual(['wide', 'out']);
    const fractions = reports.map((r) => r.fraction);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i], `report ${i}`).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    // The 16 MB kernel is read in 4 MB slices: the conversion part (0.3–0.9) fills in steps as its
    // bytes arrive, and reaches its end only once they all have.
    const converting = reports.filter((r) => r.detail === 'converting layers').map((r) => r.fraction);
    expect(new Set(converting.filter((f) => f > 0.3 && f < 0.89)).size).toBeGreaterThanOrEqual(3);
    let previous = 0.3;
    for (const f of converting) {
      expect(f - previous).toBeLessThanOrEqual(0.2);
      previous = f;
    }
    expect(previous).toBeCloseTo(0.9, 6);
  });
});
