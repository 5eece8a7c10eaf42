// The picture can come from the camera or from an image the user opens; switching between them
// changes what the network sees, and the camera comes back.
import { join } from 'node:path';
import { status, waitForLive } from './support/app';
import { expect, test } from './support/fixtures';
import { sharedData } from './support/paths';
import { saveArtifact } from './support/pixels';

test('an opened image replaces the camera until the camera is chosen again', async ({ app }) => {
  const stage = app.locator('[data-testid="camera-box"]');
  const title = app.locator('[data-panel-kind="camera"] [data-testid="panel-title"] .title-name');
  const line = app.locator('[data-testid="status-line"]');
  await expect(stage.locator('video')).toHaveCount(1);
  await expect(title).toHaveText('Camera');
  await expect(line).toContainText(/camera [\d.]+ fps/);
  await app.locator('[data-testid="image-file"]').setInputFiles(join(sharedData, 'images', 'kitten.jpg'));
  // A kitten holds no digit: LeNet's status says so, and the picture is the image, not the camera.
  await expect(status(app)).toHaveText('no digit in the crop', { timeout: 30_000 });
  await expect(stage.locator('img.camera-picture')).toHaveCount(1);
  await expect(stage.locator('video')).toHaveCount(0);
  // The panel and the status line name the source: an image is offered ten times a second.
  await expect(title).toHaveText('Image');
  await expect(line).toContainText(/image (9|10|11)\.\d fps/, { timeout: 10_000 });
  await expect(line).not.toContainText('camera');
  // The crop is cut from the 976×549 image: 60 % of its 549-pixel side (the camera's would be 288).
  await expect(app.locator('[data-scene-panel="crop"]')).toHaveAttribute('aria-label', /^image crop 329×329 px, sent as 112×112;/);
  await saveArtifact(app, 'image-source');

  await app.getByRole('button', { name: 'Camera', exact: true }).click();
  await waitForLive(app, 30_000);
  await expect(stage.locator('video')).toHaveCount(1);
  await expect(stage.locator('img.camera-picture')).toHaveCount(0);
  await expect(title).toHaveText('Camera');
  await expect(line).toContainText(/camera [\d.]+ fps/);
});

test('a picture source given up leaves the page, also without a camera panel', async ({ app }) => {
  // Without its panel the camera keeps playing, parked out of sight.
  await app.locator('[data-panel-kind="camera"] [data-testid="remove-panel"]').click();
  await expect(app.locator('#camera-parking video')).toHaveCount(1);
  await waitForLive(app, 30_000);
  // An image opened from the toolbar replaces it: the camera's video goes with it.
  await app.locator('[data-testid="model-file"]').setInputFiles(join(sharedData, 'images', 'kitten.jpg'));
  await expect(app.locator('[data-scene-panel="crop"]')).toHaveAttribute('aria-label', /^image crop 329×329 px/, { timeout: 30_000 });
  await expect(app.locator('video')).toHaveCount(0);
});
