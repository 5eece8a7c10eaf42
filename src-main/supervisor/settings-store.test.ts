import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfigDir, SettingsStore, validateSettings } from './settings-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convscope-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SettingsStore', () => {
  it('gives the defaults before anything was saved, and what was saved afterwards', async () => {
    const store = new SettingsStore(join(dir, 'sub', 'settings.json'));
    expect(await store.load()).toEqual({ engine: { forceCpu: false }, layouts: {} });
    const s = { engine: { forceCpu: true }, layouts: { lenet: { view: 'sorted' } }, camera: { width: 640 } };
    await store.save(s);
    expect(await store.load()).toEqual(s);
  });

  it('keeps the newest of many simultaneous saves and leaves no temporary files', async () => {
    const store = new SettingsStore(join(dir, 'settings.json'));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.save({ engine: { forceCpu: false }, layouts: { n: i } })),
    );
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')).layouts).toEqual({ n: 19 });
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('reports a damaged file and falls back to the defaults', async () => {
    await writeFile(join(dir, 'settings.json'), '{"engine": ');
    const problems: string[] = [];
    const s = await new SettingsStore(join(dir, 'settings.json')).load((p) => problems.push(p));
    expect(s).toEqual({ engine: { forceCpu: false }, layouts: {} });
    expect(problems[0]).toContain('settings.json');
  });

  it('names the field that is wrong', () => {
    expect(() => validateSettings([])).toThrow(/JSON object/);
    expect(() => validateSettings({ engine: { forceCpu: 1 } })).toThrow(/engine\.forceCpu/);
    expect(() => validateSettings({ engine: { forceCpu: true }, layouts: [] })).toThrow(/layouts/);
    expect(() => validateSettings({ engine: { forceCpu: true }, lastModel: { paths: [3] } })).toThrow(/lastModel/);
    expect(() => validateSettings({ engine: { forceCpu: true }, layouts: {} })).not.toThrow();
    expect(() => validateSettings({ engine: { forceCpu: false, provider: 'webgpu' } })).not.toThrow();
    expect(() => validateSettings({ engine: { forceCpu: false, provider: 'gpu' } })).toThrow(/settings\.engine\.provider must be one of "cpu", "cuda"/);
    const faces = (f: unknown) => () => validateSettings({ engine: { forceCpu: true }, faces: f });
    expect(faces([])).toThrow(/settings\.faces must be an object/);
    expect(faces({ smoothing: 2 })).toThrow(/faces\.smoothing/);
    expect(faces({ margin: 0.5 })).toThrow(/faces\.margin/);
    expect(faces({ finder: { minFace: 0, thresholds: [0.6, 0.7] } })).toThrow(/faces\.finder\.minFace/);
    expect(faces({ finder: { minFace: 0.1, thresholds: [0.6] } })).toThrow(/faces\.finder\.thresholds/);
    expect(faces({ smoothing: 0.5, margin: 1.6, finder: { minFace: 0.1, thresholds: [0.6, 0.7] } })).not.toThrow();
    const display = (d: unknown) => () => validateSettings({ engine: { forceCpu: true }, display: d });
    expect(display('half')).toThrow(/settings\.display/);
    expect(display({ resolution: 'quarter' })).toThrow(/resolution is "auto", "full", "half"/);
    expect(display({ resolution: true })).toThrow(/resolution is/);
    for (const resolution of ['auto', 'full', 'half']) expect(display({ resolution })).not.toThrow();
    expect(display({})).not.toThrow();
    expect(() => new SettingsStore(join(dir, 'x.json')).save({ engine: {} })).toThrow(/forceCpu/);
  });

  it('puts browser-mode settings where CONVSCOPE_CONFIG_DIR or XDG_CONFIG_HOME say', () => {
    expect(defaultConfigDir({ CONVSCOPE_CONFIG_DIR: '/x/y' })).toBe('/x/y');
    if (process.platform === 'linux') expect(defaultConfigDir({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/convscope');
  });
});
