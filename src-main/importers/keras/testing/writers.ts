// Writes a TestModel as each Keras file kind, the way Keras and the TF.js converter lay them out.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { keras2Config, keras2Vars, keras3Config, keras3Vars, type TestModel } from './model-spec';

async function h5(): Promise<typeof import('h5wasm/node')> {
  const mod = await import('h5wasm/node');
  await mod.ready;
  return mod;
}

/** Keras 2 `model.save('x.h5')`: attributes on the root, weights under model_weights. */
export async function writeKeras2H5(m: TestModel, path: string, opts: { version?: string; withConfig?: boolean } = {}): Promise<string> {
  const { File } = await h5();
  const f = new File(path, 'w');
  try {
    if (opts.withConfig !== false) f.create_attribute('model_config', JSON.stringify(keras2Config(m)));
    f.create_attribute('keras_version', opts.version ?? '2.4.0');
    f.create_attribute('backend', 'tensorflow');
    const mw = f.create_group('model_weights');
    const vars = keras2Vars(m);
    mw.create_attribute('layer_names', vars.map((v) => v.layer));
    for (const v of vars) {
      const g = mw.create_group(v.layer);
      // Keras writes an empty list for layers without weights; leaving it out reads the same.
      if (v.names.length) g.create_attribute('weight_names', v.names.map((n) => `${n}:0`));
      v.names.forEach((n, i) => {
        const [inner, name] = n.split('/');
        const sub = g.keys().includes(inner) ? (g.get(inner) as import('h5wasm/node').Group) : g.create_group(inner);
        sub.create_dataset({ name: `${name}:0`, data: v.weights[i].data, shape: v.weights[i].shape });
      });
    }
  } finally {
    f.close();
  }
  return path;
}

/** Keras 3 `model.save('x.keras')`: a zip of metadata.json, config.json and model.weights.h5. */
export async function writeKeras3(m: TestModel, path: string, tmp: string): Promise<string> {
  const { File } = await h5();
  const weightsPath = join(tmp, `${m.name}-model.weights.h5`);
  const f = new File(weightsPath, 'w');
  try {
    for (const [p, w] of keras3Vars(m)) {
      const parts = p.split('/');
      let g: import('h5wasm/node').Group = f;
      for (const part of parts.slice(0, -1)) g = g.keys().includes(part) ? (g.get(part) as import('h5wasm/node').Group) : g.create_group(part);
      g.create_dataset({ name: parts[parts.length - 1], data: w.data, shape: w.shape });
    }
  } finally {
    f.close();
  }
  const { readFileSync } = await import('node:fs');
  const zip = zipSync(
    {
      'metadata.json': strToU8(JSON.stringify({ keras_version: '3.6.0', date_saved: '2024-10-01@12:00:00' })),
      'config.json': strToU8(JSON.stringify(keras3Config(m))),
      'model.weights.h5': [readFileSync(weightsPath), { level: 0 }],
    },
    { level: 6 },
  );
  writeFileSync(path, zip);
  return path;
}

/** TF.js Layers: model.json (modelTopology + weightsManifest) and two shards cut mid-weight. */
export function writeTfjs(m: TestModel, dir: string): { modelJson: string; shards: string[] } {
  mkdirSync(dir, { recursive: true });
  const specs: { name: string; shape: number[]; dtype: string }[] = [];
  const parts: Uint8Array[] = [];
  for (const v of keras2Vars(m)) {
    v.names.forEach((n, i) => {
      const w = v.weights[i];
      specs.push({ name: n, shape: w.shape, dtype: 'float32' });
      parts.push(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength));
    });
  }
  const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  const cut = Math.floor(all.length / 2) + 2;
  const shards = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
  writeFileSync(join(dir, shards[0]), all.subarray(0, cut));
  writeFileSync(join(dir, shards[1]), all.subarray(cut));
  const modelJson = join(dir, 'model.json');
  writeFileSync(modelJson, JSON.stringify({
    format: 'layers-model', generatedBy: 'keras v2.4.0', convertedBy: 'TensorFlow.js Converter v4',
    modelTopology: { keras_version: '2.4.0', backend: 'tensorflow', model_config: keras2Config(m) },
    weightsManifest: [{ paths: shards, weights: specs }],
  }));
  return { modelJson, shards: shards.map((s) => join(dir, s)) };
}
