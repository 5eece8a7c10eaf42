// The desktop shell's security properties, checked from the sources: Electronegativity finds
// nothing that is not justified in an eng-disable comment beside it, the window's options lock the
// page down, and the page's Content-Security-Policy allows no remote origin and no eval.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { scanShell } from './testing/electronegativity';
import { newAppWindow } from './window-options';

const root = resolve(import.meta.dirname, '..', '..');

/** The directives of the CSP in the page's <meta http-equiv="Content-Security-Policy">. */
async function pageCsp(): Promise<Map<string, string[]>> {
  const html = await readFile(join(root, 'src-renderer', 'index.html'), 'utf8');
  const metas = [...html.matchAll(/<meta\s[^>]*http-equiv="Content-Security-Policy"[^>]*>/gi)];
  expect(metas, 'one CSP meta in src-renderer/index.html').toHaveLength(1);
  const content = metas[0][0].match(/content="([^"]*)"/)?.[1] ?? '';
  const directives = new Map<string, string[]>();
  for (const part of content.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

describe('Electronegativity', () => {
  it('finds nothing unjustified in the shell (main window code, preload, page)', async () => {
    const scan = await scanShell();
    expect(scan.files).toEqual(expect.arrayContaining(['src-main/electron/main.ts', 'src-main/electron/window-options.ts', 'src-preload/index.ts', 'src-renderer/index.html']));
    // Every file was parsed, so every check ran on it.
    expect(scan.errors.filter((e) => !e.tolerable)).toEqual([]);
    expect(scan.checks).toBeGreaterThan(30);
    expect(scan.findings).toEqual([]);
  }, 120_000);
});

describe('the window', () => {
  const options = newAppWindow(
    class {
      constructor(readonly options: BrowserWindowConstructorOptions) {}
    },
    '/app/out/preload/index.cjs',
  ).options;

  it('runs the page sandboxed, isolated, without Node and with web security', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(options.webPreferences?.enableBlinkFeatures).toBeUndefined();
    expect(options.webPreferences?.additionalArguments).toBeUndefined();
  });

  it('loads the CommonJS preload that the build makes', async () => {
    const main = await readFile(join(root, 'src-main', 'electron', 'main.ts'), 'utf8');
    expect(main).toMatch(/newAppWindow\(BrowserWindow, preloadFile\)/);
    expect(main).toMatch(/const preloadFile = join\(here, '\.\.\/preload\/index\.cjs'\)/);
    expect(main).not.toMatch(/new BrowserWindow\(/);
  });
});

describe("the page's Content-Security-Policy", () => {
  it('allows only our own origin: no remote hosts, schemes that reach the network, eval or inline scripts', async () => {
    const csp = await pageCsp();
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    // Local data only: blob:/data: pictures, the camera's mediastream:.
    const local = new Set(["'self'", "'none'", "'unsafe-inline'", 'blob:', 'data:', 'mediastream:']);
    for (const [name, sources] of csp) {
      for (const s of sources) expect(local.has(s), `${name} ${s}`).toBe(true);
      expect(sources, name).not.toContain("'unsafe-eval'");
      expect(sources, name).not.toContain("'wasm-unsafe-eval'");
    }
    // Inline code is never allowed, only inline style attributes.
    for (const [name, sources] of csp) if (sources.includes("'unsafe-inline'")) expect(name).toBe('style-src');
  });
});
