// A small stand-in engine host for the supervisor, engine-connection and server tests: it speaks the
// host's wire protocol (ready event, Request → Response, binary frame → binary result) over a forked
// child's IPC channel, and can be told to crash, so supervision is tested against a real process
// that dies. Loading the bundled model 'crash' kills the process, like a model that crashes the
// native runtime.
//
// A child process cannot receive a MessagePort, so a renderer channel (Electron hands the host one
// end of a MessageChannel) is carried over the same IPC link: { type: 'port' } opens it, and every
// message on it travels wrapped as { port: message } in both directions.
const state = { model: null, subscription: null, settings: null, frames: 0, settingsApplied: 0, portsOpened: 0 };
let portOpen = false;

const toParent = (msg) => process.send(msg);
const toPort = (msg) => process.send({ port: msg });

function modelInfo() {
  const source = state.model.bundled !== undefined ? 'bundled' : state.model.paths.join(' + ');
  return { id: state.model.bundled ?? 'file', source, provider: state.settings?.forceCpu ? 'cpu' : 'fake-gpu' };
}

/** Events go to every link, like the real host's. */
function broadcast(event) {
  toParent({ type: 'event', event });
  if (portOpen) toPort({ type: 'event', event });
}

const FRAME_MAGIC = 0x31465343; // 'CSF1', as src-shared/payload.ts
const RESULT_MAGIC = 0x31525343; // 'CSR1'

/**
 * The "result" of a binary message: its bytes reversed, so a test can tell it went through this
 * process. An encoded frame gets a result-shaped answer: the result magic, the frame's id at the
 * same offset, then the rest of the frame reversed.
 */
function answer(bytes) {
  const isFrame = bytes.length >= 8 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === FRAME_MAGIC;
  const out = new Uint8Array(bytes.length);
  const from = isFrame ? 8 : 0;
  out.set(bytes.subarray(0, from));
  for (let i = from; i < bytes.length; i++) out[i] = bytes[bytes.length - 1 - (i - from)];
  if (isFrame) new DataView(out.buffer).setUint32(0, RESULT_MAGIC, true);
  return out;
}

function handle(msg, send) {
  if (msg instanceof Uint8Array || msg instanceof ArrayBuffer) {
    const bytes = msg instanceof ArrayBuffer ? new Uint8Array(msg) : msg;
    state.frames++;
    send(answer(bytes));
    return;
  }
  const reply = (result) => send({ rid: msg.rid, ok: true, result });
  switch (msg.type) {
    case 'loadModel':
      if (msg.source.bundled === 'crash') process.exit(3);
      if (msg.source.bundled === 'broken') {
        send({ rid: msg.rid, ok: false, error: 'broken.onnx: not a model' });
        return;
      }
      state.model = msg.source;
      state.subscription = null;
      reply(modelInfo());
      broadcast({ type: 'modelLoaded', info: modelInfo() });
      return;
    case 'subscribe':
      state.subscription = msg.subscription;
      reply(null);
      return;
    case 'setEngineSettings':
      // The real host rebuilds the inference sessions here and answers with the reloaded model.
      state.settings = msg.settings;
      state.settingsApplied++;
      reply(state.model ? modelInfo() : null);
      return;
    case 'goBack':
      // What the real host does when a new model fails on every frame: it loads the previous one
      // by itself and announces it.
      state.model = msg.source;
      state.subscription = null;
      reply(null);
      broadcast({ type: 'modelLoaded', info: modelInfo() });
      return;
    case 'state':
      reply({ ...state, pid: process.pid });
      return;
    default:
      send({ rid: msg.rid, ok: false, error: `unknown request ${msg.type}` });
  }
}

process.on('message', (msg) => {
  if (msg && typeof msg === 'object' && msg.type === 'port') {
    portOpen = true;
    state.portsOpened++;
    toPort({ type: 'event', event: { type: 'ready' } });
    if (state.model) toPort({ type: 'event', event: { type: 'modelLoaded', info: modelInfo() } });
    return;
  }
  if (msg && typeof msg === 'object' && 'port' in msg) handle(msg.port, toPort);
  else handle(msg, toParent);
});

const startDelay = Number(process.env.FIXTURE_START_DELAY_MS ?? 0);
setTimeout(() => toParent({ type: 'event', event: { type: 'ready' } }), startDelay);
