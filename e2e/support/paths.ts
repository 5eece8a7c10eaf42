// Where things are for the end-to-end tests.
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedData = resolve(repoRoot, '../shared/data');
/** Screenshots of every run (gitignored). */
export const artifactsDir = join(repoRoot, 'e2e', 'artifacts');
/** Generated camera files; regenerated when their recipe version changes. */
export const videoDir = join(tmpdir(), 'convscope-e2e-video');
export const digitsVideo = join(videoDir, 'digits-v2.y4m');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The Chromium flags that work on a headless Linux machine without a GPU. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export function fakeCameraArgs(y4m: string): string[] {
  return [...chromiumArgs, `--use-file-for-fake-video-capture=${y4m}`];
}
