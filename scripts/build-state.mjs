// Shared by the launchers: is out/ missing or older than the sources, and how to rebuild it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const SOURCES = ['src-main', 'src-shared', 'src-preload', 'src-renderer', 'electron.vite.config.ts', 'package.json'];
const OUTPUTS = ['out/main/index.js', 'out/main/web.js', 'out/main/engine-host.js', 'out/main/cli.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    if (e.isFile() && /\.test\.ts$/.test(e.name)) continue;
    t = Math.max(t, newest(join(path, e.name)));
  }
  return t;
}

/** The reason out/ needs a build, or null when it is up to date. */
export function staleReason() {
  const outs = OUTPUTS.map((p) => join(root, p));
  const missing = outs.find((p) => !existsSync(p));
  if (missing) return `${missing.slice(root.length + 1)} is missing`;
  const built = Math.min(...outs.map((p) => statSync(p).mtimeMs));
  const src = Math.max(...SOURCES.map((p) => join(root, p)).filter(existsSync).map(newest));
  return src > built ? 'sources changed since the last build' : null;
}

/** Builds with electron-vite when needed; exits the process if the build fails. */
export function buildIfNeeded() {
  const why = staleReason();
  if (!why) return;
  process.stderr.write(`ConvScope: building (${why})…\n`);
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  // stdout of the build goes to stderr so a launcher's own stdout stays clean.
  const r = spawnSync(process.execPath, [cli, 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) {
    process.stderr.write('ConvScope: the build failed (see above).\n');
    process.exit(r.status ?? 1);
  }
}
