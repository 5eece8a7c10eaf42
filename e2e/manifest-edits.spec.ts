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

/** The manifest the server keeps for the opened file. */
async function savedManifest(server: { settings(): Promise<Record<string, unknown>> }) {
  const saved = (await server.settings()) as { manifests?: Record<string, { labels?: string[]; crop?: unknown; output?: { kind?: string } }> };
  return saved.manifests?.['my-mnist.onnx'];
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

  // The page saves the edited manifest with its settings after the reload answers: poll for it.
  await expect.poll(async () => (await savedManifest(server))?.labels, { timeout: 10_000 }).toEqual(NAMES);

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

test('the manifest dialog sets how the crop is placed and what the classes are', async ({ app, server }) => {
  await openMnistFile(app);
  await expect(app.locator('[data-testid="manifest-edit"]')).toBeVisible({ timeout: 60_000 });
  await expect(app.locator('[data-testid="crop-mode-face"]')).toHaveAttribute('aria-pressed', 'false');
  await app.locator('[data-testid="manifest-edit"]').click();
  const dialog = app.locator('[data-testid="manifest-dialog"]');
  // Labels that are not ages cannot be declared ages.
  await app.locator('[data-testid="manifest-kind"]').selectOption('age');
  await app.locator('[data-testid="manifest-save"]').click();
  await expect(dialog.getByRole('alert')).toContainText('is not an age or an age range');
  await app.locator('[data-testid="manifest-kind"]').selectOption('classes');
  await app.locator('[data-testid="manifest-crop"]').selectOption('face');
  await app.locator('[data-testid="manifest-margin"]').fill('1.8');
  await app.locator('[data-testid="manifest-save"]').click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  // The reloaded model switches the crop to follow the face, and the edit is saved with the file's manifest.
  await expect(app.locator('[data-testid="crop-mode-face"]')).toHaveAttribute('aria-pressed', 'true', { timeout: 60_000 });
  await expect(app.locator('[data-testid="face-status"]')).toContainText(/no face|looking for faces/);
  await expect.poll(async () => (await savedManifest(server))?.crop, { timeout: 10_000 }).toEqual({ mode: 'face', margin: 1.8 });
  expect((await savedManifest(server))?.output?.kind).toBe('classes');
});
