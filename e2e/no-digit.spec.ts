// A digit model in front of something that is not a digit on paper (a kitten): the digit pipeline
// finds no ink, the network gets a blank input, and the status says so instead of naming a class.
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { sampleStatus, status } from './support/app';
import { expect, test } from './support/fixtures';
import { chromiumPath, fakeCameraArgs, sharedData } from './support/paths';
import { saveArtifact } from './support/pixels';
import { photoVideo } from './support/photo';

test('LeNet with no digit in the crop says so instead of naming a class', async ({ browser, server }) => {
  const video = await photoVideo(browser, join(sharedData, 'images', 'kitten.jpg'));
  const camBrowser = await chromium.launch({ executablePath: chromiumPath, args: fakeCameraArgs(video) });
  try {
    const page = await camBrowser.newPage({ viewport: { width: 1440, height: 960 } });
    await page.goto(server.url);
    // LeNet is the model a fresh start opens.
    await expect(page.locator('[data-testid="status-line"]')).toContainText('LeNet', { timeout: 120_000 });
    await expect(status(page)).toHaveText('no digit in the crop', { timeout: 60_000 });
    // It stays that way frame after frame, and never claims a class with a percentage.
    const samples = await sampleStatus(page, 3000, 100);
    // About 30 on a quiet machine; each sample is a round trip to a page that may be busy drawing.
    expect(samples.length).toBeGreaterThanOrEqual(5);
    expect(samples.filter((s) => s.text.trim() !== 'no digit in the crop')).toEqual([]);
    await saveArtifact(page, 'no-digit');
  } finally {
    await camBrowser.close();
  }
});
