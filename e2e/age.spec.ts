// An age model opened from files reads out as ages: Levi & Hassner's age_net (written with random
// weights at test time) with the Adience mean image. The bars panel becomes a histogram over age
// with the expected age in years, consistent with the bars it shows, and the status reads "age ≈ N".
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from '@playwright/test';
import { writeRandomCaffemodel } from '../src-main/importers/caffe/testing/random-weights';
import { panel, status } from './support/app';
import { expect, test } from './support/fixtures';
import { artifactsDir, repoRoot, sharedData } from './support/paths';
import { shoot, stats } from './support/pixels';

const banner = (page: Page) => page.locator('[data-testid="error-banner"]');

async function openFiles(page: Page, paths: string[]): Promise<void> {
  await page.locator('input[type=file][data-testid="model-file"]').setInputFiles(
    paths.map((p) => ({ name: basename(p), mimeType: 'application/octet-stream', buffer: readFileSync(p) })),
  );
}

interface ShownBar {
  age: number;
  p: number;
  x: number;
  w: number;
}

const shownBars = (page: Page): Promise<ShownBar[]> =>
  page.locator('[data-testid="age-bar"]').evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { age: Number(e.getAttribute('data-age')), p: Number(e.getAttribute('data-p')), x: r.left, w: r.width };
    }),
  );

test('age_net from files: a histogram over age, the expected age in years, "age ≈ N" in the status', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'convscope-e2e-age-'));
  try {
    const prototxt = join(repoRoot, 'src-main/importers/caffe/testing/nets/deploy_age.prototxt');
    const weights = join(dir, 'age_net.caffemodel');
    writeRandomCaffemodel(prototxt, weights, { seed: 11 });
    await openFiles(app, [prototxt, weights, join(sharedData, 'caffe/gender_net/mean.binaryproto')]);
    await expect(banner(app)).toContainText('Opened deploy_age.prototxt', { timeout: 120_000 });
    // The proposed manifest follows faces; this camera shows digits, so place the crop by hand
    // (following faces, the status would rightly say there is no face to read).
    const faceSwitch = app.locator('[data-testid="crop-mode-face"]');
    await expect(faceSwitch).toHaveAttribute('aria-pressed', 'true', { timeout: 60_000 });
    await faceSwitch.click();
    await expect(faceSwitch).toHaveAttribute('aria-pressed', 'false');
    await expect(status(app)).toHaveText(/^age ≈ \d+$/, { timeout: 60_000 });

    const probs = panel(app, 'probs');
    await expect(probs.locator('[data-testid="panel-title"]')).toContainText('Age');
    await expect(probs.locator('[data-testid="age-bar"]')).toHaveCount(8);
    await expect(probs.locator('[data-testid="expected-age"]')).toHaveText(/^≈ \d+ years\s*expected age$/);

    // The layers are drawn too (the display graph for the new subscription takes a moment to build).
    const conv = panel(app, 'conv').first().locator('[data-testid="panel-body"]').first();
    await expect.poll(async () => stats(await shoot(conv)).lumaStd, { timeout: 60_000 }).toBeGreaterThan(8);
    // Freeze so the status, the number and the bars all show one result.
    await app.keyboard.press('Space');
    await app.waitForTimeout(500);
    const bars = await shownBars(app);
    const expectedText = (await probs.locator('[data-testid="expected-age"]').textContent()) ?? '';
    const shownAge = Number(/≈ (\d+) years/.exec(expectedText)?.[1]);
    const mass = bars.reduce((s, b) => s + b.p, 0);
    expect(mass).toBeCloseTo(1, 3);
    const sum = bars.reduce((s, b) => s + b.p * b.age, 0) / mass;
    expect(shownAge).toBe(Math.round(sum));
    await expect(status(app)).toHaveText(`age ≈ ${shownAge}`);

    // Bucket midpoints; 60+ counts as 70. Each bar is as wide as its range on the axis in years:
    // 0–2 spans 2 years, 25–32 spans 7, 60+ is drawn over 60–80 (20 years).
    expect(bars.map((b) => b.age)).toEqual([1, 5, 10, 17.5, 28.5, 40.5, 50.5, 70]);
    const perYear = bars[0].w / 2;
    expect(bars[4].w / perYear).toBeCloseTo(7, 0);
    expect(bars[7].w / perYear).toBeCloseTo(20, 0);
    // Bars sit in age order left to right, with the gaps between the Adience groups.
    for (let i = 1; i < bars.length; i++) expect(bars[i].x).toBeGreaterThan(bars[i - 1].x + bars[i - 1].w);

    await probs.screenshot({ path: join(artifactsDir, 'age-readout-panel.png') });
    await app.screenshot({ path: join(artifactsDir, 'age-readout.png') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
