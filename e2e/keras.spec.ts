// Keras models open like any other: the gender classifier's .hdf5 (Keras 2) and a TF.js Layers
// model (model.json with its .bin shard) picked in the file dialog are converted by the engine, and
// their layers — named as in Keras — are drawn live from the camera.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from '@playwright/test';
import { writeTfjs } from '../src-main/importers/keras/testing/writers';
import { zooModel } from '../src-main/importers/keras/testing/zoo';
import { panel, status } from './support/app';
import { expect, test } from './support/fixtures';
import { artifactsDir, sharedData } from './support/paths';

const banner = (page: Page) => page.locator('[data-testid="error-banner"]');

async function openFiles(page: Page, paths: string[]): Promise<void> {
  await page.locator('input[type=file][data-testid="model-file"]').setInputFiles(
    paths.map((p) => ({ name: basename(p), mimeType: 'application/octet-stream', buffer: readFileSync(p) })),
  );
}

/** The Keras layer names the all-layers strip shows. */
const stripLayers = (page: Page) => page.locator('[data-testid="strip-thumb"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-layer')));

test('a Keras 2 .hdf5 opens, converted on load, and its layers are drawn live', async ({ app }) => {
  await openFiles(app, [join(sharedData, 'keras/gender_mini_XCEPTION.21-0.95.hdf5')]);
  await expect(banner(app)).toContainText('Opened gender_mini_XCEPTION.21-0.95.hdf5', { timeout: 120_000 });
  // The proposed manifest comes from the model: one channel, 64×64, two classes.
  await expect(panel(app, 'crop').locator('[data-testid="panel-title"]')).toContainText('64×64 gray');
  await expect(status(app)).toHaveText(/^[01] — \d+(\.\d)? %$/, { timeout: 60_000 });
  await expect.poll(() => stripLayers(app)).toEqual(expect.arrayContaining(['activation_1', 'add_1', 'conv2d_7']));
  // The strip shows maps as the next layer receives them: not the convolution its batch norm and activation follow.
  expect(await stripLayers(app)).not.toContain('conv2d_1');
  // The first default panel is the first convolution after its batch norm and activation.
  const conv = panel(app, 'conv').first();
  await expect(conv).toHaveAttribute('data-layer', 'activation_1');
  await app.screenshot({ path: join(artifactsDir, 'keras-gender.png') });
});

test('a TF.js Layers model (model.json + shard) opens with every Keras layer inspectable', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'convscope-e2e-tfjs-'));
  try {
    const { modelJson, shards } = writeTfjs(zooModel(), dir);
    await openFiles(app, [modelJson, ...shards]);
    await expect(banner(app)).toContainText(`Opened ${basename(modelJson)}`, { timeout: 120_000 });
    await expect(panel(app, 'crop').locator('[data-testid="panel-title"]')).toContainText('15×17 RGB');
    await expect(status(app)).toHaveText(/^[012] — \d+(\.\d)? %$/, { timeout: 60_000 });
    // Nested models' layers carry the outer name; fused activations are part of their layer. The
    // nested block's convolution is shown as its batch norm, the only layer it feeds.
    await expect.poll(() => stripLayers(app)).toEqual(expect.arrayContaining(['c1', 'sep', 'block/block_bn', 'up_bilinear']));
    expect(await stripLayers(app)).not.toContain('block/block_conv');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
