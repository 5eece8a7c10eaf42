// The user can force the CPU execution provider, and choose the drawing resolution (by default half
// where software draws the window); each choice is applied at once, shown, saved in the settings and
// still in force after a reload.
import { panelBody, sampleStatus, waitForLive } from './support/app';
import { difference, saveArtifact, shoot, stats } from './support/pixels';
import { expect, test } from './support/fixtures';

test('"Force CPU" is applied, shown, saved and restored', async ({ app, server }) => {
  await app.locator('[data-testid="engine-menu"]').click();
  const provider = app.locator('[data-testid="engine-provider"]');
  // No GPU provider exists on the test machine: the engine reports the CPU provider by name.
  await expect(provider).toHaveText('cpu');
  const box = app.locator('[data-testid="force-cpu"]');
  await expect(box).not.toBeChecked();
  await box.check();

  await expect.poll(async () => (await server.settings()).engine, { timeout: 15_000 }).toEqual({ forceCpu: true });
  await expect(app.locator('[data-testid="status-line"]')).toContainText('provider cpu');
  // The model was reloaded on the chosen provider and results keep coming.
  const texts = new Set((await sampleStatus(app, 4000, 200)).map((s) => s.text));
  expect(texts.size, 'the status keeps changing with the camera after the switch').toBeGreaterThan(1);
  expect((await server.engine()).restarts, 'switching providers does not crash the engine').toBe(0);

  await app.reload();
  await waitForLive(app);
  await app.locator('[data-testid="engine-menu"]').click();
  await expect(app.locator('[data-testid="force-cpu"]')).toBeChecked();
});

test('the drawing resolution is automatic (half where software draws), can be chosen, and is saved and restored', async ({ app, server }) => {
  const canvas = app.locator('[data-testid="scene-canvas"]');
  // Canvas pixels per CSS pixel (the test window's device pixel ratio is 1).
  const density = () => canvas.evaluate((c: HTMLCanvasElement) => c.width / c.getBoundingClientRect().width);
  // How the compositor enlarges the canvas to the screen: in blocks below full resolution.
  const enlarging = () => canvas.evaluate((c: HTMLCanvasElement) => getComputedStyle(c).imageRendering);
  // What draws the panels, as the WebGL renderer string has it (SwiftShader on the test machine).
  const name = await app.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2')!;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  });
  const software = /swiftshader|llvmpipe|softpipe/i.test(name);
  const automatic = software ? 0.5 : 1;
  await expect.poll(density, 'by default, half resolution exactly where software draws').toBeCloseTo(automatic, 1);

  await app.locator('[data-testid="engine-menu"]').click();
  const device = app.locator('[data-testid="draw-device"]');
  await expect(device).toHaveAttribute('title', name);
  await expect(device).toHaveText(software ? 'software (no GPU acceleration)' : 'the GPU');
  const scale = app.locator('[data-testid="draw-scale"]');
  await expect(scale).toHaveText(software ? 'half resolution' : 'full resolution');
  const select = app.locator('[data-testid="draw-resolution"]');
  await expect(select).toHaveValue('auto');
  await saveArtifact(app, 'engine-menu');

  await select.selectOption('half');
  await expect.poll(density).toBeCloseTo(0.5, 1);
  await expect.poll(enlarging, 'half-resolution pixels are enlarged as blocks, not smoothed').toBe('pixelated');
  await expect(scale).toHaveText('half resolution');
  await expect.poll(async () => (await server.settings()).display, { timeout: 15_000 }).toEqual({ resolution: 'half' });
  await app.locator('[data-testid="engine-menu"]').click();
  await expect(select).toBeHidden();
  // Still drawn, and still live: the conv grid shows maps (not an empty panel) that change with the camera.
  const grid = panelBody(app, 'conv').first();
  const first = await shoot(grid);
  expect(stats(first).foreground, 'the conv grid is drawn at half resolution').toBeGreaterThan(0.05);
  await expect.poll(async () => difference(first, await shoot(grid)), { timeout: 10_000 }).toBeGreaterThan(0);
  await saveArtifact(app, 'half-resolution');

  await app.locator('[data-testid="engine-menu"]').click();
  await select.selectOption('full');
  await expect.poll(density).toBeCloseTo(1, 1);
  await expect.poll(enlarging, 'at full resolution nothing is enlarged').toBe('auto');
  await expect(scale).toHaveText('full resolution');
  await expect.poll(async () => (await server.settings()).display, { timeout: 15_000 }).toEqual({ resolution: 'full' });

  await app.reload();
  await waitForLive(app);
  await expect.poll(density, 'the choice is restored after a reload').toBeCloseTo(1, 1);
  await app.locator('[data-testid="engine-menu"]').click();
  await expect(select).toHaveValue('full');
  await select.selectOption('auto');
  await expect.poll(density).toBeCloseTo(automatic, 1);
  await expect.poll(async () => (await server.settings()).display, { timeout: 15_000 }).toEqual({ resolution: 'auto' });
});
