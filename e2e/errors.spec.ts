// Bad input and crashes: a broken model file is reported and the running model carries on; a
// killed engine host is restarted with the last good model and the results come back.
import { status } from './support/app';
import { expect, test } from './support/fixtures';
import { saveArtifact } from './support/pixels';

const banner = (page: import('@playwright/test').Page) => page.locator('[data-testid="error-banner"]');

/** Waits until the status text differs from `text` (the video moves to a new digit every 2 s). */
async function statusMovesOn(page: import('@playwright/test').Page, timeout: number): Promise<void> {
  const text = (await status(page).textContent()) ?? '';
  await expect.poll(async () => (await status(page).textContent()) ?? '', { timeout }).not.toBe(text);
}

test('a broken model file shows an error and the previous model keeps running', async ({ app }) => {
  const select = app.locator('[data-testid="model-select"]');
  const modelBefore = await select.inputValue();
  await app.locator('input[type=file][data-testid="model-file"]').setInputFiles({
    name: 'broken.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from('this is not an ONNX model, just text pretending to be one'),
  });
  await expect(banner(app)).toBeVisible({ timeout: 60_000 });
  await expect(banner(app)).toContainText('broken.onnx');
  await saveArtifact(app, 'broken-model');
  await expect(select).toHaveValue(modelBefore);
  await statusMovesOn(app, 30_000);
  await statusMovesOn(app, 30_000);
});

test('a broken Caffe pair dropped onto the window is reported by file and line', async ({ app }) => {
  const select = app.locator('[data-testid="model-select"]');
  const modelBefore = await select.inputValue();
  // A deploy prototxt whose last layer block is never closed, and a weights file that is not protobuf.
  const prototxt = 'name: "Broken"\ninput: "data"\ninput_dim: 1\nlayer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"\n';
  const drop = await app.evaluateHandle(
    ({ prototxt }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([prototxt], 'broken_deploy.prototxt', { type: 'text/plain' }));
      dt.items.add(new File([new Uint8Array([0xff, 0xff, 0xff, 0x07, 0x01])], 'broken.caffemodel'));
      return dt;
    },
    { prototxt },
  );
  const body = app.locator('body');
  await body.dispatchEvent('dragenter', { dataTransfer: drop });
  await body.dispatchEvent('dragover', { dataTransfer: drop });
  await body.dispatchEvent('drop', { dataTransfer: drop });
  await expect(banner(app)).toBeVisible({ timeout: 60_000 });
  await expect(banner(app)).toContainText(/broken(_deploy\.prototxt|\.caffemodel)/);
  await expect(banner(app)).toContainText(/line \d+|:\d+|offset|truncated|unexpected|expected/i);
  console.log(`dropped Caffe pair: ${await banner(app).textContent()}`);
  await saveArtifact(app, 'broken-caffe-dropped');
  await expect(select).toHaveValue(modelBefore);
  await statusMovesOn(app, 30_000);
});

test('a killed engine host is restarted, with a notice, and results resume', async ({ app, server }) => {
  const before = await server.engine();
  expect(before.pid).toBeGreaterThan(0);
  process.kill(before.pid!, 'SIGKILL');
  await expect(banner(app)).toBeVisible({ timeout: 30_000 });
  await expect(banner(app)).toContainText(/restart/i);
  await saveArtifact(app, 'engine-restarted');
  await expect.poll(async () => (await server.engine()).restarts, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  const after = await server.engine();
  expect(after.pid).not.toBe(before.pid);
  // Results flow again: the status follows the video to new digits.
  await statusMovesOn(app, 60_000);
  await statusMovesOn(app, 30_000);
  await expect(status(app)).toHaveText(/\d+(?:[.,]\d+)?\s*%/);
});
