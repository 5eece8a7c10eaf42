// A GPU execution provider chosen in the Engine menu or with CONVSCOPE_PROVIDER, in the whole app: the real server, engine
// host and onnxruntime-node, the camera and the panels. onnxruntime-node's WebGPU provider runs on
// Vulkan; on the test machine the Vulkan device is SwiftShader's (from Debian's chromium package), so
// the GPU code path runs without a graphics card. When the provider cannot start, the app runs on the
// CPU and says which provider failed and why.
import { existsSync } from 'node:fs';
import { sampleStatus, waitForLive } from './support/app';
import { saveArtifact } from './support/pixels';
import { expect, test } from './support/fixtures';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
// A machine with its own Vulkan driver keeps it; one without (CI) uses SwiftShader's.
const vulkan: Record<string, string> = process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER_ICD) ? {} : { VK_ICD_FILENAMES: SWIFTSHADER_ICD };

test.describe('a Vulkan device, the provider chosen in the Engine menu', () => {
  test.use({ serverEnv: vulkan });

  test('choosing WebGPU moves the network to it at once, is saved and restored; Automatic goes back', async ({ app, server }) => {
    const status = app.locator('[data-testid="status-line"]');
    await expect(status).toContainText('provider cpu');
    await app.locator('[data-testid="engine-menu"]').click();
    const choice = app.locator('[data-testid="provider-choice"]');
    await expect(choice).toHaveValue('');
    await choice.selectOption('webgpu');
    await expect(status).toContainText('provider webgpu', { timeout: 30_000 });
    await expect(app.locator('[data-testid="engine-provider"]')).toHaveText('webgpu');
    await expect.poll(async () => (await server.settings()).engine, { timeout: 15_000 }).toEqual({ forceCpu: false, provider: 'webgpu' });
    await saveArtifact(app, 'engine-menu-webgpu');
    const texts = new Set((await sampleStatus(app, 3000, 200)).map((s) => s.text));
    expect(texts.size, 'results keep coming from the GPU provider').toBeGreaterThan(1);
    expect((await server.engine()).restarts, 'switching providers does not crash the engine').toBe(0);

    await app.reload();
    await waitForLive(app);
    await expect(status).toContainText('provider webgpu', { timeout: 30_000 });
    await app.locator('[data-testid="engine-menu"]').click();
    await expect(choice).toHaveValue('webgpu');
    await choice.selectOption('');
    await expect(status).toContainText('provider cpu', { timeout: 30_000 });
    await expect.poll(async () => (await server.settings()).engine, { timeout: 15_000 }).toEqual({ forceCpu: false });
  });
});

test.describe('WebGPU pinned, with a Vulkan device', () => {
  test.use({ serverEnv: { CONVSCOPE_PROVIDER: 'webgpu', ...vulkan } });

  test('the network runs on WebGPU and the picture keeps coming', async ({ app }) => {
    const status = app.locator('[data-testid="status-line"]');
    await expect(status).toContainText('provider webgpu', { timeout: 30_000 });
    await app.locator('[data-testid="engine-menu"]').click();
    await expect(app.locator('[data-testid="engine-provider"]')).toHaveText('webgpu');
    await expect(app.locator('[data-testid="provider-skipped"]')).toHaveCount(0);
    // Results keep arriving from the GPU provider: the status changes with the camera.
    const texts = new Set((await sampleStatus(app, 4000, 200)).map((s) => s.text));
    expect(texts.size, 'the status keeps changing with the camera').toBeGreaterThan(1);
  });
});

test.describe('WebGPU pinned, without any Vulkan device', () => {
  test.use({ serverEnv: { CONVSCOPE_PROVIDER: 'webgpu', VK_ICD_FILENAMES: '/nonexistent/convscope-no-vulkan-driver.json' } });

  test('the CPU runs instead, and the app says which provider failed and why', async ({ app }) => {
    const status = app.locator('[data-testid="status-line"]');
    await expect(status).toContainText('provider cpu');
    await expect(status.getByText('provider cpu')).toHaveAttribute('title', /failed to start first: webgpu: .*adapter/i);
    await app.locator('[data-testid="engine-menu"]').click();
    await expect(app.locator('[data-testid="engine-provider"]')).toHaveText('cpu');
    const why = app.locator('[data-testid="provider-skipped"]');
    await expect(why).toHaveCount(1);
    await expect(why).toContainText(/^Failed to start, so not used: webgpu: .*adapter/i);
    await saveArtifact(app, 'engine-menu-provider-failed');
  });
});
