// `npm run soak [-- --minutes N]`: the soak test of e2e/soak.spec.ts for N minutes (default 10)
// instead of the suite's two: streaming with model and layout changes, the memory of every process
// and the scene's textures sampled each round. Builds out/ when it is missing or stale. The figures
// are printed and written to e2e/artifacts/soak-<N>min.json.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildIfNeeded, root } from './build-state.mjs';

function minutesArg(argv) {
  const i = argv.findIndex((a) => a === '--minutes' || a.startsWith('--minutes='));
  if (i < 0) return 10;
  const text = argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  const n = Number(text);
  if (!Number.isFinite(n) || n < 1 || n > 24 * 60) {
    console.error(`soak: --minutes wants a number of minutes from 1 to 1440, not "${text ?? ''}"`);
    process.exit(2);
  }
  return n;
}

const minutes = minutesArg(process.argv.slice(2));
buildIfNeeded();
const cli = join(root, 'node_modules', '@playwright', 'test', 'cli.js');
const child = spawn(process.execPath, [cli, 'test', 'e2e/soak.spec.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CONVSCOPE_SOAK_MINUTES: String(minutes) },
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
