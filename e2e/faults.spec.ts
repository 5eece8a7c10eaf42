// Faults the window must survive without a reload: a camera that is refused, absent or unplugged
// mid-stream gets a clear message and a "Try again" button that reopens it; a dropped WebSocket to
// the browser-mode server reconnects on its own and the engine's results (probabilities and the
// subscribed feature maps) come back on the new connection.
import { chromium, type Browser, type Page, type WebSocketRoute } from '@playwright/test';
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
  // Every socket the page opens goes through a route to the real server, so a test can close the
  // server's side of it, as a network drop or a server-side close would.
  // The requests (text messages) the page sends on each socket are noted on the way.
  const sockets: { page: WebSocketRoute; server: WebSocketRoute; requests: string[] }[] = [];
  await page.routeWebSocket(/\/engine\b/, (ws) => {
    const socket = { page: ws, server: ws.connectToServer(), requests: [] as string[] };
    ws.onMessage((m) => {
      if (typeof m === 'string') socket.requests.push((JSON.parse(m) as { type: string }).type);
      socket.server.send(m);
    });
    sockets.push(socket);
  });
  await page.goto(server.url);
  await waitForLive(page);
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  expect(sockets).toHaveLength(1);
  const conv = panelBody(page, 'conv');
  const convBefore = await shoot(conv);

  // The server's end goes first; the page then sees its socket closed by the other side.
  await sockets[0].server.close({ code: 1011, reason: 'dropped by the test' });
  await sockets[0].page.close({ code: 1011, reason: 'dropped by the test' });
  await expect(notices(page)).toContainText('Reconnected to the engine.', { timeout: 30_000 });
  expect(sockets.length).toBeGreaterThanOrEqual(2);
  // The page told the engine again which layers it shows.
  await expect.poll(() => sockets[sockets.length - 1].requests).toContain('subscribe');
  await saveArtifact(page, 'websocket-reconnected');
  // Same document (no reload), results flowing again, feature maps redrawn from the new connection.
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await statusMovesOn(page, 30_000);
  await statusMovesOn(page, 30_000);
  await expect.poll(async () => difference(convBefore, await shoot(conv)), { timeout: 30_000 }).toBeGreaterThan(0.5);
  expect(server.process.exitCode).toBeNull();
});
