// The bundled SqueezeNet classifies real photos shown to the camera. Each photo becomes
// its own fake-camera file, and the camera file is a browser launch flag, so each gets its own
// Chromium.
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { selectByText, status } from './support/app';
import { expect, test } from './support/fixtures';
import { chromiumPath, fakeCameraArgs, sharedData } from './support/paths';
import { saveArtifact } from './support/pixels';
import { photoVideo } from './support/photo';

const photos = [
  // ImageNet's domestic-cat classes (281–285): a kitten may be read as any of them.
  { file: 'kitten.jpg', expect: /tabby|tiger cat|Egyptian cat|Persian cat|Siamese cat/i },
  { file: 'space_shuttle.jpg', expect: /space shuttle/i },
];

for (const photo of photos) {
  test(`SqueezeNet names ${photo.file} when it is in front of the camera`, async ({ browser, server }, testInfo) => {
    const video = await photoVideo(browser, join(sharedData, 'images', photo.file));
    const camBrowser = await chromium.launch({ executablePath: chromiumPath, args: fakeCameraArgs(video) });
    const consoleLines: string[] = [];
    const page = await camBrowser.newPage({ viewport: { width: 1440, height: 960 } });
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    try {
      await page.goto(server.url);
      // The bundled models are listed once the engine is connected; no need to wait for the
      // default digit model to make sense of a photo.
      const select = page.locator('[data-testid="model-select"]');
      await expect(select.locator('option', { hasText: /squeeze/i })).toHaveCount(1, { timeout: 120_000 });
      await selectByText(select, /squeeze/);
      await expect(status(page)).toHaveText(photo.expect, { timeout: 120_000 });
      // Hold steady: the answer is the network's, frame after frame.
      await page.waitForTimeout(2000);
      await expect(status(page)).toHaveText(photo.expect);
      const text = (await status(page).textContent()) ?? '';
      console.log(`${photo.file}: ${text}`);
      await testInfo.attach(`${photo.file}-status.txt`, { body: text, contentType: 'text/plain' });
      await saveArtifact(page, `squeezenet-${photo.file.replace(/\W/g, '_')}`);
    } catch (e) {
      // This page is not Playwright's own: collect what the built-in failure report would have.
      const line = await page.locator('[data-testid="status-line"]').textContent().catch(() => null);
      const banner = await page.locator('[data-testid="error-banner"]').allTextContents().catch(() => []);
      await testInfo.attach('page.png', { body: await page.screenshot().catch(() => Buffer.alloc(0)), contentType: 'image/png' });
      await testInfo.attach('browser-console.txt', {
        body: `status line: ${line}\nbanner: ${banner.join(' | ')}\n\n${consoleLines.join('\n')}`,
        contentType: 'text/plain',
      });
      throw e;
    } finally {
      await camBrowser.close();
    }
  });
}
