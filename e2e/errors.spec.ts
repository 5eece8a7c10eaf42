// Bad input and crashes: a broken model file is reported and the running model carries on; a
// killed engine host is restarted with the last good model and the results come back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failsOnFrames } from '../src-main/engine/testing/fault-models';
import { status, waitForLive } from './support/app';
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

test('a killed engine host is restarted with one notice, and fresh results are back within 2 s', async ({ page, server }) => {
  // The page's socket, seen from outside: when each frame left and each result and notice arrived.
  const sentAt = new Map<number, number>();
  const results: { id: number; at: number }[] = [];
  const notices: { text: string; at: number }[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => {
      if (typeof f.payload !== 'string' && f.payload.length >= 8) sentAt.set(f.payload.readUInt32LE(4), Date.now());
    });
    ws.on('framereceived', (f) => {
      if (typeof f.payload !== 'string') {
        if (f.payload.length >= 8) results.push({ id: f.payload.readUInt32LE(4), at: Date.now() });
        return;
      }
      const m = JSON.parse(f.payload) as { event?: { type?: string } };
      if (m.event?.type === 'error' || m.event?.type === 'engineRestarted') notices.push({ text: f.payload, at: Date.now() });
    });
  });
  await page.goto(server.url);
  await waitForLive(page);
  const before = await server.engine();
  expect(before.pid).toBeGreaterThan(0);
  const killedAt = Date.now();
  process.kill(before.pid!, 'SIGKILL');
  await expect(banner(page)).toBeVisible({ timeout: 30_000 });
  await expect(banner(page)).toContainText(/restarted with/i);
  await saveArtifact(page, 'engine-restarted');
  // A fresh result answers a frame the page sent after the kill.
  const fresh = () => results.find((r) => (sentAt.get(r.id) ?? 0) > killedAt);
  await expect.poll(() => fresh() !== undefined, { timeout: 30_000 }).toBe(true);
  const restartMs = fresh()!.at - killedAt;
  console.log(`engine host killed: first fresh result after ${restartMs} ms; notices: ${notices.filter((n) => n.at >= killedAt).map((n) => n.text).join(' | ')}`);
  expect(restartMs).toBeLessThanOrEqual(2000);
  const after = await server.engine();
  expect(after.pid).not.toBe(before.pid);
  expect(after.restarts).toBe(1);
  // Results keep flowing, and the crash cost exactly one notice.
  await statusMovesOn(page, 30_000);
  await expect(status(page)).toHaveText(/\d+(?:[.,]\d+)?\s*%/);
  expect(notices.filter((n) => n.at >= killedAt)).toHaveLength(1);
});

test('a model that loads but fails on every frame is reported once and the previous model comes back', async ({ app }) => {
  const select = app.locator('[data-testid="model-select"]');
  const modelBefore = await select.inputValue();
  const dir = mkdtempSync(join(tmpdir(), 'convscope-e2e-fails-'));
  const model = failsOnFrames(dir) as { paths: string[] };
  await app.locator('input[type=file][data-testid="model-file"]').setInputFiles(model.paths[0]);
  await expect(banner(app)).toContainText(/fails-on-frames\.onnx loaded but fails on every frame \(Reshape node/i, { timeout: 60_000 });
  await saveArtifact(app, 'fails-on-frames');
  await expect(select).toHaveValue(modelBefore, { timeout: 30_000 });
  await statusMovesOn(app, 30_000);
  await expect(status(app)).toHaveText(/\d+(?:[.,]\d+)?\s*%/);
});
