// A stand-in for the engine link: requests are answered by handlers the test gives (or wait until
// the test answers them), events and results are pushed by the test.
import type { EngineChannel, EngineEvent, FrameMessage, FrameResult, ModelInfo, Request, ResponseMap } from '../../../../src-shared/contract';

/** A request as the renderer makes it (without its id). */
export type RequestBody = Request extends infer R ? (R extends unknown ? Omit<R, 'rid'> : never) : never;

type Handlers = { [K in keyof ResponseMap]?: (req: Extract<Request, { type: K }>) => ResponseMap[K] | Promise<ResponseMap[K]> };

export function testEngine(handlers: Handlers = {}) {
  const requests: RequestBody[] = [];
  const frames: FrameMessage[] = [];
  const resultCbs = new Set<(r: FrameResult) => void>();
  const eventCbs = new Set<(e: EngineEvent) => void>();
  const engine: EngineChannel = {
    sendFrame: (f) => void frames.push(f),
    request(msg) {
      requests.push(msg as RequestBody);
      const h = handlers[msg.type] as ((r: unknown) => unknown) | undefined;
      if (!h) return Promise.reject(new Error(`${msg.type}: no answer in this test`));
      try {
        return Promise.resolve(h(msg)) as never;
      } catch (e) {
        return Promise.reject(e);
      }
    },
    onResult(cb) {
      resultCbs.add(cb);
      return () => resultCbs.delete(cb);
    },
    onEvent(cb) {
      eventCbs.add(cb);
      return () => eventCbs.delete(cb);
    },
  };
  return {
    engine,
    requests,
    frames,
    result: (r: FrameResult) => resultCbs.forEach((cb) => cb(r)),
    event: (e: EngineEvent) => eventCbs.forEach((cb) => cb(e)),
    /** How many result and event listeners are registered. */
    listeners: () => resultCbs.size + eventCbs.size,
  };
}

/** A result for `model` with class `top` most probable. */
export function resultFor(model: ModelInfo, id: number, top = 0): FrameResult {
  const probs = new Float32Array(model.labels.length).fill(0.01);
  probs[top] = 0.9;
  return {
    id,
    t: 0,
    probs,
    input: { c: 1, h: 1, w: 1, data: new Uint8Array(1), min: 0, max: 1 },
    layers: [],
    timing: { preprocessMs: 1, inferenceMs: 2, encodeMs: 0.5 },
    dropped: 0,
    processed: id,
  };
}
