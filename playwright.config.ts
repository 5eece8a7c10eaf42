import { defineConfig } from '@playwright/test';
import { chromiumPath, digitsVideo, fakeCameraArgs } from './e2e/support/paths';

// End-to-end tests: the browser-mode server with the real engine host, in Debian's Chromium with a
// fake camera playing a generated .y4m. One worker: the machine has two cores and the engine,
// the server and a software-rendered (SwiftShader) browser share them.
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 240_000,
  expect: { timeout: 45_000 },
  outputDir: 'test-results',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 960 },
    launchOptions: { executablePath: chromiumPath, args: fakeCameraArgs(digitsVideo) },
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    screenshot: 'only-on-failure',
  },
});
