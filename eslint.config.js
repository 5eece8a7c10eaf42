// Lint: typescript-eslint's recommended rules plus the process boundaries as import rules —
// the renderer never imports Node, Electron or src-main; shared code imports neither side;
// importers never import the engine, the UI or the command line. Tests may cross them (they read
// test data from disk and drive the real engine).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto', 'stream', 'url', 'zlib', 'module', 'util', 'events', 'buffer'];
/** Modules that exist only in Node or Electron's main side, by exact name. */
const nodeOnly = [
  ...NODE_BUILTINS.map((name) => ({ name, message: 'Node modules are not available here.' })),
  ...['electron', 'onnxruntime-node', 'ws', 'h5wasm'].map((name) => ({ name, message: 'This package only runs in Node / Electron main.' })),
];
const nodeScheme = { group: ['node:*'], message: 'Node modules are not available here.' };

const mainSide = { group: ['**/src-renderer/**', '**/src-preload/**'], message: 'Main-side code does not import the renderer or the preload.' };
const formatSide = {
  group: ['**/engine/**', '**/cli/**', '**/web/**', '**/electron/**', '**/supervisor/**', 'electron'],
  message: 'Importers, format readers and manifests never import the engine, the UI or the command line.',
};
const rendererSide = { group: ['**/src-main/**', '**/src-preload/**'], message: 'The renderer talks to the engine through src-shared/contract.ts only.' };
const sharedSide = { group: ['**/src-main/**', '**/src-renderer/**', '**/src-preload/**'], message: 'Shared code imports neither process.' };

/** `no-restricted-imports` for `files` (tests and test helpers excepted), forbidding the given patterns. */
const boundary = (files, patterns, paths = []) => ({
  files,
  ignores: ['**/*.test.ts', '**/testing/**'],
  rules: { 'no-restricted-imports': ['error', { patterns, paths }] },
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'e2e/artifacts/**', '**/*.mjs', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      // Messages already carry the cause's text, which is what the user sees.
      'preserve-caught-error': 'off',
    },
  },
  // Solid assigns `let el!: HTMLElement` through the JSX `ref` attribute, which this rule cannot see.
  { files: ['**/*.tsx'], rules: { 'no-unassigned-vars': 'off' } },
  // Playwright fixtures that use no other fixture are declared with an empty pattern: `async ({}, use)`.
  { files: ['e2e/**/*.ts'], rules: { 'no-empty-pattern': 'off' } },
  // Later entries win for a file, so the general rule for a process comes first and the narrower
  // folders repeat it with their own additions.
  boundary(['src-main/**/*.ts'], [mainSide]),
  boundary(['src-main/importers/**/*.ts', 'src-main/formats/**/*.ts', 'src-main/onnx/**/*.ts', 'src-main/models/**/*.ts'], [mainSide, formatSide]),
  boundary(['src-renderer/**/*.{ts,tsx}'], [nodeScheme, rendererSide], nodeOnly),
  boundary(['src-shared/**/*.ts'], [nodeScheme, sharedSide], nodeOnly),
  boundary(['src-preload/**/*.ts'], [{ group: ['**/src-main/**', '**/src-renderer/**'], message: 'The preload only bridges: it imports src-shared and Electron.' }]),
);
