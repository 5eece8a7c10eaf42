import { describe, expect, it } from 'vitest';
import type { DeviceChoice, PictureSource, PictureSourceKind } from './types';
import { createPicture } from './picture';

/** Sources that open at once (or fail), recording what was opened and closed. */
function testSources() {
  const log: string[] = [];
  const made = (kind: string, name: string): PictureSource => ({
    kind,
    name,
    element: {} as HTMLImageElement,
    size: () => ({ width: 640, height: 480 }),
    onPicture: () => () => {},
    close: () => void log.push(`close ${name}`),
  });
  let cameraOpen: (want: DeviceChoice) => Promise<PictureSource> = async (want) => {
    log.push(`open camera ${want.deviceId ?? 'default'}`);
    return made('camera', `camera ${want.deviceId ?? 'default'}`);
  };
  const sources: PictureSourceKind[] = [
    { kind: 'camera', label: 'Camera', device: { list: async () => [{ deviceId: 'a', label: 'Cam A' }], open: (w) => cameraOpen(w) } },
    {
      kind: 'image',
      label: 'Image',
      files: {
        accept: 'image/*',
        matches: (f) => f.name.endsWith('.png'),
        open: async (files) => {
          if (files[0].name === 'broken.png') throw new Error('broken.png is not an image this browser can read.');
          log.push(`open ${files.map((f) => f.name).join(' ')}`);
          return made('image', files[0].name);
        },
      },
    },
  ];
  const reported: string[] = [];
  return { sources, log, reported, report: (m: string) => void reported.push(m), setCameraOpen: (f: typeof cameraOpen) => (cameraOpen = f) };
}

describe('picture', () => {
  it('starts the camera, switches to an opened image and back, closing what it leaves', async () => {
    const t = testSources();
    const saved: DeviceChoice[] = [];
    const p = createPicture({ sources: t.sources, saveCameraChoice: (c) => void saved.push(c), reportError: t.report });
    expect(p.sourceLabel()).toBe('Camera');
    await p.startCamera({});
    expect(p.current()?.name).toBe('camera default');
    expect(saved).toEqual([]);
    expect(p.accepts([new File([''], 'notes.txt')])).toBe(false);
    expect(p.accepts([new File([''], 'digit.png')])).toBe(true);
    await p.openFiles([new File([''], 'notes.txt'), new File([''], 'digit.png')]);
    expect(p.current()?.name).toBe('digit.png');
    // Titles and the status line name the source on show.
    expect(p.sourceLabel()).toBe('Image');
    p.useCamera({ deviceId: 'a', width: 1280, height: 720 });
    await expect.poll(() => p.current()?.name).toBe('camera a');
    expect(saved).toEqual([{ deviceId: 'a', width: 1280, height: 720 }]);
    expect(p.sourceLabel()).toBe('Camera');
    // The image is read before the camera closes; the camera closes what was there before it opens.
    expect(t.log).toEqual(['open camera default', 'open digit.png', 'close camera default', 'close digit.png', 'open camera a']);
    expect(p.fileAccept).toBe('image/*');
    expect(await p.listCameras()).toEqual([{ deviceId: 'a', label: 'Cam A' }]);
  });

  it('shows why a source could not be opened', async () => {
    const t = testSources();
    t.setCameraOpen(() => Promise.reject(new Error('Camera access was denied.')));
    const p = createPicture({ sources: t.sources, saveCameraChoice: () => {}, reportError: t.report });
    await p.startCamera({});
    expect(p.state()).toEqual({ kind: 'error', message: 'Camera access was denied.' });
    await p.openFiles([new File([''], 'broken.png')]);
    expect(p.state()).toEqual({ kind: 'error', message: 'broken.png is not an image this browser can read.' });
    expect(t.reported).toEqual([]);
  });

  it('keeps the camera on when an opened file cannot be read, and says why', async () => {
    const t = testSources();
    const p = createPicture({ sources: t.sources, saveCameraChoice: () => {}, reportError: t.report });
    await p.startCamera({});
    const opening = p.openFiles([new File([''], 'broken.png')]);
    // The camera stays on show while the file is read.
    expect(p.current()?.name).toBe('camera default');
    await opening;
    expect(p.current()?.name).toBe('camera default');
    expect(t.reported).toEqual(['broken.png is not an image this browser can read.']);
    expect(t.log).toEqual(['open camera default']);
  });

  it('lets only the newest request take over the picture', async () => {
    const t = testSources();
    let release!: () => void;
    t.setCameraOpen(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ kind: 'camera', name: 'slow camera', element: {} as HTMLVideoElement, size: () => ({ width: 1, height: 1 }), onPicture: () => () => {}, close: () => void t.log.push('close slow camera') });
        }),
    );
    const p = createPicture({ sources: t.sources, saveCameraChoice: () => {}, reportError: t.report });
    const slow = p.startCamera({});
    await p.openFiles([new File([''], 'digit.png')]);
    release();
    await slow;
    expect(p.current()?.name).toBe('digit.png');
    expect(t.log).toContain('close slow camera');
  });

  it('shows the message of a camera that stops on its own, and "Try again" opens it anew', async () => {
    const t = testSources();
    const lostCbs: ((m: string) => void)[] = [];
    let opened = 0;
    t.setCameraOpen(async () => {
      const name = `camera ${++opened}`;
      t.log.push(`open ${name}`);
      return {
        kind: 'camera',
        name,
        element: {} as HTMLVideoElement,
        size: () => ({ width: 1, height: 1 }),
        onPicture: () => () => {},
        onLost: (cb) => {
          lostCbs.push(cb);
          return () => {};
        },
        close: () => void t.log.push(`close ${name}`),
      };
    });
    const p = createPicture({ sources: t.sources, saveCameraChoice: () => {}, reportError: t.report });
    await p.startCamera({});
    expect(p.current()?.name).toBe('camera 1');
    lostCbs[0]('The camera stopped sending pictures.');
    expect(p.state()).toEqual({ kind: 'error', message: 'The camera stopped sending pictures.' });
    expect(p.current()).toBeNull();
    // A late second report of the same camera changes nothing.
    lostCbs[0]('again');
    expect(p.state()).toEqual({ kind: 'error', message: 'The camera stopped sending pictures.' });
    p.useCamera({});
    await expect.poll(() => p.current()?.name).toBe('camera 2');
    expect(t.log).toEqual(['open camera 1', 'close camera 1', 'open camera 2']);
  });
});
