// Browser mode as its own process, for tests that must see whether a request ends the server:
// starts it on a free port with the given engine host file and prints {"port","token"} on one line.
// Usage: node --import tsx serve.ts <rendererDir> <configDir> <engineFile>
import { startWebServer } from '../app';

const [rendererDir, configDir, engineFile] = process.argv.slice(2);
const server = await startWebServer({ port: 0, rendererDir, configDir, engineFile, log: (line) => process.stderr.write(`${line}\n`) });
await server.supervisor.whenReady();
process.stdout.write(`${JSON.stringify({ port: server.port, token: server.token })}\n`);
process.on('SIGTERM', () => void server.close().finally(() => process.exit(0)));
