// The fake camera shows MNIST test digits written on paper; the app must
// name them, draw every panel, and follow the crop square when it is dragged.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { digitOf, labelOf, panel, sampleStatus, status, waitForSteadyDigit } from './support/app';
import { expect, test } from './support/fixtures';
import { lut } from './support/colours';
import { firstOfEachClass, loadMnistTest } from './support/mnist';
import { repoRoot } from './support/paths';
import { fractionNearLut, saveArtifact, shoot, stats } from './support/pixels';
import { DIGIT_VIDEO } from './support/scene';

/** The digits in the order the video shows them (one test image of each class). */
const expected = firstOfEachClass(loadMnistTest()).map((p) => p.label);
const loopMs = (expected.length * DIGIT_VIDEO.framesPerDigit * 1000) / DIGIT_VIDEO.fps;

/**
 * Runs of one status label held for at least 3 samples and 400 ms, in order, with consecutive
 * repeats merged: the sequence of digits the app settled on.
 */
function settledSequence(samples: { t: number; text: string }[]): number[] {
  const runs: { digit: number | null; start: number; end: number; count: number }[] = [];
  for (const s of samples) {
    const d = digitOf(s.text);
    const last = runs[runs.length - 1];
    if (last && last.digit === d) {
      last.end = s.t;
      last.count++;
    } else runs.push({ digit: d, start: s.t, end: s.t, count: 1 });
  }
  const seq: number[] = [];
  for (const r of runs) {
    if (r.digit === null || r.count < 3 || r.end - r.start < 400) continue;
    if (seq[seq.length - 1] !== r.digit) seq.push(r.digit);
  }
  return seq;
}

test('the status names the digit in front of the camera for at least 9 of 10 digits', async ({ app }, testInfo) => {
  // Sample for a little over two loops of the video (longer if the fake camera runs slow).
  const samples: { t: number; text: string }[] = [];
  const deadline = Date.now() + Math.max(3.5 * loopMs, 90_000);
  while (Date.now() < deadline) {
    samples.push(...(await sampleStatus(app, 5_000)).map((s) => ({ t: s.t + (samples.at(-1)?.t ?? 0) + 1, text: s.text })));
    if (settledSequence(samples).length >= 2 * expected.length + 2) break;
  }
  const seq = settledSequence(samples);
  // A digit counts as named when its label was settled on right before or after one of the
  // digits the video shows next to it: a digit shown as something else leaves no such pair.
  const named = expected.filter((d, i) => {
    const prev = expected[(i + expected.length - 1) % expected.length];
    const next = expected[(i + 1) % expected.length];
    return seq.some((s, j) => s === d && (seq[j - 1] === prev || seq[j + 1] === next));
  });
  const report = `video order ${expected.join(' ')}\nsettled     ${seq.join(' ')}\nnamed ${named.length}/10: ${named.join(' ')}`;
  console.log(report);
  await testInfo.attach('recognition.txt', { body: `${report}\n\n${samples.map((s) => `${s.t}\t${s.text}`).join('\n')}`, contentType: 'text/plain' });
  expect(named.length, report).toBeGreaterThanOrEqual(9);
});

test('bars, conv grids and FC grid are drawn, and the status line reports the pipeline', async ({ app }) => {
  await expect(panel(app, 'probs')).toHaveCount(1);
  expect(await panel(app, 'conv').count()).toBeGreaterThanOrEqual(2);
  expect(await panel(app, 'fc').count()).toBeGreaterThanOrEqual(1);
  // The screenshot of record for this run, taken while one digit has been held for a moment (so
  // the camera box, the crop and the panels all show it), before any element screenshot scrolls
  // the page. With CONVSCOPE_UPDATE_SCREENSHOT=1 it also becomes the README's screenshot.
  await waitForSteadyDigit(app);
  await saveArtifact(app, 'live-digits');
  if (process.env.CONVSCOPE_UPDATE_SCREENSHOT === '1') {
    // The README shows the window as a GPU draws it: at full resolution (software WebGL, as here,
    // draws at half by default).
    await app.locator('[data-testid="engine-menu"]').click();
    await app.locator('[data-testid="draw-resolution"]').selectOption('full');
    await app.locator('[data-testid="engine-menu"]').click();
    await waitForSteadyDigit(app);
    const file = await saveArtifact(app, 'readme-screenshot');
    mkdirSync(join(repoRoot, 'docs'), { recursive: true });
    copyFileSync(file, join(repoRoot, 'docs', 'screenshot.png'));
  }

  const bars = stats(await shoot(panel(app, 'probs').locator('[data-testid="panel-body"]').first()));
  expect(bars.foreground, `bars ${JSON.stringify(bars)}`).toBeGreaterThan(0.01);
  expect(bars.lumaStd).toBeGreaterThan(8);
  const convPanels = panel(app, 'conv');
  for (let i = 0; i < 2; i++) {
    const body = convPanels.nth(i).locator('[data-testid="panel-body"]').first();
    const s = stats(await shoot(body));
    // Feature maps differ from tile to tile and pixel to pixel; grayscale by default.
    expect(s.lumaStd, `conv panel ${i} ${JSON.stringify(s)}`).toBeGreaterThan(8);
    expect(s.colours, `conv panel ${i}`).toBeGreaterThan(16);
    expect(s.meanChroma, `conv panel ${i} is grayscale by default`).toBeLessThan(12);
  }
  const fcImg = await shoot(panel(app, 'fc').first().locator('[data-testid="panel-body"]').first());
  const fc = stats(fcImg);
  expect(fc.lumaStd, `fc ${JSON.stringify(fc)}`).toBeGreaterThan(8);
  // Viridis by default: the neuron cells are viridis colours.
  const near = fractionNearLut(fcImg, lut('viridis'), 24);
  expect(near.counted).toBeGreaterThan(100);
  expect(near.fraction, `fc cells near viridis ${JSON.stringify(near)}`).toBeGreaterThan(0.6);

  const line = (await app.locator('[data-testid="status-line"]').textContent()) ?? '';
  expect(line).toMatch(/fps/i);
  expect(line).toMatch(/\d+(?:\.\d+)?\s*ms/);
  expect(line).toMatch(/cpu|cuda|dml|coreml|tensorrt/i);

  console.log(`status: ${labelOf((await status(app).textContent()) ?? '')}; ${line}`);

  // Every drawn frame is traced through the page, the server and the engine: all stages are there,
  // each a duration, and together they make up the page-to-screen time.
  // Frames reach the page as they are captured; their capture time is known on the page's clock once
  // the first frames have been paired with the video element's (src-renderer/src/sources/camera/frame-stream.ts).
  await expect
    .poll(() => app.evaluate(() => window.__convscopeFrameStages?.at(-1)?.captureMs ?? null), { timeout: 10_000, message: 'the capture time of the newest frame' })
    .toEqual(expect.any(Number));
  const traced = await app.evaluate(() => window.__convscopeFrameStages?.slice(-20) ?? []);
  // The page's and the engine's clocks differ; the page estimates by how much, to within `bound`.
  const clock = await app.evaluate(() => window.__convscopeClockOffset?.() ?? null);
  expect(clock).not.toBeNull();
  // After a few seconds of frames the page knows the engine's clock to within a few ms (half the
  // fastest round trip: send ≈ 1 ms and back ≈ 1.5 ms here).
  expect(clock!.bound, JSON.stringify(clock)).toBeLessThan(15);
  expect(traced.length).toBeGreaterThan(5);
  for (const s of traced) {
    // The camera's frames reach the page as they are captured (src-renderer/src/sources/camera/frame-stream.ts)
    // and the crop is cut from the frame narrowed to it (src-renderer/src/sources/video-cut.ts).
    expect(s.cutFrom, JSON.stringify(s)).toBe('camera frame');
    expect(s.clockBoundMs, JSON.stringify(s)).toEqual(expect.any(Number));
    for (const k of ['heldMs', 'readbackMs', 'sendMs', 'queueMs', 'preprocessMs', 'inferenceMs', 'encodeMs', 'backMs', 'mainWaitMs', 'decodeMs', 'frameWaitMs', 'drawMs'] as const) {
      expect(s[k], `${k} of ${JSON.stringify(s)}`).toEqual(expect.any(Number));
      // The ways there and back are as exact as the clock offset was known when the frame was split
      // (the first frames' estimate is the roughest); the rest is measured on one clock.
      const slack = k === 'sendMs' || k === 'backMs' ? s.clockBoundMs! + 1 : 1;
      expect(s[k]!, `${k} of ${JSON.stringify(s)} (clock offset now ${JSON.stringify(clock)})`).toBeGreaterThan(-slack);
    }
    const parts = s.heldMs + s.readbackMs + s.sendMs! + s.queueMs! + s.preprocessMs + s.inferenceMs + s.encodeMs + s.backMs! + s.mainWaitMs! + s.decodeMs + s.frameWaitMs + s.drawMs;
    expect(Math.abs(parts - s.totalMs), JSON.stringify(s)).toBeLessThan(3);
  }
  const latency = app.locator('[data-testid="status-line"] >> text=/latency/');
  expect(await latency.getAttribute('title')).toMatch(/inference: \d+\.\d ms[\s\S]*page → screen: \d+\.\d ms/);
});

test('dragging the crop square moves the crop', async ({ app }) => {
  const square = app.locator('[data-testid="crop-square"]');
  const box = app.locator('[data-testid="camera-box"]');
  const cropBody = panel(app, 'crop').first().locator('[data-testid="panel-body"]').first();
  await expect(square).toBeVisible();
  /** Share of strongly red pixels: the sticker in the paper's top-left corner. */
  const redShare = async () => {
    const img = await shoot(cropBody);
    let red = 0;
    for (let i = 0; i < img.data.length; i += 4) {
      if (img.data[i] > 110 && img.data[i] - img.data[i + 1] > 60 && img.data[i] - img.data[i + 2] > 60) red++;
    }
    return red / (img.width * img.height);
  };
  // The default crop (centred) does not see the sticker.
  expect(await redShare()).toBeLessThan(0.002);

  const sq = (await square.boundingBox())!;
  const cam = (await box.boundingBox())!;
  const from = { x: sq.x + sq.width / 2, y: sq.y + sq.height / 2 };
  // Drag towards the camera image's top-left corner (the square stops at the edge).
  const to = { x: cam.x + sq.width / 2 + 2, y: cam.y + sq.height / 2 + 2 };
  await app.mouse.move(from.x, from.y);
  await app.mouse.down();
  await app.mouse.move(to.x, to.y, { steps: 12 });
  await app.mouse.up();
  const moved = (await square.boundingBox())!;
  expect(moved.x).toBeLessThan(sq.x - 20);
  expect(moved.y).toBeLessThan(sq.y - 10);
  await expect.poll(redShare, { timeout: 20_000, message: 'the crop view shows the red sticker' }).toBeGreaterThan(0.01);
  await saveArtifact(app, 'crop-moved');

  // The corner handle resizes the square: smaller, it sees more of the sticker relative to its size.
  const before = await redShare();
  const handle = app.locator('[data-testid="crop-resize"]');
  const h = (await handle.boundingBox())!;
  await app.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
  await app.mouse.down();
  await app.mouse.move(h.x + h.width / 2 - moved.width * 0.4, h.y + h.height / 2 - moved.height * 0.4, { steps: 10 });
  await app.mouse.up();
  const resized = (await square.boundingBox())!;
  expect(resized.width).toBeLessThan(moved.width * 0.8);
  await expect.poll(redShare, { timeout: 20_000, message: 'the smaller crop is mostly sticker' }).toBeGreaterThan(before * 1.5);
});
