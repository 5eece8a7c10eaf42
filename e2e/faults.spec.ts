// Faults the window must survive without a reload: a camera that is refused, absent or unplugged
// mid-stream gets a clear message and a "Try again" button that reopens it; a dropped WebSocket to
// the browser-mode server reconnects on its own and the engine's results (probabilities and the
// subscribed feature maps) come back on the new connection.
import { chromium, type Browser, type Page } from '@playwright/test';
import { panelBody, status, waitForLive } from './support/app';
import { expect, test } from './support/fixtures';
import { chromiumArgs, chromiumPath, digitsVideo } from './support/paths';
import { difference, saveArtifact, shoot } from './support/pixels';

const cameraError = (page: Page) => page.locator('[data-testid="camera-error"]');
const tryAgain = (page: Page) => page.locator('[data-testid="camera-try-again"]');
const notices = (page: Page) => page.locator('[data-testid="error-banner"]');

/** Chromium's flags for this test: the usual ones without `drop`, plus `add`. */
function launch(drop: string[], add: string[]): Promise<Browser> {
  const args = chromiumArgs.filter((a) => !drop.includes(a));
  return chromium.launch({ executablePath: chromiumPath, args: [...args, ...add] });
}

/** Waits until the status text differs from what it is now (the video shows a new digit every 2 s). */
async function statusMovesOn(page: Page, timeout: number): Promise<void> {
  const text = (await status(page).textContent()) ?? '';
  await expect.poll(async () => (await status(page).textContent()) ?? '', { timeout }).not.toBe(text);
}

test('camera permission denied: a message, and "Try again" opens the camera once it is allowed', async ({ server }) => {
  // A fake camera exists, but the permission prompt is answered "no".
  const browser = await launch(['--use-fake-ui-for-media-stream'], [`--use-file-for-fake-video-capture=${digitsVideo}`, '--deny-permission-prompts']);
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await expect(cameraError(page)).toBeVisible({ timeout: 60_000 });
    await expect(cameraError(page)).toContainText(/Camera access was denied/);
    await expect(tryAgain(page)).toBeVisible();
    await saveArtifact(page, 'camera-denied');
    await context.grantPermissions(['camera'], { origin: server.origin });
    await tryAgain(page).click();
    await expect(cameraError(page)).toBeHidden({ timeout: 30_000 });
    await waitForLive(page);
  } finally {
    await browser.close();
  }
});

test('no camera: a message saying so, and "Try again" asks again', async ({ server }) => {
  // No fake device: Chromium sees the machine's cameras, of which a test machine has none.
  const browser = await launch(['--use-fake-device-for-media-stream'], []);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
    let asked = 0;
    await page.exposeFunction('__convscopeCameraAsked', () => asked++);
    await page.addInitScript(() => {
      const md = navigator.mediaDevices;
      const getUserMedia = md.getUserMedia.bind(md);
      md.getUserMedia = (c) => {
        (window as unknown as { __convscopeCameraAsked: () => void }).__convscopeCameraAsked();
        return getUserMedia(c);
      };
    });
    await page.goto(server.url);
    await expect(cameraError(page)).toBeVisible({ timeout: 60_000 });
    await expect(cameraError(page)).toContainText(/No camera was found/);
    await saveArtifact(page, 'camera-absent');
    const before = asked;
    expect(before).toBeGreaterThan(0);
    await tryAgain(page).click();
    await expect.poll(() => asked, { timeout: 15_000 }).toBeGreaterThan(before);
    await expect(cameraError(page)).toContainText(/No camera was found/);
  } finally {
    await browser.close();
  }
});

test('a camera that stops mid-stream shows a message, and "Try again" brings the picture back', async ({ app }) => {
  await app.evaluate(() => {
    const video = document.querySelector('[data-testid="camera-video"]') as HTMLVideoElement;
    (video.srcObject as MediaStream).getVideoTracks()[0].stop();
  });
  await expect(cameraError(app)).toBeVisible({ timeout: 10_000 });
  await expect(cameraError(app)).toContainText(/camera stopped sending pictures/);
  await saveArtifact(app, 'camera-lost');
  await tryAgain(app).click();
  await expect(cameraError(app)).toBeHidden({ timeout: 30_000 });
  await expect(app.locator('[data-testid="camera-video"]')).toBeVisible();
  await statusMovesOn(app, 30_000);
  await statusMovesOn(app, 30_000);
});

test('a dropped engine WebSocket reconnects and resubscribes without a reload', async ({ page, server }) => {
  // The page keeps its engine socket on a worker thread (src-renderer/src/host/socket-thread.ts).
  // A wrapper around the page's Worker notes each socket the page opens and the requests (text
  // messages) it sends on it; the server's debug request then drops the sockets from its side, as a
  // network drop would.
  await page.addInitScript(() => {
    const sockets: { requests: string[] }[] = [];
    (window as unknown as { __sockets: typeof sockets }).__sockets = sockets;
    const Native = window.Worker;
    window.Worker = class extends Native {
      override postMessage(msg: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
        const m = msg as { type?: string; text?: string };
        if (m?.type === 'open') sockets.push({ requests: [] });
        if (m?.type === 'text' && m.text) sockets[sockets.length - 1]?.requests.push((JSON.parse(m.text) as { type: string }).type);
        super.postMessage(msg, transfer as Transferable[]);
      }
    };
  });
  const sockets = () => page.evaluate(() => (window as unknown as { __sockets: { requests: string[] }[] }).__sockets);
  await page.goto(server.url);
  await waitForLive(page);
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  expect(await sockets()).toHaveLength(1);
  const conv = panelBody(page, 'conv');
  const convBefore = await shoot(conv);

  const dropped = await page.evaluate(async (token) => {
    const r = await fetch('/api/debug/drop-sockets', { method: 'POST', headers: { 'x-convscope-token': token } });
    return ((await r.json()) as { dropped: number }).dropped;
  }, server.token);
  expect(dropped).toBe(1);
  await expect(notices(page)).toContainText('Reconnected to the engine.', { timeout: 30_000 });
  expect((await sockets()).length).toBeGreaterThanOrEqual(2);
  // The page told the engine again which layers it shows.
  await expect.poll(async () => (await sockets()).at(-1)?.requests).toContain('subscribe');
  await saveArtifact(page, 'websocket-reconnected');
  // Same document (no reload), results flowing again, feature maps redrawn from the new connection.
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await statusMovesOn(page, 30_000);
  await statusMovesOn(page, 30_000);
  await expect.poll(async () => difference(convBefore, await shoot(conv)), { timeout: 30_000 }).toBeGreaterThan(0.5);
  expect(server.process.exitCode).toBeNull();
});
