import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineSettings, Response } from '../../src-shared/contract';
import { SettingsOwner } from './settings-owner';
import { SettingsStore } from './settings-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convscope-owner-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An engine whose answers the test releases one by one. */
function engine() {
  const calls: { settings: EngineSettings; answer(r: Response | null): void }[] = [];
  return {
    calls,
    applyEngineSettings: (settings: EngineSettings) => new Promise<Response | null>((answer) => calls.push({ settings, answer })),
  };
}

function owner(target: ReturnType<typeof engine>, announced: EngineEvent[]) {
  return new SettingsOwner({ store: new SettingsStore(join(dir, 'settings.json')), engine: target, announce: (e) => announced.push(e), log: () => {} });
}

const info = (provider: string) => ({ id: 'lenet', provider }) as unknown as Extract<EngineEvent, { type: 'modelLoaded' }>['info'];
const settle = () => new Promise((r) => setTimeout(r, 10));

describe('SettingsOwner', () => {
  it('applies engine settings only when a save changes them', async () => {
    const target = engine();
    const announced: EngineEvent[] = [];
    const s = owner(target, announced);
    await s.load();
    await s.save({ engine: { forceCpu: false }, layouts: { a: 1 } });
    expect(target.calls).toHaveLength(0);
    await s.save({ engine: { forceCpu: true }, layouts: {} });
    await s.save({ engine: { forceCpu: true }, layouts: { a: 2 } });
    expect(target.calls.map((c) => c.settings)).toEqual([{ forceCpu: true }]);
    target.calls[0].answer({ rid: -1, ok: true, result: info('cpu') });
    await settle();
    expect(announced).toEqual([{ type: 'modelLoaded', info: info('cpu') }]);
  });

  it('announces only the newest of quick toggles, and failures as errors', async () => {
    const target = engine();
    const announced: EngineEvent[] = [];
    const s = owner(target, announced);
    await s.load();
    await s.save({ engine: { forceCpu: true }, layouts: {} });
    await s.save({ engine: { forceCpu: false }, layouts: {} });
    expect(target.calls.map((c) => c.settings)).toEqual([{ forceCpu: true }, { forceCpu: false }]);
    target.calls[0].answer({ rid: -1, ok: true, result: info('cpu') });
    target.calls[1].answer({ rid: -2, ok: false, error: 'cuda: out of memory' });
    await settle();
    expect(announced).toEqual([{ type: 'error', message: 'Engine settings not applied: cuda: out of memory' }]);
  });

  it('refuses malformed settings at once, applying nothing', async () => {
    const target = engine();
    const s = owner(target, []);
    await s.load();
    expect(() => s.save({ engine: { forceCpu: 1 } })).toThrow(/settings\.engine\.forceCpu/);
    expect(target.calls).toHaveLength(0);
    expect(s.current).toEqual({ engine: { forceCpu: false }, layouts: {} });
  });
});
