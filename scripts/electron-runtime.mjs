// Finds the Electron executable without triggering a download: node_modules/electron's own
// index.js downloads the runtime when it is missing, which hangs where only the npm registry is
// reachable. npm installs the package but its postinstall download fails there, leaving no path.txt.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './build-state.mjs';

/** { path } of the Electron binary, or { missing: reason }. */
export function electronRuntime() {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { missing: 'the electron package is not installed (run npm ci)' };
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) {
    return { missing: 'the Electron runtime was not downloaded during npm install (node_modules/electron/path.txt is absent)' };
  }
  const rel = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist');
  const bin = join(dist, rel);
  if (!existsSync(bin)) return { missing: `the Electron runtime binary ${bin} is missing` };
  return { path: bin };
}
