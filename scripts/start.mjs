// `npm start`: build if needed, then launch the desktop app. Where the Electron runtime could not
// be downloaded, say so and start browser mode instead (same engine, same UI, in a browser).
import { spawn } from 'node:child_process';
import { buildIfNeeded, root } from './build-state.mjs';
import { electronRuntime } from './electron-runtime.mjs';

buildIfNeeded();
const runtime = electronRuntime();
if (runtime.missing) {
  process.stderr.write(
    `ConvScope: cannot start the desktop app: ${runtime.missing}.\n` +
      'Starting browser mode instead: open the URL below in a browser on this machine.\n' +
      '(To get the desktop app, run "node node_modules/electron/install.js" once the Electron download is reachable.)\n',
  );
  await import('./web.mjs');
} else {
  const args = ['.', ...process.argv.slice(2)];
  const env = { ...process.env };
  // An inherited ELECTRON_RUN_AS_NODE would turn the app into a plain Node process.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(runtime.path, args, { cwd: root, stdio: 'inherit', env });
  const forward = (sig) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
}
