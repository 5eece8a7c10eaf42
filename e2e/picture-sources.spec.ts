// The picture can come from the camera or from an image the user opens; switching between them
// changes what the network sees, and the camera comes back.
import { join } from 'node:path';
import { status, waitForLive } from './support/app';
import { expect, test } from './support/fixtures';
import { sharedData } from './support/paths';
import { saveArtifact } from './support/pixels';

test('an opened image replaces the camera until the camera is chosen again', async ({ app }) => {
  const stage = app.locator('[data-testid="camera-box"]');
  await expect(stage.locator('video')).toHaveCount(1);
  await app.locator('[data-testid="image-file"]').setInputFiles(join(sharedData, 'images', 'kitten.jpg'));
  // A kitten holds no digit: LeNet's status says so, and the picture is the image, not the camera.
  await expect(status(app)).toHaveText('no digit in the crop', { timeout: 30_000 });
  await expect(stage.locator('img.camera-picture')).toHaveCount(1);
  await expect(stage.locator('video')).toHaveCount(0);
  await expect(app.locator('[data-scene-panel="crop"]')).toHaveAttribute('aria-label', /camera crop \d+×\d+ px/);
  await saveArtifact(app, 'image-source');

  await app.getByRole('button', { name: 'Camera', exact: true }).click();
  await waitForLive(app, 30_000);
  await expect(stage.locator('video')).toHaveCount(1);
  await expect(stage.locator('img.camera-picture')).toHaveCount(0);
});
