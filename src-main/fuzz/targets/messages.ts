// What arrives on the engine's socket: binary frames (decodeFrame) and JSON requests
// (parseRequest). These have no file to name: a refusal is any error with a message of its own.
import { encodeFrame, decodeFrame } from '../../../src-shared/payload';
import { parseRequest } from '../../../src-shared/requests';
import { mutateBytes, mutateText } from '../mutate';
import { withFile, type FuzzTarget } from '../target';

const enc = new TextEncoder();
const dec = new TextDecoder();

const frame: FuzzTarget = {
  format: 'frame',
  namesFile: false,
  seeds: async () => {
    const rgba = Uint8Array.from({ length: 8 * 6 * 4 }, (_, i) => i & 0xff);
    const plain = new Uint8Array(encodeFrame({ id: 7, t: 1234.5, width: 8, height: 6, rgba }));
    const detect = new Uint8Array(
      encodeFrame({ id: 8, t: 1, width: 8, height: 6, rgba, detect: { width: 4, height: 3, rgba: new Uint8Array(48), minFace: 0.1, thresholds: [0.6, 0.7] } }),
    );
    return [{ files: { frame: plain }, mutable: 'frame' }, { files: { frame: detect }, mutable: 'frame' }];
  },
  mutate: mutateBytes,
  crafted: [
    (r, s) => {
      const out = s.files.frame.slice();
      const dv = new DataView(out.buffer);
      const w = r.pick([1, 1_000_000, 8000, 0xffffffff]);
      const h = r.pick([1, 1_000_000, 8000, 0xffffffff]);
      dv.setUint32(16, w, true);
      dv.setUint32(20, h, true);
      return withFile(s, out, `declares ${w}×${h}`);
    },
  ],
  open: async (_dir, files) => {
    // A copy in a buffer of its own, as a WebSocket message arrives.
    decodeFrame(new Uint8Array(files.frame).buffer);
  },
};

const REQUESTS = [
  { rid: 1, type: 'listModels' },
  { rid: 2, type: 'loadModel', source: { paths: ['/models/net.prototxt', '/models/w.caffemodel'], manifest: { labels: ['a', 'b'] } } },
  { rid: 3, type: 'subscribe', subscription: { layers: [{ layer: 'conv1', channels: { start: 0, count: 8 }, norm: 'map', signed: true }, { layer: 'ip1', channels: { topK: 5 } }] } },
  { rid: 4, type: 'classWeights', layer: 'relu1' },
];

const request: FuzzTarget = {
  format: 'request',
  namesFile: false,
  seeds: async () => REQUESTS.map((q) => ({ files: { request: enc.encode(JSON.stringify(q)) }, mutable: 'request' })),
  mutate: (r, b) => (r.int(4) === 0 ? mutateBytes(r, b) : mutateText(r, b, (t, d) => `{"rid":1,"type":"subscribe","subscription":{"layers":${'['.repeat(d)}${t}${']'.repeat(d)}}}`)),
  crafted: [
    (r, s) => {
      const n = r.pick([1000, 5000, 100_001]);
      const how = r.int(2) === 0 ? `arrays nested ${n} deep` : `${n} layers`;
      const text = how.startsWith('arrays')
        ? `{"rid":9,"type":"subscribe","subscription":{"layers":${'['.repeat(n)}${']'.repeat(n)}}}`
        : JSON.stringify({ rid: 9, type: 'subscribe', subscription: { layers: new Array(n).fill({ layer: 'x' }) } });
      return withFile(s, enc.encode(text), how);
    },
  ],
  open: async (_dir, files) => {
    const check = parseRequest(dec.decode(files.request));
    if (!check.ok) throw new Error(check.error);
  },
};

export const messageTargets: FuzzTarget[] = [frame, request];
