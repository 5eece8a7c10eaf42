import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Watchdog, type Hang } from './watchdog';

const limits = { frameMs: 1_000, loadStallMs: 10_000, requestMs: 2_000 };

describe('Watchdog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function watch() {
    const hangs: Hang[] = [];
    return { dog: new Watchdog(limits, (h) => hangs.push(h)), hangs };
  }

  it('lets a long load run as long as it reports progress, and calls it hung once it falls silent', () => {
    const { dog, hangs } = watch();
    dog.start('rid:1', 'load', 'loading big.onnx');
    for (let i = 0; i < 30; i++) {
      vi.advanceTimersByTime(9_000);
      dog.alive();
    }
    expect(hangs).toEqual([]);
    vi.advanceTimersByTime(9_999);
    expect(hangs).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(hangs).toEqual([{ kind: 'load', what: 'loading big.onnx', limitMs: 10_000 }]);
  });

  it('times the work the worker is busy with (the oldest), each by its own limit', () => {
    const { dog, hangs } = watch();
    dog.start('frame:1', 'frame', 'frame 1');
    dog.start('rid:2', 'load', 'loading next.onnx');
    vi.advanceTimersByTime(900);
    dog.done('frame:1');
    // The load now runs; a frame's limit no longer applies.
    vi.advanceTimersByTime(5_000);
    expect(hangs).toEqual([]);
    dog.done('rid:2');
    dog.start('frame:3', 'frame', 'frame 3');
    vi.advanceTimersByTime(1_000);
    expect(hangs).toEqual([{ kind: 'frame', what: 'frame 3', limitMs: 1_000 }]);
  });

  it('stays quiet with nothing outstanding and after being cleared', () => {
    const { dog, hangs } = watch();
    dog.start('rid:1', 'request', 'the request subscribe');
    dog.done('rid:1');
    vi.advanceTimersByTime(60_000);
    dog.start('rid:2', 'request', 'the request classWeights');
    dog.clear();
    vi.advanceTimersByTime(60_000);
    expect(hangs).toEqual([]);
  });
});
