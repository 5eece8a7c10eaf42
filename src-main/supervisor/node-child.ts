// The engine host as a plain Node child process (browser mode, tests). The 'advanced' serialisation
// lets ArrayBuffers and typed arrays cross the IPC channel as binary instead of JSON.
import { fork, type ChildProcess } from 'node:child_process';
import type { EngineProcess } from './supervisor';

export interface NodeChildOptions {
  /** The host's entry file (out/main/engine-host.js). */
  file: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /**
   * Where the host's stdout goes. Browser mode sends it to stderr so that its own stdout stays the
   * single line with the URL.
   */
  stdout?: NodeJS.WritableStream;
}

export function spawnNodeChild(opts: NodeChildOptions): EngineProcess {
  const child: ChildProcess = fork(opts.file, opts.args ?? [], {
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: opts.env ?? process.env,
  });
  child.stdout?.pipe(opts.stdout ?? process.stderr, { end: false });
  let exited = false;
  const exitCbs: ((d: string) => void)[] = [];
  let exitDescription = '';
  /** Bytes of binary messages (frames) handed to the IPC channel and not yet written to the host. */
  let unsent = 0;
  const finish = (d: string) => {
    if (exited) return;
    exited = true;
    exitDescription = d;
    for (const cb of exitCbs) cb(d);
  };
  child.on('exit', (code, signal) => finish(signal ? `signal ${signal}` : `exit code ${code}`));
  child.on('error', (err) => finish(`error: ${err.message}`));
  return {
    get pid() {
      return child.pid;
    },
    send(msg) {
      if (exited || !child.connected) return;
      const size = msg instanceof ArrayBuffer || ArrayBuffer.isView(msg) ? msg.byteLength : 0;
      unsent += size;
      // A host that dies mid-send closes the channel; the exit handler reports that.
      child.send(msg as object, (err) => {
        unsent -= size;
        if (err && !exited) process.stderr.write(`engine host message not delivered: ${err.message}\n`);
      });
    },
    backlog() {
      return unsent;
    },
    onMessage(cb) {
      child.on('message', (m) => cb(m));
    },
    onExit(cb) {
      if (exited) cb(exitDescription);
      else exitCbs.push(cb);
    },
    kill() {
      if (!exited) child.kill('SIGKILL');
    },
  };
}
