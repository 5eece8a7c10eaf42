// Clicking a feature map enlarges it in its panel and lays it, upsampled and
// semi-transparent in the panel's colour map, over the crop view; clicking it again goes back.
import type { Locator, Page } from '@playwright/test';
import { selectByText } from './support/app';
import { expect, test } from './support/fixtures';
import { difference, saveArtifact, shoot, stats } from './support/pixels';

const body = (p: Locator) => p.locator('[data-testid="panel-body"]').first();

async function toggleFreeze(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Space');
}

test('clicking a feature map enlarges it and overlays it on the crop view', async ({ app }) => {
  const conv = app.locator('[data-panel-kind="conv"]').first();
  const crop = app.locator('[data-panel-kind="crop"]').first();
  await toggleFreeze(app);
  await expect(app.locator('[data-testid="frozen"]')).toBeVisible();
  // A coloured map on a gray crop: the overlay shows up as colour where there was none.
  await selectByText(conv.locator('[data-testid="colour-map"]'), /viridis/);
  await app.waitForTimeout(500);
  const gridBefore = await shoot(body(conv));
  const cropBefore = await shoot(body(crop));
  // Off-white paper and a gray input tensor: little colour.
  const chromaBefore = stats(cropBefore).meanChroma;
  expect(chromaBefore).toBeLessThan(15);

  const box = (await body(conv).boundingBox())!;
  let overlaid = false;
  // The first point that lands on a tile (not a gap between tiles) selects a map.
  for (const [fx, fy] of [[0.3, 0.3], [0.5, 0.5], [0.2, 0.6], [0.7, 0.2]]) {
    await app.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    await app.waitForTimeout(600);
    if (stats(await shoot(body(crop))).meanChroma > chromaBefore + 10) {
      overlaid = true;
      break;
    }
  }
  expect(overlaid, 'a clicked map is overlaid on the crop view in its colour map').toBe(true);
  const gridEnlarged = await shoot(body(conv));
  expect(difference(gridBefore, gridEnlarged), 'the panel now shows the one map enlarged').toBeGreaterThan(5);
  await saveArtifact(app, 'map-overlay');

  // Clicking the enlarged map returns to the grid and removes the overlay.
  await app.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await expect.poll(async () => stats(await shoot(body(crop))).meanChroma, { timeout: 10_000 }).toBeLessThan(chromaBefore + 2);
  expect(difference(gridBefore, await shoot(body(conv))), 'the grid is back').toBeLessThan(1);
  await toggleFreeze(app);
});
