// The user can force the CPU execution provider; the choice is applied at once, shown,
// saved in the settings and still in force after a reload.
import { sampleStatus, waitForLive } from './support/app';
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
