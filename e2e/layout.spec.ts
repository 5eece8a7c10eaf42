// The layout belongs to the user — views, panels, colour maps, hover values,
// freezing, and layouts that survive a reload.
import type { Locator, Page } from '@playwright/test';
import { labelOf, selectByText, status, waitForSteadyDigit } from './support/app';
import { lut } from './support/colours';
import { expect, test } from './support/fixtures';
import { difference, fractionNearLut, saveArtifact, shoot, stats } from './support/pixels';
import type { Rgba } from './support/png';

const body = (p: Locator) => p.locator('[data-testid="panel-body"]').first();
const panels = (page: Page) => page.locator('[data-panel-id]');
const panelIds = (page: Page) => panels(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-panel-id') ?? ''));

async function freeze(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Space');
  await expect(page.locator('[data-testid="frozen"]')).toBeVisible();
}

async function unfreeze(page: Page): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Space');
  await expect(page.locator('[data-testid="frozen"]')).toBeHidden();
}

test('the sorted-neurons view orders the FC neurons by the chosen class', async ({ app }) => {
  await app.locator('[data-testid="view-sorted"]').click();
  const sorted = app.locator('[data-panel-kind="sorted"]').first();
  await expect(sorted).toBeVisible();
  const select = app.locator('[data-testid="sorted-class"]');
  await expect(select).toBeVisible();
  // Freeze on a digit the network is sure about: from then on only the class choice changes
  // the picture.
  await waitForSteadyDigit(app);
  await freeze(app);
  // Read after freezing: a result that landed between the two is the one held on screen.
  const held = labelOf((await status(app).textContent()) ?? '');
  expect(held, 'a digit is held').toMatch(/^\d$/);
  const shown = Number(held);
  await selectByText(select, new RegExp(`^\\s*${shown}\\b`));
  await app.waitForTimeout(1000);
  const same = await shoot(body(sorted));
  expect(stats(same).lumaStd).toBeGreaterThan(5);
  // The neurons that vote most for the digit on camera come first, and they are the active ones:
  // the top rows are brighter than the bottom rows (viridis: brighter = higher).
  const band = (img: Rgba, from: number, to: number) => {
    let sum = 0;
    let n = 0;
    for (let y = Math.floor(img.height * from); y < Math.floor(img.height * to); y++) {
      // The left 80 %: the neuron cells, not the row-mean bars on the right.
      for (let x = 0; x < Math.floor(img.width * 0.8); x++) {
        const i = (y * img.width + x) * 4;
        sum += 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
        n++;
      }
    }
    return sum / n;
  };
  expect(band(same, 0.1, 0.35), `class ${shown} with a ${shown} on camera: top rows light up`).toBeGreaterThan(band(same, 0.7, 0.95));
  const other = (shown + 5) % 10;
  await selectByText(select, new RegExp(`^\\s*${other}\\b`));
  await app.waitForTimeout(1000);
  const different = await shoot(body(sorted));
  expect(difference(same, different), 'a different class orders the neurons differently').toBeGreaterThan(0.5);
  await selectByText(select, new RegExp(`^\\s*${shown}\\b`));
  await app.waitForTimeout(500);
  await saveArtifact(app, 'sorted-view');

  // Clicking a probability bar chooses that class too.
  const bar = app.locator('[data-testid="prob-bar"][data-class="5"]').first();
  await bar.click();
  await expect
    .poll(() => select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text ?? ''))
    .toMatch(/5|five/i);
  await unfreeze(app);
  await app.locator('[data-testid="view-generic"]').click();
  await expect(app.locator('[data-panel-kind="conv"]').first()).toBeVisible();
});

test('a panel can be added and removed', async ({ app }) => {
  const before = await panelIds(app);
  await app.locator('[data-testid="add-panel"]').first().click();
  // The button opens a chooser (kind and layer, preset to a sensible choice); confirm it.
  await app.locator('[data-testid="add-panel-confirm"]').click();
  await expect(panels(app)).toHaveCount(before.length + 1);
  const added = (await panelIds(app)).filter((id) => !before.includes(id));
  expect(added).toHaveLength(1);
  const fresh = app.locator(`[data-panel-id="${added[0]}"]`);
  await expect(fresh).toBeVisible();
  // A panel for a layer chosen from the all-layers strip.
  const thumb = app.locator('[data-testid="strip-thumb"]').first();
  const layer = await thumb.getAttribute('data-layer');
  expect(layer).toBeTruthy();
  await thumb.click();
  await expect(panels(app)).toHaveCount(before.length + 2);
  await expect(app.locator(`[data-panel-id][data-layer="${layer}"]`).first()).toBeVisible();

  await fresh.locator('[data-testid="remove-panel"]').click();
  await expect(panels(app)).toHaveCount(before.length + 1);
  await expect(fresh).toHaveCount(0);
});

test('changing a colour map redraws the panel in that map', async ({ app }) => {
  const conv = app.locator('[data-panel-kind="conv"]').first();
  await freeze(app);
  const gray = await shoot(body(conv));
  expect(stats(gray).meanChroma, 'conv panels start in gray').toBeLessThan(12);

  await selectByText(conv.locator('[data-testid="colour-map"]'), /viridis/);
  await expect
    .poll(async () => fractionNearLut(await shoot(body(conv)), lut('viridis'), 24).fraction, { timeout: 15_000 })
    .toBeGreaterThan(0.6);
  const viridis = await shoot(body(conv));
  expect(stats(viridis).meanChroma).toBeGreaterThan(20);

  await selectByText(conv.locator('[data-testid="colour-map"]'), /magma/);
  await expect
    .poll(async () => fractionNearLut(await shoot(body(conv)), lut('magma'), 24).fraction, { timeout: 15_000 })
    .toBeGreaterThan(0.6);
  const magma = await shoot(body(conv));
  expect(fractionNearLut(magma, lut('viridis'), 12).fraction, 'magma is not viridis').toBeLessThan(0.5);
  await unfreeze(app);
});

test('hovering a feature map shows the layer, index and real value', async ({ app }) => {
  const conv = app.locator('[data-panel-kind="conv"]').first();
  const layer = (await conv.getAttribute('data-layer')) ?? '';
  const box = (await body(conv).boundingBox())!;
  const tip = app.locator('[data-testid="hover-value"]');
  // Try a few points: the centre of a tile, not the gap between tiles, must be under the pointer.
  let shown = false;
  for (const [fx, fy] of [[0.1, 0.1], [0.3, 0.3], [0.5, 0.5], [0.2, 0.6], [0.7, 0.2]]) {
    await app.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 4 });
    if (await tip.isVisible().catch(() => false)) {
      shown = true;
      break;
    }
    await app.waitForTimeout(300);
    if (await tip.isVisible().catch(() => false)) {
      shown = true;
      break;
    }
  }
  expect(shown, 'a hover tooltip appears over a feature map').toBe(true);
  const text = (await tip.textContent()) ?? '';
  expect(text).toContain(layer);
  expect(text).toMatch(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/i);
});

test('freezing holds the picture while the camera moves on', async ({ app }) => {
  const fc = app.locator('[data-panel-kind="fc"]').first();
  await freeze(app);
  await app.waitForTimeout(500);
  const held = (await status(app).textContent()) ?? '';
  const a = await shoot(body(fc));
  // The video moves to other digits every two seconds.
  await app.waitForTimeout(5000);
  expect((await status(app).textContent()) ?? '').toBe(held);
  const b = await shoot(body(fc));
  expect(difference(a, b), 'frozen FC grid unchanged').toBeLessThan(0.5);
  await saveArtifact(app, 'frozen');
  await unfreeze(app);
  await expect.poll(async () => (await status(app).textContent()) ?? '', { timeout: 30_000 }).not.toBe(held);
});

test('a layout survives a reload', async ({ app, server }) => {
  const conv = app.locator('[data-panel-kind="conv"]').first();
  const id = await conv.getAttribute('data-panel-id');
  const chosen = await selectByText(conv.locator('[data-testid="colour-map"]'), /magma/);
  const before = await panelIds(app);
  // The layout reaches the settings file (browser mode: the server's config folder).
  await expect
    .poll(async () => JSON.stringify((await server.settings()).layouts ?? {}), { timeout: 20_000 })
    .toContain('magma');
  await app.reload();
  await expect(status(app)).toHaveText(/%/, { timeout: 120_000 });
  await expect.poll(() => panelIds(app)).toEqual(before);
  await expect(app.locator(`[data-panel-id="${id}"] [data-testid="colour-map"]`)).toHaveValue(chosen);
});

test("the sorted view's hint takes its room from the panels, which still fit the window", async ({ app }) => {
  await app.locator('[data-testid="view-sorted"]').click();
  await app.locator('[data-panel-kind="sorted"] [data-testid="remove-panel"]').click();
  const hint = app.locator('main.workspace > p.hint');
  await expect(hint).toBeVisible();
  // Enough panels below the top row that the rows share the height rather than keep their largest.
  for (let i = 0; i < 4; i++) {
    await app.locator('[data-testid="add-panel"]').first().click();
    await app.locator('[data-testid="add-panel-confirm"]').click();
  }
  await expect(app.locator('[data-panel-kind="conv"]')).toHaveCount(4);
  const workspace = app.locator('main.workspace');
  await expect.poll(() => workspace.evaluate((el) => el.scrollHeight - el.clientHeight), { message: 'the workspace does not scroll' }).toBeLessThanOrEqual(1);
  const bottom = await workspace.evaluate((el) => el.getBoundingClientRect().bottom);
  const hintBottom = (await hint.boundingBox())!;
  for (const box of await panels(app).evaluateAll((els) => els.map((el) => ({ id: el.getAttribute('data-panel-id'), ...el.getBoundingClientRect().toJSON() })))) {
    expect(box.top, `panel ${box.id} starts below the hint`).toBeGreaterThanOrEqual(hintBottom.y + hintBottom.height);
    expect(box.bottom, `panel ${box.id} ends inside the workspace`).toBeLessThanOrEqual(bottom + 0.5);
  }
});

test('every panel has settings, at least its title', async ({ app }) => {
  const camera = app.locator('[data-panel-kind="camera"]');
  await camera.locator('[data-testid="panel-settings"]').click();
  const popover = camera.locator('[data-testid="panel-settings-popover"]');
  await popover.getByLabel('Title (empty = automatic)').fill('Desk camera');
  await popover.getByLabel('Title (empty = automatic)').press('Enter');
  await expect(camera.locator('[data-testid="panel-title"] .title-name')).toHaveText('Desk camera');
  // A press outside closes the settings.
  await app.locator('[data-testid="status-line"]').click();
  await expect(popover).toHaveCount(0);
});
