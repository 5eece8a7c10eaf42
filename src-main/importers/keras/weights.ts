// Where a layer's trained variables come from in each Keras format. Keras 2 .h5 and TF.js name
// them (`conv2d_1/kernel:0`, `conv2d_1/kernel`); Keras 3 .keras files number them by position
// under the layer's class-derived path (`layers/conv2d_1/vars/0`), so every lookup is given the
// variable names in Keras's own order (layers.ts) and each store picks by name or by position.
import type { Hdf5File } from '../../formats/hdf5';
import type { KerasLayer } from './config';

export interface Weight {
  shape: number[];
  data: Float32Array;
}

/** A layer and the nested models around it (outermost first, the layer itself last). */
export type LayerPath = readonly KerasLayer[];

export interface WeightStore {
  /**
   * The layer's variables. `names` lists them in Keras's order; a name may give aliases
   * ('depthwise_kernel|kernel'), and the map is keyed by the first. Returns what the file has;
   * the caller checks for missing ones and names them.
   */
  read(path: LayerPath, names: readonly string[], onBytes?: (n: number) => void): Promise<Map<string, Weight>>;
  /** How many variables the file holds for this layer (to catch a mismatch with the config). */
  count(path: LayerPath): number;
}

const aliases = (n: string) => n.split('|');
const key = (n: string) => aliases(n)[0];
/** 'a/b/kernel:0' → ['a', 'b', 'kernel']. */
const parts = (weightName: string) => weightName.replace(/:\d+$/, '').split('/');

/**
 * Matches stored weight names to the wanted variables: by the variable's own name (and, inside
 * nested models, the layer's name before it); by position when the names are not Keras's usual
 * ones (Keras itself loads .h5 weights by position).
 */
function matchByName(stored: string[], layerName: string, nested: boolean, names: readonly string[]): (number | undefined)[] {
  const split = stored.map(parts);
  const pick = (n: string) => {
    for (const a of aliases(n)) {
      const hits = split.map((p, i) => (p[p.length - 1] === a && (!nested || p[p.length - 2] === layerName) ? i : -1)).filter((i) => i >= 0);
      if (hits.length >= 1) return hits[0];
    }
    return undefined;
  };
  const byName = names.map(pick);
  if (nested || byName.every((i, k) => i !== undefined || k >= stored.length)) return byName;
  return names.map((_, k) => (k < stored.length ? k : undefined));
}

/** Keras 2 .h5 (`model.save`): `model_weights/<layer>/` with a `weight_names` attribute. */
export class H5NamedStore implements WeightStore {
  constructor(private readonly h5: Hdf5File, private readonly root: string) {}

  private entries(path: LayerPath): { group: string; names: string[] } {
    const group = `${this.root}/${path[0].name}`;
    const raw = this.h5.kind(group) === 'group' ? this.h5.attr(group, 'weight_names') : undefined;
    const names = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
    return { group, names };
  }

  count(path: LayerPath): number {
    const { names } = this.entries(path);
    if (path.length === 1) return names.length;
    return names.filter((n) => parts(n).at(-2) === path[path.length - 1].name).length;
  }

  async read(path: LayerPath, names: readonly string[], onBytes?: (n: number) => void): Promise<Map<string, Weight>> {
    const { group, names: stored } = this.entries(path);
    const layer = path[path.length - 1];
    const idx = matchByName(stored, layer.name, path.length > 1, names);
    const out = new Map<string, Weight>();
    for (let k = 0; k < names.length; k++) {
      const i = idx[k];
      if (i === undefined) continue;
      const ds = `${group}/${stored[i]}`;
      const info = this.h5.dataset(ds);
      if (!info) continue;
      out.set(key(names[k]), { shape: info.shape, data: await this.h5.readFloat32(ds, onBytes) });
    }
    return out;
  }
}

/** Keras 3 (.keras archive's model.weights.h5): `<store path>/vars/<i>` by position. */
export class H5PositionalStore implements WeightStore {
  constructor(private readonly h5: Hdf5File) {}

  private group(path: LayerPath): string | null {
    const p = path[path.length - 1].storePath;
    const g = `${p}/vars`;
    if (this.h5.kind(g) === 'group') return g;
    // tf.keras 2.13–2.15 wrote `_layer_checkpoint_dependencies` where Keras 3 writes `layers`.
    const legacy = `${p.replace(/(^|\/)layers(?=\/)/g, '$1_layer_checkpoint_dependencies')}/vars`;
    return this.h5.kind(legacy) === 'group' ? legacy : null;
  }

  count(path: LayerPath): number {
    const g = this.group(path);
    return g ? this.h5.keys(g).length : 0;
  }

  async read(path: LayerPath, names: readonly string[], onBytes?: (n: number) => void): Promise<Map<string, Weight>> {
    const g = this.group(path);
    const out = new Map<string, Weight>();
    if (!g) return out;
    for (let k = 0; k < names.length; k++) {
      const ds = `${g}/${k}`;
      const info = this.h5.dataset(ds);
      if (!info) continue;
      out.set(key(names[k]), { shape: info.shape, data: await this.h5.readFloat32(ds, onBytes) });
    }
    return out;
  }
}

/** TF.js Layers: the weights manifest's names (`conv2d_1/kernel`) over the shards' bytes. */
export class NamedArrayStore implements WeightStore {
  constructor(private readonly weights: Map<string, Weight>) {}

  private stored(path: LayerPath): string[] {
    const layer = path[path.length - 1].name;
    return [...this.weights.keys()].filter((n) => parts(n).at(-2) === layer);
  }

  count(path: LayerPath): number {
    return this.stored(path).length;
  }

  async read(path: LayerPath, names: readonly string[]): Promise<Map<string, Weight>> {
    const stored = this.stored(path);
    const idx = matchByName(stored, path[path.length - 1].name, true, names);
    const out = new Map<string, Weight>();
    names.forEach((n, k) => {
      const i = idx[k];
      if (i !== undefined) out.set(key(n), this.weights.get(stored[i])!);
    });
    return out;
  }
}
