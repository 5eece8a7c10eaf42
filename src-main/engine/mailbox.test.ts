import { describe, expect, it } from 'vitest';
import { Mailbox } from './mailbox';

describe('Mailbox', () => {
  it('hands out the newest frame and counts the ones it replaced', () => {
    const box = new Mailbox<number>();
    expect(box.take()).toBeUndefined();
    box.put(1);
    box.put(2);
    box.put(3);
    expect(box.dropped).toBe(2);
    expect(box.waiting).toBe(true);
    expect(box.take()).toBe(3);
    expect(box.waiting).toBe(false);
  });

  it('never hands out a frame twice', () => {
    const box = new Mailbox<{ id: number }>();
    const seen = new Set<number>();
    let pushed = 0;
    for (let round = 0; round < 100; round++) {
      const n = (round * 7) % 4; // 0..3 frames arrive between takes
      for (let k = 0; k < n; k++) box.put({ id: pushed++ });
      const f = box.take();
      if (f) {
        expect(seen.has(f.id)).toBe(false);
        seen.add(f.id);
      }
      expect(box.take()).toBeUndefined();
    }
    expect(box.taken).toBe(seen.size);
    expect(box.taken + box.dropped).toBe(pushed);
  });

  it('keeps a falsy frame and resets counters for a new model', () => {
    const box = new Mailbox<number>();
    box.put(0);
    expect(box.waiting).toBe(true);
    expect(box.take()).toBe(0);
    box.put(5);
    box.put(6);
    box.reset();
    expect(box.take()).toBeUndefined();
    expect(box.dropped).toBe(0);
  });
});
