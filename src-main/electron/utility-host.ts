// The engine host as an Electron utilityProcess: a Node process with Chromium's message ports, so
// the window's channel can be handed to it directly.
import { utilityProcess, type MessagePortMain } from 'electron';
import type { HostProcess } from './engine-connection';

export function spawnUtilityHost(engineFile: string, assetsDir: string): HostProcess<MessagePortMain> {
  const child = utilityProcess.fork(engineFile, ['--assets', assetsDir], {
    serviceName: 'ConvScope engine',
    stdio: 'inherit',
  });
  let exited = false;
  let exitText = '';
  const exitCbs: ((d: string) => void)[] = [];
  child.on('exit', (code) => {
    exited = true;
    exitText = `exit code ${code}`;
    for (const cb of exitCbs) cb(exitText);
  });
  return {
    get pid() {
      return child.pid;
    },
    send(msg) {
      if (!exited) child.postMessage(msg);
    },
    sendPort(port) {
      // The message itself only marks the handshake; the host takes the port from it.
      if (!exited) child.postMessage({ type: 'port' }, [port]);
      else port.close();
    },
    onMessage(cb) {
      child.on('message', (m: unknown) => cb(m));
    },
    onExit(cb) {
      if (exited) cb(exitText);
      else exitCbs.push(cb);
    },
    kill() {
      if (!exited) child.kill();
    },
  };
}
