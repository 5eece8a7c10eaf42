// `npm run cli -- <command> …`: the command-line tool. Uses the built out/main/cli.js when it is
// up to date, otherwise runs the TypeScript source through tsx (no build needed for batch use).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, staleReason } from './build-state.mjs';

const built = join(root, 'out', 'main', 'cli.js');
const args = process.argv.slice(2);
const cmd =
  existsSync(built) && staleReason() === null
    ? [process.execPath, [built, ...args]]
    : [process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src-main', 'cli', 'index.ts'), ...args]];
const child = spawn(cmd[0], cmd[1], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
