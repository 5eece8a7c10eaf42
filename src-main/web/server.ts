// `npm run web`: ConvScope in a browser. Starts the engine host and the HTTP + WebSocket server on
// 127.0.0.1 and prints one line with the URL (token included) on stdout; everything else goes to stderr.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfigDir } from '../supervisor/settings-store';
import { startWebServer } from './app';

const DEFAULT_PORT = 8731;

const USAGE = `Usage: npm run web -- [--port N] [--assets DIR] [--config-dir DIR]

  --port N          TCP port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free port)
  --assets DIR      folder of bundled models (default: assets/models of this installation)
  --config-dir DIR  where settings.json lives (default: $CONVSCOPE_CONFIG_DIR or the per-user config folder)

Open the printed URL (it carries the access token) in a browser on this machine.
`;

interface Args {
  port: number;
  assets: string;
  configDir: string;
}

function parseArgs(argv: string[], here: string): Args {
  const args: Args = {
    port: DEFAULT_PORT,
    assets: resolve(here, '../../assets/models'),
    configDir: defaultConfigDir(),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port: "${v}" is not a port number (0–65535)`);
        args.port = n;
        break;
      }
      case '--assets':
        args.assets = resolve(value());
        break;
      case '--config-dir':
        args.configDir = resolve(value());
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a}\n\n${USAGE}`);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2), here);
  } catch (e) {
    process.stderr.write(`convscope web: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const server = await startWebServer({
    port: args.port,
    rendererDir: join(here, '../renderer'),
    engineFile: join(here, 'engine-host.js'),
    engineArgs: ['--assets', args.assets],
    configDir: args.configDir,
    debug: process.env.CONVSCOPE_DEBUG === '1',
  }).catch((e: NodeJS.ErrnoException) => {
    const hint = e.code === 'EADDRINUSE' ? ` (port ${args.port} is taken; try --port 0)` : '';
    process.stderr.write(`convscope web: cannot start: ${e.message}${hint}\n`);
    process.exit(1);
  });
  process.stdout.write(`ConvScope browser mode: ${server.url}\n`);
  process.stderr.write(`settings: ${join(args.configDir, 'settings.json')}; press Ctrl+C to stop\n`);
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    void server.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();
