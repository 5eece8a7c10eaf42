import { describe, expect, it } from 'vitest';
import { CLIENT_REQUEST_TYPES, checkRequest, parseRequest, REQUEST_LIMITS, REQUEST_TYPES } from './requests';

const nested = (depth: number): unknown => {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

describe('checkRequest', () => {
  it('accepts every request the renderer sends', () => {
    const good = [
      { rid: 1, type: 'listModels' },
      { rid: 2, type: 'availableProviders' },
      { rid: 2, type: 'listFormats' },
      { rid: 3, type: 'loadModel', source: { bundled: 'lenet' } },
      { rid: 4, type: 'loadModel', source: { paths: ['/m/net.prototxt', '/m/net.caffemodel'], manifest: { name: 'x', preprocess: { mean: [1, 2, 3] }, labels: ['a', 'b'] } } },
      {
        rid: 5,
        type: 'subscribe',
        subscription: {
          layers: [
            { layer: 'conv1' },
            { layer: 'conv2', channels: { start: 0, count: 8 }, norm: 'layer', signed: true },
            { layer: 'pool1', channels: { topK: 1 }, norm: 'map' },
            { layer: 'conv3', channels: { list: [3, 7, 11] }, signed: undefined },
          ],
        },
      },
      { rid: 6, type: 'classWeights', layer: 'ip1' },
      { rid: 8, type: 'cancelLoad' },
      { rid: 7, type: 'setEngineSettings', settings: { forceCpu: true } },
    ];
    for (const r of good) expect(checkRequest(r), JSON.stringify(r)).toEqual({ ok: true, request: r });
    expect(new Set(good.map((r) => r.type))).toEqual(new Set(REQUEST_TYPES));
  });

  it('answers without a rid when the message has no usable one', () => {
    for (const x of [null, 'listModels', [1], { type: 'listModels' }, { rid: '1', type: 'listModels' }, { rid: 1.5, type: 'listModels' }, { rid: Infinity, type: 'x' }]) {
      const r = checkRequest(x);
      expect(r.ok, JSON.stringify(x)).toBe(false);
      expect(!r.ok && r.rid).toBeNull();
    }
  });

  it('refuses unknown types and wrong field types, naming the request and the field', () => {
    const cases: [unknown, RegExp][] = [
      [{ rid: 9, type: 'state' }, /request 9: unknown request type 'state'/],
      [{ rid: 9, type: 12 }, /type must be a string/],
      [{ rid: 9, type: 'toString' }, /unknown request type/],
      [{ rid: 9, type: 'loadModel' }, /source must be/],
      [{ rid: 9, type: 'loadModel', source: { bundled: 3 } }, /source\.bundled/],
      [{ rid: 9, type: 'loadModel', source: { paths: [] } }, /source must be/],
      [{ rid: 9, type: 'loadModel', source: { paths: ['a.onnx', 7] } }, /source\.paths\[1\]/],
      [{ rid: 9, type: 'loadModel', source: { paths: ['a.onnx'], manifest: 'x' } }, /source\.manifest/],
      [{ rid: 9, type: 'subscribe', subscription: { layers: {} } }, /subscription must be/],
      [{ rid: 9, type: 'subscribe', subscription: { layers: [{ layer: '' }] } }, /layers\[0\]\.layer/],
      [{ rid: 9, type: 'subscribe', subscription: { layers: [{ layer: 'c', channels: { list: ['1'] } }] } }, /layers\[0\]\.channels/],
      [{ rid: 9, type: 'subscribe', subscription: { layers: [{ layer: 'c' }, { layer: 'd', norm: 'all' }] } }, /layers\[1\]\.norm/],
      [{ rid: 9, type: 'subscribe', subscription: { layers: [{ layer: 'c', signed: 1 }] } }, /layers\[0\]\.signed/],
      [{ rid: 9, type: 'classWeights' }, /layer must be/],
      [{ rid: 9, type: 'setEngineSettings', settings: { forceCpu: 'yes' } }, /settings\.forceCpu/],
    ];
    for (const [x, message] of cases) {
      const r = checkRequest(x);
      expect(r, JSON.stringify(x)).toMatchObject({ ok: false, rid: 9 });
      expect(!r.ok && r.error).toMatch(message);
    }
  });

  it('bounds nesting, sizes and kinds of values without recursing into them', () => {
    const deep = checkRequest({ rid: 3, type: 'loadModel', source: nested(5000) });
    expect(deep).toMatchObject({ ok: false, rid: 3 });
    expect(!deep.ok && deep.error).toMatch(/nested deeper than 16/);
    const cases: [unknown, RegExp][] = [
      [{ paths: ['a'.repeat(REQUEST_LIMITS.maxStringLength + 1)] }, /string is longer/],
      [{ paths: new Array(REQUEST_LIMITS.maxArrayLength + 1).fill('a.onnx') }, /more than 100000 items/],
      [{ paths: ['a.onnx'], manifest: Object.fromEntries(Array.from({ length: REQUEST_LIMITS.maxObjectKeys + 1 }, (_, i) => [`k${i}`, 1])) }, /more than 1000 fields/],
      [{ paths: ['a.onnx'], manifest: { labels: new Map() } }, /plain objects/],
      [{ paths: ['a.onnx'], manifest: { scale: NaN } }, /finite/],
      [{ paths: ['a.onnx'], manifest: { f: () => 1 } }, /function/],
    ];
    for (const [source, message] of cases) {
      const r = checkRequest({ rid: 4, type: 'loadModel', source });
      expect(r).toMatchObject({ ok: false, rid: 4 });
      expect(!r.ok && r.error).toMatch(message);
    }
    // Many values within the other limits still hit the overall budget.
    const wide = { rid: 5, type: 'loadModel', source: { paths: ['a.onnx'], manifest: { a: new Array(90_000).fill(new Array(20).fill(0)) } } };
    expect(checkRequest(wide)).toMatchObject({ ok: false, rid: 5, error: expect.stringMatching(/more than 1000000 values/) });
  });

  it('refuses types the caller does not accept: pages never set engine settings', () => {
    expect(CLIENT_REQUEST_TYPES).not.toContain('setEngineSettings');
    const r = checkRequest({ rid: 2, type: 'setEngineSettings', settings: { forceCpu: true } }, CLIENT_REQUEST_TYPES);
    expect(r).toMatchObject({ ok: false, rid: 2, error: expect.stringMatching(/not accepted here/) });
    expect(checkRequest({ rid: 2, type: 'listModels' }, CLIENT_REQUEST_TYPES).ok).toBe(true);
  });
});

describe('parseRequest', () => {
  it('parses JSON text and checks it', () => {
    expect(parseRequest('{"rid":1,"type":"listModels"}')).toEqual({ ok: true, request: { rid: 1, type: 'listModels' } });
    expect(parseRequest('{rid')).toEqual({ ok: false, rid: null, error: 'malformed request (not JSON)' });
  });

  it('refuses the 10 KB request nested 5,000 arrays deep with an error for its rid', () => {
    const text = `{"rid":7,"type":"loadModel","source":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(text.length).toBeGreaterThan(10_000);
    const r = parseRequest(text);
    expect(r).toMatchObject({ ok: false, rid: 7, error: expect.stringMatching(/nested deeper/) });
  });

  it('refuses overlong text before parsing it', () => {
    const r = parseRequest(' '.repeat(REQUEST_LIMITS.maxTextBytes + 1));
    expect(r).toMatchObject({ ok: false, rid: null, error: expect.stringMatching(/longer than/) });
  });
});
