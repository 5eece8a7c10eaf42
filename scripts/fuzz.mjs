// `npm run fuzz -- [options]`: the fuzz harness (src-main/fuzz/main.ts) through tsx, no build needed.
// Options: --format onnx,prototxt,… --cases 2000 --seed 1 --jobs 2 --timeout 20000 --heap 1024
// --rss 2048 --out <tmp>/convscope-fuzz-report.json; --format F --case N replays one case.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from './build-state.mjs';

const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src-main', 'fuzz', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
