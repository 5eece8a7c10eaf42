// Starts the real browser-mode server (out/main/web.js, built by `npm run build`) the way a user
// does, on a random port with its own settings folder, and reads the URL from its one stdout line.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface ServerHandle {
  url: string;
  origin: string;
  token: string;
  configDir: string;
  process: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  log(): string;
  /** The engine host's process id (debug endpoint, enabled by CONVSCOPE_DEBUG=1). */
  engine(): Promise<{ pid: number | null; restarts: number }>;
  settings(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

const URL_LINE = /^ConvScope browser mode: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([0-9a-f]{32})$/m;

export async function startServer(opts: { configDir?: string; env?: Record<string, string> } = {}): Promise<ServerHandle> {
  const entry = join(repoRoot, 'out', 'main', 'web.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" before the end-to-end tests`);
  const ownDir = !opts.configDir;
  const configDir = opts.configDir ?? mkdtempSync(join(tmpdir(), 'convscope-e2e-config-'));
  const child = spawn(process.execPath, [entry, '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env, CONVSCOPE_CONFIG_DIR: configDir, CONVSCOPE_DEBUG: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const found = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL line from the server within 60 s\n${stderr}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = stdout.match(URL_LINE);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before printing its URL\n${stderr}`));
    });
  });
  const origin = found[1];
  const token = found[3];
  const api = async (path: string) => {
    const r = await fetch(`${origin}${path}`, { headers: { 'x-convscope-token': token } });
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
  };
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    configDir,
    process: child,
    log: () => stderr,
    engine: () => api('/api/debug/engine') as Promise<{ pid: number | null; restarts: number }>,
    settings: () => api('/api/settings') as Promise<Record<string, unknown>>,
    async stop() {
      await stopChild(child, 10_000);
      if (ownDir) rmSync(configDir, { recursive: true, force: true });
    },
  };
}

/** Ends `child` (SIGTERM, then SIGKILL after `graceMs`) and waits until it has exited. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(t);
}
