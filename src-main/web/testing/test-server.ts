// Browser mode in the test's own process: a renderer folder with a page and a script, a file beside
// it that must stay unreachable, and the stand-in engine host. Closed and removed by `stop`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebServer, type WebServer } from '../app';

const fixtureHost = fileURLToPath(new URL('../../supervisor/fixture-host.mjs', import.meta.url));

export interface TestServer {
  server: WebServer;
  /** The folder holding renderer/, config/ and secret.txt. */
  dir: string;
  /** The server's own origin, e.g. http://127.0.0.1:40123. */
  origin: string;
  stop(): Promise<void>;
}

export async function startTestServer(name: string, options: Partial<Parameters<typeof startWebServer>[0]> = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), `convscope-${name}-`));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>ConvScope</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer');
  const server = await startWebServer({
    port: 0,
    rendererDir: join(dir, 'renderer'),
    engineFile: fixtureHost,
    configDir: join(dir, 'config'),
    debug: true,
    log: () => {},
    ...options,
  });
  await server.supervisor.whenReady();
  return {
    server,
    dir,
    origin: `http://127.0.0.1:${server.port}`,
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
