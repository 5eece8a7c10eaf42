import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../host';
import { createConnection } from './connection';
import { createNotices } from './notices';
import { testEngine } from './testing/engine';
import { disposeRoots, inRoot } from './testing/roots';

function setup(initial: ConnectionState) {
  const t = testEngine();
  const notices = createNotices();
  const listeners = new Set<(s: ConnectionState) => void>();
  let back = 0;
  let model: string | null = 'LeNet';
  const { value: c, dispose } = inRoot(() =>
    createConnection({
      host: { connection: () => initial, onConnection: (cb) => (listeners.add(cb), () => listeners.delete(cb)) },
      engine: t.engine,
      notify: notices.notify,
      modelName: () => model,
      onBack: () => back++,
    }),
  );
  return {
    ...t,
    c,
    dispose,
    hostListeners: () => listeners.size,
    notices: () => notices.notices().map((n) => n.text),
    become: (s: ConnectionState) => listeners.forEach((cb) => cb(s)),
    back: () => back,
    noModel: () => (model = null),
  };
}

describe('connection', () => {
  afterEach(disposeRoots);

  it('follows the link and says when it came back, but not on the first connect', () => {
    const s = setup('connecting');
    s.become('open');
    expect(s.c.state()).toBe('open');
    expect(s.back()).toBe(0);
    s.become('reconnecting');
    expect(s.c.state()).toBe('reconnecting');
    s.become('open');
    expect(s.notices()).toEqual(['Reconnected to the engine.']);
    expect(s.back()).toBe(1);
    // Gone with its window: it stops listening to the host and the engine.
    s.dispose();
    expect(s.hostListeners()).toBe(0);
    expect(s.listeners()).toBe(0);
  });

  it("passes the engine's problems on and says when it restarted, with which model", () => {
    const s = setup('open');
    s.event({ type: 'error', message: 'frame 12: 3 bytes of RGBA for 2×2' });
    s.event({ type: 'engineRestarted', reason: 'exit code 134' });
    s.noModel();
    s.event({ type: 'engineRestarted', reason: 'killed' });
    expect(s.notices()).toEqual([
      'Frame 12: 3 bytes of RGBA for 2×2',
      'The engine stopped (exit code 134) and was restarted with LeNet.',
      'The engine stopped (killed) and was restarted.',
    ]);
    expect(s.back()).toBe(2);
  });

  it('says once, without claiming a model, when the engine came back without one', () => {
    const s = setup('open');
    s.event({ type: 'engineRestarted', reason: 'exit code 134', withoutModel: 'it crashed 3 times within a minute. Choose a model to continue.' });
    expect(s.notices()).toEqual(['The engine stopped (exit code 134) and was restarted without a model: it crashed 3 times within a minute. Choose a model to continue.']);
    // No subscription is sent for a model the engine no longer has.
    expect(s.back()).toBe(0);
  });
});
