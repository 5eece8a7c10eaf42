// Face mode end to end: the bundled gender model turns "follow face" on; the engine's face finder
// looks at every frame and the crop square follows the largest face. Each face video is written by
// the test (a photo on a plain frame, still or moving) and becomes the fake camera of a Chromium of
// its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page, type TestInfo } from '@playwright/test';
import { selectByText, status } from './support/app';
import { movingPhotoVideo, stillPhotoVideo, type Leg } from './support/face-video';
import { expect, test } from './support/fixtures';
import { chromiumPath, fakeCameraArgs, repoRoot, sharedData } from './support/paths';
import { saveArtifact } from './support/pixels';
import type { ServerHandle } from './support/server';

const faces = (file: string) => join(sharedData, 'faces', file);
const genderManifest = JSON.parse(readFileSync(join(repoRoot, 'assets/models/gender/manifest.json'), 'utf8')) as { crop: { margin: number } };

/** The app in a Chromium whose camera plays `video`, with the gender model loaded. */
async function withCamera(server: ServerHandle, video: string, testInfo: TestInfo, run: (page: Page) => Promise<void>): Promise<void> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: fakeCameraArgs(video) });
  const consoleLines: string[] = [];
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  try {
    await page.goto(server.url);
    await useGenderModel(page);
    await run(page);
  } catch (e) {
    // This page is not Playwright's own: collect what the built-in failure report would have.
    const line = await page.locator('[data-testid="status-line"]').textContent().catch(() => null);
    await testInfo.attach('page.png', { body: await page.screenshot().catch(() => Buffer.alloc(0)), contentType: 'image/png' });
    await testInfo.attach('browser-console.txt', { body: `status line: ${line}\n\n${consoleLines.join('\n')}`, contentType: 'text/plain' });
    throw e;
  } finally {
    await browser.close();
  }
}

async function useGenderModel(page: Page): Promise<void> {
  const select = page.locator('[data-testid="model-select"]');
  await expect(select.locator('option', { hasText: /gender/i })).toHaveCount(1, { timeout: 120_000 });
  await selectByText(select, /gender/);
  // The model's manifest turns face mode on.
  await expect(page.locator('[data-testid="camera-box"]')).toHaveAttribute('data-crop-mode', 'face', { timeout: 120_000 });
}

interface Sample {
  t: number;
  /** The crop square in camera pixels: x, y, side. */
  square: [number, number, number] | null;
  /** The faces drawn, in camera pixels: x, y, w, h. */
  faces: [number, number, number, number][];
}

/** What the camera box shows, every 40 ms for `ms`. */
function sampleCameraBox(page: Page, ms: number): Promise<Sample[]> {
  return page.evaluate(
    async ({ ms, w, h }) => {
      const out: Sample[] = [];
      const t0 = performance.now();
      while (performance.now() - t0 < ms) {
        const sq = document.querySelector('[data-testid="crop-square"]')?.getAttribute('data-crop-px');
        const faces = [...document.querySelectorAll('[data-testid="face-box"]')].map((e) => {
          const [x, y, bw, bh] = (e.getAttribute('data-box') ?? '').split(',').map(Number);
          return [x * w, y * h, bw * w, bh * h] as [number, number, number, number];
        });
        out.push({ t: performance.now() - t0, square: sq ? (sq.split(',').map(Number) as [number, number, number]) : null, faces });
        await new Promise((r) => setTimeout(r, 40));
      }
      return out;
    },
    { ms, w: 640, h: 480 },
  );
}

const near = (ax: number, ay: number, bx: number, by: number, tol: number) => Math.abs(ax - bx) <= tol && Math.abs(ay - by) <= tol;

test('the crop square follows a face moving across the picture', async ({ server }, testInfo) => {
  // obama_small.jpg (320×240) at 0.75: the face's centre, read off the photo by eye, is at about
  // (158, 112) of the photo, its box about 145 px wide.
  const scale = 0.75;
  const faceInPhoto = { x: 158 * scale, y: 112 * scale };
  const legs: Leg[] = [
    { to: { x: 30, y: 30, scale }, glideFrames: 10, holdFrames: 20 },
    { to: { x: 370, y: 60, scale }, glideFrames: 10, holdFrames: 20 },
    { to: { x: 200, y: 280, scale }, glideFrames: 10, holdFrames: 20 },
  ];
  const video = movingPhotoVideo(faces('obama_small.jpg'), 'face-moving-obama_small', legs);
  const places = legs.map((l) => ({ x: l.to.x + faceInPhoto.x, y: l.to.y + faceInPhoto.y }));

  await withCamera(server, video, testInfo, async (page) => {
    await expect(page.locator('[data-testid="face-box"]').first()).toBeVisible({ timeout: 60_000 });
    // The video loops every 9 s: 12 s sees the face arrive at every place at least once.
    const samples = await sampleCameraBox(page, 12_000);
    const tol = 30;
    const faceAt = (s: Sample, p: { x: number; y: number }) => s.faces.some(([x, y, w, h]) => near(x + w / 2, y + h / 2, p.x, p.y, tol));
    for (const [i, p] of places.entries()) {
      // The first result that found the face at this place after one that did not.
      const seen = samples.findIndex((s, k) => k > 0 && faceAt(s, p) && !faceAt(samples[k - 1], p));
      expect(seen, `a face arrived at place ${i + 1} (${p.x}, ${p.y})`).toBeGreaterThan(0);
      const followed = samples.findIndex((s, k) => k >= seen && s.square && near(s.square[0] + s.square[2] / 2, s.square[1] + s.square[2] / 2, p.x, p.y, tol));
      expect(followed, `the square reached place ${i + 1}`).toBeGreaterThanOrEqual(0);
      const lag = samples[followed].t - samples[seen].t;
      console.log(`place ${i + 1}: square centred ${Math.round(lag)} ms after the face was first found there`);
      // A few frames at 10 frames/s, plus one result's time.
      expect(lag).toBeLessThan(1500);
      // Its side is the manifest's margin around the face box.
      const s = samples[followed];
      const face = s.faces[0];
      expect(s.square![2] / Math.max(face[2], face[3])).toBeGreaterThan(genderManifest.crop.margin * 0.85);
      expect(s.square![2] / Math.max(face[2], face[3])).toBeLessThan(genderManifest.crop.margin * 1.15);
    }
    await expect(page.locator('[data-testid="status-line"]')).toContainText(/faces \d+(\.\d)? ms/);
    // The picture for people: taken while the square sits on the face, not while it travels.
    const settled = (x: Sample | undefined) =>
      !!x?.square && x.faces.length > 0 && near(x.square[0] + x.square[2] / 2, x.square[1] + x.square[2] / 2, x.faces[0][0] + x.faces[0][2] / 2, x.faces[0][1] + x.faces[0][3] / 2, 8);
    await expect.poll(async () => settled((await sampleCameraBox(page, 1))[0]), { timeout: 30_000, intervals: [100] }).toBe(true);
    await saveArtifact(page, 'faces-follow');

    // Dragging the square places it by hand: face mode ends and the square stays where it was put.
    const square = page.locator('[data-testid="crop-square"]');
    const box = (await square.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 10, { steps: 6 });
    await page.mouse.up();
    await expect(page.locator('[data-testid="camera-box"]')).toHaveAttribute('data-crop-mode', 'manual');
    await expect(page.locator('[data-testid="crop-mode-face"]')).toHaveAttribute('aria-pressed', 'false');
    const placed = await square.getAttribute('data-crop-px');
    const after = await sampleCameraBox(page, 2000);
    expect(new Set(after.map((s) => s.square?.join(',')))).toEqual(new Set([placed]));
    expect(after.every((s) => s.faces.length === 0)).toBe(true);
  });
});

const photos = [
  { file: 'obama_small.jpg', says: 'man' },
  { file: 'obama-240p.jpg', says: 'man' },
  { file: 'obama1.jpg', says: 'man' },
  { file: 'rose_leslie_img1.jpg', says: 'woman' },
];

for (const photo of photos) {
  test(`the gender model says "${photo.says}" for ${photo.file} in front of the camera`, async ({ server }, testInfo) => {
    const video = stillPhotoVideo(faces(photo.file));
    await withCamera(server, video, testInfo, async (page) => {
      const reads = new RegExp(`^${photo.says} — \\d+(\\.\\d)? %$`);
      await expect(status(page)).toHaveText(reads, { timeout: 120_000 });
      // Steady: frame after frame, with the square on the face.
      await page.waitForTimeout(2000);
      await expect(status(page)).toHaveText(reads);
      await expect(page.locator('[data-testid="face-box"]')).toHaveCount(1);
      await expect(page.locator('.face-score')).toHaveText(/^face (0\.9\d|1\.00)$/);
      console.log(`${photo.file}: ${await status(page).textContent()}`);
      await saveArtifact(page, `faces-gender-${photo.file.replace(/\W/g, '_')}`);
    });
  });
}

test('without a face in the picture the square stays and the camera box says "no face"', async ({ app }) => {
  // The default camera plays handwritten digits: no face anywhere.
  const square = app.locator('[data-testid="crop-square"]');
  const before = await square.getAttribute('data-crop-px');
  await useGenderModel(app);
  await expect(app.locator('[data-testid="face-status"]')).toHaveText('no face', { timeout: 60_000 });
  const samples = await sampleCameraBox(app, 3000);
  expect(new Set(samples.map((s) => s.square?.join(',')))).toEqual(new Set([before]));
  expect(samples.every((s) => s.faces.length === 0)).toBe(true);
  await expect(app.locator('[data-testid="face-status"]')).toHaveText('no face');
  // The status does not name a class for a crop that holds no face.
  await expect(app.locator('[data-testid="top1"]')).toHaveText('no face in the picture');
  await saveArtifact(app, 'faces-no-face');

  // Face mode was the gender model's doing: a digit model puts the square back in the user's hands.
  await selectByText(app.locator('[data-testid="model-select"]'), /lenet/);
  await expect(app.locator('[data-testid="camera-box"]')).toHaveAttribute('data-crop-mode', 'manual', { timeout: 60_000 });
  await expect(app.locator('[data-testid="face-status"]')).toHaveCount(0);
  // The user can still turn it on for any model.
  await app.locator('[data-testid="crop-mode-face"]').click();
  await expect(app.locator('[data-testid="camera-box"]')).toHaveAttribute('data-crop-mode', 'face');
  await expect(app.locator('[data-testid="face-status"]')).toHaveText('no face', { timeout: 30_000 });
});

test('the face switch and its settings fit a 1024×640 window and the settings are kept', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 640 });
  const switchButton = app.locator('[data-testid="crop-mode-face"]');
  await expect(switchButton).toBeVisible();
  await app.locator('[data-testid="face-settings-button"]').click();
  const popover = app.locator('[data-testid="face-settings"]');
  await expect(popover).toBeVisible();
  const box = (await popover.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(640);
  expect(box.x + box.width).toBeLessThanOrEqual(1024);
  // LeNet names no margin: the user's own is used and can be changed.
  await expect(app.locator('[data-testid="face-margin"]')).toBeEnabled();
  await app.locator('[data-testid="face-margin"]').fill('1.4');
  await app.locator('[data-testid="face-smoothing"]').fill('0.2');
  await app.locator('[data-testid="face-min"]').fill('20');
  // Out of range: the field shows the value in use again.
  await app.locator('[data-testid="face-threshold-2"]').fill('3');
  await app.locator('[data-testid="face-threshold-1"]').focus();
  await expect(app.locator('[data-testid="face-threshold-2"]')).toHaveValue('0.7');
  await saveArtifact(app, 'faces-settings-1024x640');
  // A press elsewhere closes the settings.
  await app.locator('[data-testid="status-line"]').click();
  await expect(popover).toHaveCount(0);

  await app.reload();
  await expect(app.locator('[data-testid="crop-mode-face"]')).toBeVisible({ timeout: 60_000 });
  await app.locator('[data-testid="face-settings-button"]').click();
  await expect(app.locator('[data-testid="face-margin"]')).toHaveValue('1.4');
  await expect(app.locator('[data-testid="face-smoothing"]')).toHaveValue('0.2');
  await expect(app.locator('[data-testid="face-min"]')).toHaveValue('20');
  // The gender model's manifest sets the margin: shown, not editable.
  await app.locator('[data-testid="status-line"]').click();
  await useGenderModel(app);
  await app.locator('[data-testid="face-settings-button"]').click();
  await expect(app.locator('[data-testid="face-margin"]')).toBeDisabled();
  await expect(app.locator('[data-testid="face-margin"]')).toHaveValue(String(genderManifest.crop.margin));
});
