// The manifest proposed for a model opened from files is editable, and the edits are
// saved in the user's settings: a reload and reopening the same files apply them again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { labelOf, status, waitForLive } from './support/app';
import { expect, test } from './support/fixtures';
import { repoRoot } from './support/paths';

const NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const onnx = readFileSync(join(repoRoot, 'assets/models/mnist/mnist.onnx'));

async function openMnistFile(page: Page): Promise<void> {
  await page.locator('input[type=file][data-testid="model-file"]').setInputFiles({
    name: 'my-mnist.onnx',
    mimeType: 'application/octet-stream',
    buffer: onnx,
  });
}

/** Waits until the status names one of the edited labels. */
async function expectNamedLabels(page: Page): Promise<void> {
  await expect.poll(async () => labelOf((await status(page).textContent()) ?? ''), { timeout: 60_000 }).toMatch(new RegExp(`^(${NAMES.join('|')})$`));
}

test('edits to an opened model\'s manifest are applied, saved and applied again', async ({ app, server }) => {
  await openMnistFile(app);
  await expect(app.locator('[data-testid="manifest-edit"]')).toBeVisible({ timeout: 60_000 });
  await app.locator('[data-testid="manifest-edit"]').click();
  const dialog = app.locator('[data-testid="manifest-dialog"]');
  await expect(dialog).toBeVisible();
  // The proposal comes from the graph: one channel, 28×28.
  await app.locator('[data-testid="manifest-labels"]').fill(NAMES.join('\n'));
  await app.locator('[data-testid="manifest-digit"]').check();
  await app.locator('[data-testid="manifest-save"]').click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  await expectNamedLabels(app);

  const saved = (await server.settings()) as { manifests?: Record<string, { labels?: string[] }> };
  expect(saved.manifests?.['my-mnist.onnx']?.labels).toEqual(NAMES);

  // A reload restores the model with its edited manifest.
  await app.reload();
  await waitForLive(app);
  await expectNamedLabels(app);

  // Another model, then the same file opened again: the saved edits apply.
  await app.locator('[data-testid="model-select"]').selectOption('lenet');
  await expect.poll(async () => labelOf((await status(app).textContent()) ?? ''), { timeout: 60_000 }).toMatch(/^\d$/);
  await openMnistFile(app);
  await expectNamedLabels(app);
});
