import solid from 'vite-plugin-solid';
import { defineConfig } from 'vitest/config';

// Two projects: everything that runs in Node, and the renderer's tests. The renderer's stores are
// Solid signals and effects, which only react in Solid's browser build (the Node build renders to
// strings and never runs effects), so that project resolves Solid with the browser conditions and
// compiles the panels' JSX as the app's build does.
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['src-main/**/*.test.ts', 'src-shared/**/*.test.ts', 'src-preload/**/*.test.ts', 'scripts/**/*.test.ts'] },
      },
      {
        extends: true,
        plugins: [solid()],
        resolve: { conditions: ['browser', 'development'] },
        test: {
          name: 'renderer',
          include: ['src-renderer/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['src-renderer/src/testing/browser-globals.ts'],
          server: { deps: { inline: [/solid-js/] } },
        },
      },
    ],
  },
});
