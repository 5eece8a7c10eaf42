// A small stand-in engine host for the supervisor and server tests: it speaks the host's wire
// protocol (ready event, Request → Response, binary frame → binary result) over a forked child's
// IPC channel, and can be told to crash, so supervision is tested against a real process that dies.
// Loading the bundled model 'crash' kills the process, like a model that crashes the native runtime.
const state = { model: null, subscription: null, settings: null, frames: 0 };

function reply(rid, result) {
  process.send({ rid, ok: true, result });
}

process.on('message', (msg) => {
  if (msg instanceof Uint8Array || msg instanceof ArrayBuffer) {
    const bytes = msg instanceof ArrayBuffer ? new Uint8Array(msg) : msg;
    state.frames++;
    // The "result" is the frame's bytes reversed, so a test can tell it went through this process.
    const out = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = bytes[bytes.length - 1 - i];
    process.send(out);
    return;
  }
  switch (msg.type) {
    case 'loadModel':
      if (msg.source.bundled === 'crash') process.exit(3);
      if (msg.source.bundled === 'broken') {
        process.send({ rid: msg.rid, ok: false, error: 'broken.onnx: not a model' });
        return;
      }
      state.model = msg.source;
      state.subscription = null;
      reply(msg.rid, { id: msg.source.bundled ?? 'file' });
      process.send({ type: 'event', event: { type: 'modelLoaded', info: { id: msg.source.bundled ?? 'file' } } });
      return;
    case 'subscribe':
      state.subscription = msg.subscription;
      reply(msg.rid, null);
      return;
    case 'setEngineSettings':
      state.settings = msg.settings;
      reply(msg.rid, null);
      return;
    case 'state':
      reply(msg.rid, { ...state, pid: process.pid });
      return;
    default:
      process.send({ rid: msg.rid, ok: false, error: `unknown request ${msg.type}` });
  }
});

const startDelay = Number(process.env.FIXTURE_START_DELAY_MS ?? 0);
setTimeout(() => process.send({ type: 'event', event: { type: 'ready' } }), startDelay);
