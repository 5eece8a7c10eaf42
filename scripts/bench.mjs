// `npm run bench [-- --engine | --renderer]`: performance numbers for the notes (not a test, not in
// CI). Builds out/ when it is missing or stale (the renderer part runs the built browser mode),
// then runs scripts/bench/main.ts through tsx. Progress goes to stderr, the summary to stdout.
// CONVSCOPE_BENCH_SECONDS sets the renderer's measuring window per model (default 20).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildIfNeeded, root } from './build-state.mjs';

buildIfNeeded();
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const child = spawn(process.execPath, [tsx, join(root, 'scripts', 'bench', 'main.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
