// Test fixtures: a fresh browser-mode server per test (own port, own settings folder) and the app
// open in Chromium with the digits video as its camera (see playwright.config.ts).
import { test as base, type Page } from '@playwright/test';
import { waitForLive } from './app';
import { startServer, type ServerHandle } from './server';

export const test = base.extend<{ serverEnv: Record<string, string>; server: ServerHandle; app: Page }>({
  /** Extra environment of the server (and so of its engine host), set with test.use({ serverEnv }). */
  serverEnv: [{}, { option: true }],
  server: async ({ serverEnv }, use, testInfo) => {
    const server = await startServer({ env: serverEnv });
    await use(server);
    await server.stop();
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('server-log.txt', { body: server.log(), contentType: 'text/plain' });
    }
  },
  app: async ({ page, server }, use, testInfo) => {
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    await page.goto(server.url);
    await waitForLive(page);
    await use(page);
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('browser-console.txt', { body: consoleLines.join('\n'), contentType: 'text/plain' });
    }
  },
});

export { expect } from '@playwright/test';
