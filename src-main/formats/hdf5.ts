// HDF5 files read through h5wasm (the HDF5 C library compiled to WebAssembly), for any format that
// keeps its data in HDF5 (Keras .h5, the weights inside a .keras archive). The Node build reads the
// file from disk as it goes, so opening a large file costs nothing; datasets are read in slices so
// the WebAssembly heap never has to hold a whole large weight matrix next to its JS copy.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { damagedGlobalHeap } from './hdf5-heaps';

type H5 = typeof import('h5wasm/node');
type H5Dataset = import('h5wasm/node').Dataset;
type H5Group = import('h5wasm/node').Group;

/** A file that is not HDF5, is truncated or corrupt, or lacks what its reader needs. */
export class Hdf5Error extends Error {}

let loading: Promise<H5> | undefined;

/**
 * Loads h5wasm once. Its Emscripten start-up takes a defined `navigator` (Node ≥ 21, Electron) for
 * a browser and would then not use the real file system, so it is hidden while the module starts.
 */
function h5wasm(): Promise<H5> {
  loading ??= (async () => {
    const nav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    if (nav?.configurable) Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true });
    try {
      const mod = await import('h5wasm/node');
      const module = await mod.ready;
      // HDF5 errors become exceptions instead of diagnostics printed to stderr.
      module.activate_throwing_error_handler();
      return mod;
    } finally {
      if (nav?.configurable) Object.defineProperty(globalThis, 'navigator', nav);
    }
  })();
  return loading;
}

/** The last, most specific line of an HDF5 error stack ("file signature not found", …). */
function hdf5Reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const minors = [...text.matchAll(/^\s*#\d+:.*? in [^(]+\(\): (.*)$/gm)].map((m) => m[1].trim());
  const last = minors.at(-1);
  if (last === 'file signature not found') return 'not an HDF5 file';
  const cut = /truncated file: eof = (\d+).*stored_eof = (\d+)/.exec(last ?? '');
  if (cut) return `truncated (${cut[1]} of ${cut[2]} bytes)`;
  return last ?? text.split('\n')[0];
}

export type Hdf5Value = string | number | boolean | Hdf5Value[];

export interface DatasetInfo {
  shape: number[];
  /** 'float32', 'float64', 'float16', 'int32', 'uint8', … or 'other'. */
  dtype: string;
  /** Bytes of the full dataset in memory. */
  bytes: number;
}

/** Largest slice read at once; bounds the WebAssembly heap's growth. */
const SLICE_BYTES = 4 << 20;

export class Hdf5File {
  private constructor(
    private readonly h5: H5,
    private readonly file: import('h5wasm/node').File,
    /** Name used in messages. */
    readonly name: string,
    /** Size on disk in bytes. */
    readonly size: number,
    private readonly path: string,
  ) {}

  /** Whether the global heaps were found sound (checked once, before the first attribute is read). */
  private heapsChecked = false;

  /** Opens a file read-only; `name` is how messages call it (default: its base name). */
  static async open(path: string, name = basename(path)): Promise<Hdf5File> {
    let size: number;
    try {
      size = statSync(path).size;
    } catch (e) {
      throw new Hdf5Error(`${name}: cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const h5 = await h5wasm();
    let file: import('h5wasm/node').File;
    try {
      file = new h5.File(path, 'r');
    } catch (e) {
      throw new Hdf5Error(`${name}: ${hdf5Reason(e)}${size < 512 ? ` (${size} bytes)` : ''}`);
    }
    if (file.file_id < 0n) throw new Hdf5Error(`${name}: not an HDF5 file`);
    return new Hdf5File(h5, file, name, size, path);
  }

  close(): void {
    try {
      this.file.close();
    } catch {
      // Closing a file HDF5 already gave up on has nothing left to release.
    }
  }

  private entity(path: string): ReturnType<H5Group['get']> {
    try {
      return path === '' || path === '/' ? this.file : this.file.get(path);
    } catch (e) {
      throw new Hdf5Error(`${this.name}: ${path}: ${hdf5Reason(e)}`);
    }
  }

  private isGroupEntity(e: unknown): e is H5Group {
    return e instanceof this.h5.Group;
  }

  private isDatasetEntity(e: unknown): e is H5Dataset {
    return e instanceof this.h5.Dataset;
  }

  /** 'group', 'dataset' or null when nothing (or something else) is at `path`. */
  kind(path: string): 'group' | 'dataset' | null {
    const e = this.entity(path);
    return this.isGroupEntity(e) ? 'group' : this.isDatasetEntity(e) ? 'dataset' : null;
  }

  /** Names in a group, in the file's order; [] when `path` is not a group. */
  keys(path: string): string[] {
    const e = this.entity(path);
    if (!this.isGroupEntity(e)) return [];
    try {
      return e.keys();
    } catch (e2) {
      throw new Hdf5Error(`${this.name}: ${path}: ${hdf5Reason(e2)}`);
    }
  }

  /** An attribute as JSON-like data (strings decoded, arrays nested), or undefined when absent. */
  attr(path: string, name: string): Hdf5Value | undefined {
    const e = this.entity(path);
    if (!e || !('attrs' in e)) return undefined;
    if (!this.heapsChecked) {
      // Attributes may be variable-length strings kept in the global heap, which the HDF5 library
      // would walk without end if it is damaged in some ways.
      let reason: string | null;
      try {
        reason = damagedGlobalHeap(this.path, this.size);
      } catch (e2) {
        throw new Hdf5Error(`${this.name}: cannot read (${(e2 as NodeJS.ErrnoException).code ?? (e2 as Error).message})`);
      }
      if (reason) throw new Hdf5Error(`${this.name}: ${reason}; the file is corrupt`);
      this.heapsChecked = true;
    }
    try {
      const attrs = e.attrs;
      if (!(name in attrs)) return undefined;
      const v = attrs[name].json_value;
      return v === null ? undefined : (v as Hdf5Value);
    } catch (e2) {
      throw new Hdf5Error(`${this.name}: ${path}: attribute ${name}: ${hdf5Reason(e2)}`);
    }
  }

  /** Shape and element type of a dataset, or null when `path` is not one. */
  dataset(path: string): DatasetInfo | null {
    const e = this.entity(path);
    if (!this.isDatasetEntity(e)) return null;
    try {
      const m = e.metadata;
      const shape = e.shape ?? [];
      let dtype = 'other';
      if (m.type === 1) dtype = `float${m.size * 8}`;
      else if (m.type === 0) dtype = `${m.signed ? 'int' : 'uint'}${m.size * 8}`;
      const count = shape.reduce((a, b) => a * b, 1);
      return { shape, dtype, bytes: count * m.size };
    } catch (e2) {
      throw new Hdf5Error(`${this.name}: ${path}: ${hdf5Reason(e2)}`);
    }
  }

  /**
   * A float dataset as float32, read in slices along its first axis (float64 is narrowed).
   * Refuses sizes the file cannot hold before allocating anything, and yields to the event loop
   * between slices so a large read keeps the process responsive. `onBytes` receives the bytes of
   * each slice as it is read (together, the dataset's size), so a caller can add them up over many
   * datasets.
   */
  async readFloat32(path: string, onBytes?: (bytes: number) => void): Promise<Float32Array> {
    const info = this.dataset(path);
    if (!info) throw new Hdf5Error(`${this.name}: ${path}: no such dataset`);
    if (info.dtype !== 'float32' && info.dtype !== 'float64') {
      throw new Hdf5Error(`${this.name}: ${path}: weights of type ${info.dtype} are not supported (float32 or float64 expected)`);
    }
    const ds = this.entity(path) as H5Dataset;
    let compressed: boolean;
    try {
      compressed = ds.filters.length > 0;
    } catch {
      compressed = false;
    }
    // Uncompressed data must lie inside the file; compressed data can expand, but not without bound.
    const limit = compressed ? Math.max(this.size * 1000, 1 << 20) : this.size;
    if (info.bytes > limit) {
      throw new Hdf5Error(`${this.name}: ${path}: declares ${info.shape.join('×')} values (${info.bytes} bytes), more than the ${this.size}-byte file can hold`);
    }
    const count = info.bytes / (info.dtype === 'float64' ? 8 : 4);
    const out = new Float32Array(count);
    const rows = info.shape[0] ?? 1;
    const rowValues = info.shape.length ? count / Math.max(rows, 1) : count;
    const rowBytes = rowValues * (info.dtype === 'float64' ? 8 : 4);
    const step = Math.max(1, Math.floor(SLICE_BYTES / Math.max(rowBytes, 1)));
    try {
      if (info.shape.length === 0 || rows <= step) {
        const v = ds.value;
        out.set(v as Float32Array | Float64Array);
        onBytes?.(info.bytes);
      } else {
        for (let r = 0; r < rows; r += step) {
          const end = Math.min(rows, r + step);
          const part = ds.slice([[r, end]]) as Float32Array | Float64Array;
          out.set(part, r * rowValues);
          onBytes?.((end - r) * rowBytes);
          await new Promise((res) => setImmediate(res));
        }
      }
    } catch (e) {
      throw new Hdf5Error(`${this.name}: ${path}: cannot read (${hdf5Reason(e)}); the file is truncated or corrupt`);
    }
    return out;
  }
}
