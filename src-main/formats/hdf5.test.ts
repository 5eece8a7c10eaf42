// HDF5 reading through h5wasm: attributes, groups, datasets read in slices, and the messages for
// files that are not HDF5 or are cut short.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Hdf5File } from './hdf5';
import { damagedGlobalHeap } from './hdf5-heaps';

const dir = mkdtempSync(join(tmpdir(), 'hdf5-'));

async function sample(): Promise<string> {
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const path = join(dir, 'sample.h5');
  const f = new h5.File(path, 'w');
  f.create_attribute('title', 'a test file');
  f.create_attribute('names', ['a', 'b/c:0']);
  const g = f.create_group('group');
  // 20 MB: larger than one slice, so it is read in several.
  const big = new Float32Array(5000 * 1024).map((_, i) => i % 9973);
  g.create_dataset({ name: 'big', data: big, shape: [5000, 1024] });
  g.create_dataset({ name: 'f64', data: new Float64Array([1.5, -2.25, 3]), shape: [3] });
  g.create_dataset({ name: 'ints', data: new Int32Array([1, 2]), shape: [2] });
  f.close();
  return path;
}

describe('Hdf5File', () => {
  it('reads attributes, groups and float datasets (in slices, float64 narrowed)', async () => {
    const f = await Hdf5File.open(await sample());
    try {
      expect(f.attr('/', 'title')).toBe('a test file');
      expect(f.attr('/', 'names')).toEqual(['a', 'b/c:0']);
      expect(f.attr('/', 'missing')).toBeUndefined();
      expect(f.kind('group')).toBe('group');
      expect(f.kind('group/big')).toBe('dataset');
      expect(f.kind('nothing')).toBeNull();
      expect(f.keys('group').sort()).toEqual(['big', 'f64', 'ints']);
      expect(f.dataset('group/big')).toEqual({ shape: [5000, 1024], dtype: 'float32', bytes: 5000 * 1024 * 4 });
      const reported: number[] = [];
      const big = await f.readFloat32('group/big', (n) => reported.push(n));
      // One report per slice, each at most a slice's 4 MB, adding up to the dataset's size.
      expect(reported.length).toBeGreaterThan(1);
      for (const n of reported) expect(n).toBeGreaterThan(0);
      for (const n of reported) expect(n).toBeLessThanOrEqual(4 << 20);
      expect(reported.reduce((a, b) => a + b, 0)).toBe(5000 * 1024 * 4);
      const small: number[] = [];
      await f.readFloat32('group/f64', (n) => small.push(n));
      expect(small).toEqual([3 * 8]);
      expect(big[4999 * 1024 + 7]).toBe((4999 * 1024 + 7) % 9973);
      expect([...(await f.readFloat32('group/f64'))]).toEqual([1.5, -2.25, 3]);
      await expect(f.readFloat32('group/ints')).rejects.toThrow('sample.h5: group/ints: weights of type int32 are not supported');
    } finally {
      f.close();
    }
  });

  it('names the file when it is not HDF5, cut short or missing', async () => {
    writeFileSync(join(dir, 'text.h5'), 'just text, no HDF5 signature here');
    await expect(Hdf5File.open(join(dir, 'text.h5'))).rejects.toThrow('text.h5: not an HDF5 file');
    const bytes = readFileSync(await sample());
    writeFileSync(join(dir, 'cut.h5'), bytes.subarray(0, bytes.length >> 1));
    await expect(Hdf5File.open(join(dir, 'cut.h5'))).rejects.toThrow(/^cut.h5: truncated \(\d+ of \d+ bytes\)/);
    await expect(Hdf5File.open(join(dir, 'absent.h5'))).rejects.toThrow('absent.h5: cannot open (ENOENT)');
  });

  it('refuses a damaged global heap, which the HDF5 library would walk forever, naming the file', async () => {
    const bytes = Buffer.from(readFileSync(await sample()));
    const good = join(dir, 'good.h5');
    writeFileSync(good, bytes);
    expect(damagedGlobalHeap(good, bytes.length)).toBeNull();
    // The free-space object (index 0) of the collection holding the string attributes gets size 0,
    // as in the mutated Keras files on which reading model_config never returned.
    const heap = bytes.indexOf('GCOL');
    expect(heap).toBeGreaterThan(0);
    let pos = heap + 16;
    while (bytes.readUInt16LE(pos) !== 0) pos += 16 + Math.ceil(Number(bytes.readBigUInt64LE(pos + 8)) / 8) * 8;
    bytes.writeBigUInt64LE(0n, pos + 8);
    const path = join(dir, 'heap.h5');
    writeFileSync(path, bytes);
    // Checked first: were it missed, reading the attribute below would never return.
    expect(damagedGlobalHeap(path, bytes.length)).toMatch(/^damaged global heap at byte \d+/);
    const f = await Hdf5File.open(path);
    try {
      expect(f.kind('group/big')).toBe('dataset');
      expect(() => f.attr('/', 'title')).toThrow(/^heap\.h5: damaged global heap at byte \d+ \(object 0 at offset \d+ declares 0 bytes/);
    } finally {
      f.close();
    }
  });
});
