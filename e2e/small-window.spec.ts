// The default layout fits the window down to 1024×640: the toolbar stays on one line (what does not
// fit goes into its "More" menu), no panel is cut off at the bottom, panel titles keep the layer
// name readable, and the crop view tells the crop's size in camera pixels.
import type { Page } from '@playwright/test';
import { waitForSteadyDigit } from './support/app';
import { expect, test } from './support/fixtures';
import { saveArtifact } from './support/pixels';

test.use({ viewport: { width: 1024, height: 640 } });

/** Every visible item of the toolbar sits on one line inside the window. */
async function toolbarOnOneLine(page: Page): Promise<void> {
  const boxes = await page.locator('header.toolbar > *').evaluateAll((els) =>
    els
      .filter((el) => (el as HTMLElement).offsetParent !== null && !el.classList.contains('spacer'))
      .map((el) => {
        const r = el.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, right: r.right, what: el.textContent?.trim().slice(0, 20) ?? '' };
      }),
  );
  const bar = (await page.locator('header.toolbar').boundingBox())!;
  expect(boxes.length).toBeGreaterThan(4);
  for (const b of boxes) {
    expect(b.top, `"${b.what}" is on the toolbar's line`).toBeLessThan(boxes[0].bottom);
    expect(b.right, `"${b.what}" is inside the window`).toBeLessThanOrEqual(1024);
  }
  expect(bar.height, 'the toolbar is one line high').toBeLessThan(60);
}

test('at 1024×640 the toolbar is one line and every panel of the default layout is whole', async ({ app }) => {
  await toolbarOnOneLine(app);
  const workspace = (await app.locator('main.workspace').boundingBox())!;
  const panels = app.locator('[data-panel-id]');
  expect(await panels.count()).toBeGreaterThanOrEqual(6);
  for (const box of await panels.evaluateAll((els) => els.map((el) => ({ id: el.getAttribute('data-panel-id'), ...el.getBoundingClientRect().toJSON() })))) {
    expect(box.bottom, `panel ${box.id} ends inside the workspace`).toBeLessThanOrEqual(workspace.y + workspace.height + 0.5);
    expect(box.height, `panel ${box.id} still has room for its content`).toBeGreaterThan(80);
  }
  // No scrolling is needed to see the whole layout.
  expect(await app.locator('main.workspace').evaluate((el) => el.scrollHeight <= el.clientHeight + 1)).toBe(true);

  // The layer name and the map size stay readable; the whole title is in the tooltip.
  for (const conv of await app.locator('[data-panel-kind="conv"]').all()) {
    const layer = (await conv.getAttribute('data-layer'))!;
    const name = conv.locator('.title-name');
    await expect(name).toHaveText(layer);
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth), `${layer}: the name is not cut`).toBe(true);
    await expect(conv.locator('[data-testid="panel-title"]')).toHaveAttribute('title', new RegExp(`^${layer} — \\d+×\\d+ · \\d+ feature maps — tensor \\d+×\\d+×\\d+$`));
  }
  // The crop in camera pixels (60 % of the 480-pixel side) beside the size it travels at.
  await expect(app.locator('[data-scene-panel="crop"]')).toHaveAttribute('aria-label', /camera crop 288×288 px, sent as 112×112; network input 1×28×28/);
  await waitForSteadyDigit(app);
  await saveArtifact(app, 'small-window-1024x640');
});

test('at 1024×640 the sorted view, frozen, still fits the toolbar on one line', async ({ app }) => {
  await app.locator('[data-testid="view-sorted"]').click();
  await app.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await app.keyboard.press('Space');
  await expect(app.locator('[data-testid="frozen"]')).toBeVisible();
  await toolbarOnOneLine(app);
  // What gave way is in the "More" menu, and works from there.
  await app.locator('[data-testid="toolbar-more"]').click();
  await expect(app.locator('[data-testid="force-cpu"]')).toBeVisible();
  await expect(app.locator('[data-testid="engine-provider"]')).toHaveText('cpu');
  await expect(app.locator('[data-testid="layout-reset"]')).toBeVisible();
  await saveArtifact(app, 'small-window-sorted-1024x640');
  await app.locator('[data-testid="toolbar-more"]').click();
  const sorted = app.locator('[data-panel-kind="sorted"]');
  const workspace = (await app.locator('main.workspace').boundingBox())!;
  const box = (await sorted.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(workspace.y + workspace.height + 0.5);

  // A wider window brings everything back into the bar.
  await app.setViewportSize({ width: 1440, height: 960 });
  await expect(app.locator('[data-testid="engine-menu"]')).toBeVisible();
  await expect(app.locator('[data-testid="toolbar-more"]')).toHaveCount(0);
  await expect(app.locator('header.toolbar .brand')).toBeVisible();
});
