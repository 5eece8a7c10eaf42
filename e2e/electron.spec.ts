// The desktop app itself, through Playwright's Electron support: same screen, same checks. It
// needs the Electron runtime, which npm downloads during install; where that download was not
// possible the spec is skipped and says why.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { panel, waitForLive } from './support/app';
import { chromiumArgs, digitsVideo, repoRoot } from './support/paths';
import { saveArtifact, shoot, stats } from './support/pixels';

/** The Electron binary, found without triggering node_modules/electron's download-on-require. */
function electronBinary(): { path?: string; missing?: string } {
  const pkg = join(repoRoot, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'the Electron runtime was not downloaded (node_modules/electron/path.txt is absent)' };
  const bin = join(process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkg, 'dist'), readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? { path: bin } : { missing: `the Electron runtime binary ${bin} is missing` };
}

test('the desktop app shows the live inspector', async ({}, testInfo) => {
  const runtime = electronBinary();
  if (runtime.missing) console.log(`Electron spec skipped: ${runtime.missing}.`);
  test.skip(!runtime.path, `Electron runtime not available: ${runtime.missing}`);
  const userData = mkdtempSync(join(tmpdir(), 'convscope-electron-'));
  const app = await electron.launch({
    executablePath: runtime.path!,
    args: [...chromiumArgs, `--use-file-for-fake-video-capture=${digitsVideo}`, repoRoot],
    cwd: repoRoot,
    env: { ...process.env, CONVSCOPE_CONFIG_DIR: userData } as Record<string, string>,
    timeout: 120_000,
  });
  try {
    const page = await app.firstWindow();
    await waitForLive(page);
    await expect(page.locator('[role="status"]').first()).toHaveText(/^\D*\d/);
    for (const kind of ['probs', 'conv', 'fc']) {
      const s = stats(await shoot(panel(page, kind).first().locator('[data-testid="panel-body"]').first()));
      expect(s.lumaStd, `${kind} panel drawn: ${JSON.stringify(s)}`).toBeGreaterThan(8);
    }
    // The locked-down shell: no Node in the page, the preload's bridge present, the camera allowed
    // (the picture is live) but not the microphone, no new windows.
    const shell = await page.evaluate(async () => {
      const mic = await navigator.mediaDevices.getUserMedia({ audio: true }).then(
        () => 'allowed',
        (e: Error) => e.name,
      );
      const w = window as unknown as Record<string, unknown>;
      return { require: typeof w.require, process: typeof w.process, bridge: typeof window.convscopeElectron?.loadSettings, mic, popup: window.open('https://example.com/') === null };
    });
    expect(shell).toEqual({ require: 'undefined', process: 'undefined', bridge: 'function', mic: 'NotAllowedError', popup: true });
    await saveArtifact(page, 'electron');
    await testInfo.attach('electron-status.txt', { body: (await page.locator('[data-testid="status-line"]').textContent()) ?? '' });
  } finally {
    await app.close();
  }
});
