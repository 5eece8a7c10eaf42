import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import solid from 'vite-plugin-solid';

// Main-side bundles: the Electron main process, the engine host (utilityProcess or Node child),
// its inference worker thread, the browser-mode server and the command-line tool.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          'engine-host': resolve(__dirname, 'src-main/engine/host.ts'),
          'engine-worker': resolve(__dirname, 'src-main/engine/worker.ts'),
          web: resolve(__dirname, 'src-main/web/server.ts'),
          cli: resolve(__dirname, 'src-main/cli/index.ts'),
        },
      },
    },
  },
  // The preload runs in a sandboxed page, whose require() knows only 'electron' (and a few Node
  // polyfills): it must be one CommonJS file with everything else bundled in.
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [solid()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
