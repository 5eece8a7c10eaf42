import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNotices } from './notices';

describe('notices', () => {
  afterEach(() => vi.useRealTimers());

  it('shows sentences, replaces a repeated message and keeps the newest four', () => {
    const n = createNotices();
    n.notify('error', 'the engine stopped');
    n.notify('error', 'Could not load a.onnx');
    n.notify('error', 'the engine stopped');
    expect(n.notices().map((x) => x.text)).toEqual(['Could not load a.onnx', 'The engine stopped']);
    for (let i = 1; i <= 4; i++) n.notify('error', `problem ${i}`);
    expect(n.notices().map((x) => x.text)).toEqual(['Problem 1', 'Problem 2', 'Problem 3', 'Problem 4']);
    n.dismiss(n.notices()[0].id);
    expect(n.notices()).toHaveLength(3);
  });

  it('lets information go after a while and keeps errors', () => {
    vi.useFakeTimers();
    const n = createNotices({ infoMs: 1000 });
    n.notify('info', 'Layout loaded');
    n.notify('error', 'Settings could not be saved');
    vi.advanceTimersByTime(999);
    expect(n.notices()).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(n.notices().map((x) => x.level)).toEqual(['error']);
  });
});
