// `npm start` where the Electron runtime is missing: it must say so and start browser mode.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

it('falls back to browser mode, saying why, when the Electron runtime is missing', async () => {
  const config = mkdtempSync(join(tmpdir(), 'convscope-start-'));
  // Point Electron at an empty folder: the runtime is "missing" even where it is installed.
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), '--port', '0'], {
    cwd: root,
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: config, CONVSCOPE_CONFIG_DIR: config },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 150 s; stderr:\n${err}`)), 150_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = out.match(/^ConvScope browser mode: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32})$/m);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`start.mjs exited (${code}); stderr:\n${err}`)));
    });
    expect(err).toMatch(/cannot start the desktop app: .*Electron runtime/);
    expect(err).toMatch(/Starting browser mode instead/);
    // Exactly one line on stdout: the URL.
    expect(out.trim().split('\n')).toHaveLength(1);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
    rmSync(config, { recursive: true, force: true });
  }
}, 200_000);
