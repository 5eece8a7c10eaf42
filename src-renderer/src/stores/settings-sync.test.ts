import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UserSettings } from '../../../src-shared/contract';
import { DEFAULT_SETTINGS } from '../../../src-shared/contract';
import { createNotices } from './notices';
import { createSettingsSync } from './settings-sync';

/** A host that keeps what it is given and answers saves when the test says so. */
function testHost(initial: UserSettings = structuredClone(DEFAULT_SETTINGS)) {
  const saved: UserSettings[] = [];
  const waiting: (() => void)[] = [];
  return {
    saved,
    finishSave: () => waiting.shift()?.(),
    host: {
      loadSettings: async () => structuredClone(initial),
      saveSettings: (s: UserSettings) =>
        new Promise<void>((resolve) => {
          saved.push(structuredClone(s));
          waiting.push(resolve);
        }),
    },
  };
}

describe('settings sync', () => {
  afterEach(() => vi.useRealTimers());

  it('reads the settings once and shows the saved Force CPU choice', async () => {
    const t = testHost({ ...DEFAULT_SETTINGS, engine: { forceCpu: true } });
    const s = createSettingsSync({ host: t.host, notify: createNotices().notify });
    expect(s.forceCpu()).toBe(false);
    await s.load();
    expect(s.forceCpu()).toBe(true);
  });

  it('reads and saves the provider to try first; automatic leaves no provider in the file', async () => {
    const t = testHost({ ...DEFAULT_SETTINGS, engine: { forceCpu: false, provider: 'cuda' } });
    const s = createSettingsSync({ host: t.host, notify: createNotices().notify });
    await s.load();
    expect(s.provider()).toBe('cuda');
    s.setProvider('webgpu');
    expect(s.provider()).toBe('webgpu');
    expect(t.saved[0].engine).toEqual({ forceCpu: false, provider: 'webgpu' });
    t.finishSave();
    await s.flush();
    s.setProvider(undefined);
    expect(s.provider()).toBeUndefined();
    expect(t.saved[1].engine).toEqual({ forceCpu: false });
  });

  it('reads and saves the face settings', async () => {
    const t = testHost({ ...DEFAULT_SETTINGS, faces: { margin: 1.7 } });
    const s = createSettingsSync({ host: t.host, notify: createNotices().notify });
    await s.load();
    expect(s.faces()).toEqual({ margin: 1.7 });
    s.saveFaces({ margin: 1.7, smoothing: 0.2 });
    expect(s.faces()).toEqual({ margin: 1.7, smoothing: 0.2 });
    expect(t.saved[0].faces).toEqual({ margin: 1.7, smoothing: 0.2 });
  });

  it('reads and saves the drawing resolution, automatic unless chosen', async () => {
    const t = testHost({ ...DEFAULT_SETTINGS, display: { resolution: 'half' } });
    const s = createSettingsSync({ host: t.host, notify: createNotices().notify });
    expect(s.drawResolution()).toBe('auto');
    await s.load();
    expect(s.drawResolution()).toBe('half');
    s.setDrawResolution('full');
    expect(s.drawResolution()).toBe('full');
    expect(t.saved[0].display).toEqual({ resolution: 'full' });
    const fresh = createSettingsSync({ host: testHost().host, notify: createNotices().notify });
    await fresh.load();
    expect(fresh.drawResolution()).toBe('auto');
  });

  it('Force CPU only saves the settings, and saves go out one at a time with the latest state', async () => {
    const t = testHost();
    const s = createSettingsSync({ host: t.host, notify: createNotices().notify });
    await s.load();
    s.setForceCpu(true);
    s.saveCameraChoice({ deviceId: 'cam-2', width: 1280, height: 720 });
    s.rememberModel({ bundled: 'squeezenet' });
    expect(s.forceCpu()).toBe(true);
    // The first save is still under way: the later changes wait and go out together.
    expect(t.saved).toHaveLength(1);
    expect(t.saved[0].engine.forceCpu).toBe(true);
    t.finishSave();
    await vi.waitFor(() => expect(t.saved).toHaveLength(2));
    expect(t.saved[1]).toMatchObject({ engine: { forceCpu: true }, camera: { deviceId: 'cam-2' }, lastModel: { bundled: 'squeezenet' } });
    t.finishSave();
    await s.flush();
    expect(t.saved).toHaveLength(2);
  });

  it('keeps manifest edits by file names and saves layouts once they settle', async () => {
    vi.useFakeTimers();
    const t = testHost();
    const s = createSettingsSync({ host: t.host, notify: createNotices().notify, layoutSaveDelayMs: 500 });
    await s.load();
    s.layouts.save('lenet', { view: 'generic', n: 1 });
    vi.advanceTimersByTime(300);
    s.layouts.save('lenet', { view: 'sorted', n: 2 });
    vi.advanceTimersByTime(499);
    expect(t.saved).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(t.saved).toHaveLength(1);
    expect(t.saved[0].layouts).toEqual({ lenet: { view: 'sorted', n: 2 } });
    expect(s.layouts.get('lenet')).toEqual({ view: 'sorted', n: 2 });
    t.finishSave();

    s.rememberModel({ paths: ['/tmp/up/1/net.prototxt', '/tmp/up/2/w.caffemodel'], manifest: { labels: ['a', 'b'] } });
    expect(s.savedManifest(['/elsewhere/w.caffemodel', '/elsewhere/net.prototxt'])).toEqual({ labels: ['a', 'b'] });
  });

  it('says when the settings cannot be read or saved', async () => {
    const notices = createNotices();
    const s = createSettingsSync({
      host: { loadSettings: () => Promise.reject(new Error('disk gone')), saveSettings: () => Promise.reject(new Error('read-only')) },
      notify: notices.notify,
    });
    const loaded = await s.load();
    expect(loaded).toEqual(DEFAULT_SETTINGS);
    s.setForceCpu(true);
    await s.flush();
    expect(notices.notices().map((n) => n.text)).toEqual([
      'Settings could not be read: disk gone — using defaults.',
      'Settings could not be saved: read-only',
    ]);
  });
});
