// The preload as the app ships it: built with the project's electron-vite config into a scratch
// folder, it must be one CommonJS file that requires nothing but 'electron' — the only kind of
// preload a sandboxed page can run (its require() is a polyfill without a file system).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { resolveConfig } from 'electron-vite';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

describe('preload bundle', () => {
  let outDir: string;
  let files: string[];
  let code: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'convscope-preload-'));
    const resolved = await resolveConfig({ root, configFile: join(root, 'electron.vite.config.ts'), build: { outDir }, logLevel: 'silent' }, 'build', 'production');
    const preload = resolved.config?.preload;
    if (!preload) throw new Error('electron.vite.config.ts has no preload section');
    await build({ ...preload, configFile: false, logLevel: 'silent' });
    files = await readdir(join(outDir, 'preload'), { recursive: true });
    code = await readFile(join(outDir, 'preload', 'index.cjs'), 'utf8');
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('is a single CommonJS file that requires only electron', () => {
    expect(files.filter((f) => /\.(c|m)?js$/.test(f))).toEqual(['index.cjs']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toMatch(/\bimport\(/);
    const required = [...code.matchAll(/\brequire\(\s*(['"`])([^'"`]+)\1\s*\)/g)].map((m) => m[2]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('runs with a sandbox-like require and exposes the bridge', () => {
    const exposed: Record<string, unknown> = {};
    const requested: string[] = [];
    const ipcRenderer = { on: () => ipcRenderer, off: () => ipcRenderer, invoke: async () => undefined };
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer,
      webUtils: { getPathForFile: () => '' },
    };
    const sandboxRequire = (name: string) => {
      requested.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require "${name}"`);
      return electron;
    };
    const window = { addEventListener: () => {}, postMessage: () => {} };
    const module = { exports: {} };
    runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, window, document: { readyState: 'loading' } });
    expect(requested).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['convscopeElectron']);
    expect(Object.keys(exposed.convscopeElectron as object).sort()).toEqual(['loadSettings', 'onEngineEvent', 'onMenu', 'openModelDialog', 'pathForFile', 'saveSettings']);
  });
});
