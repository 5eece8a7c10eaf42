import type { Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { allowPermission, limitPermissions, type PermissionAsk } from './permissions';

const pageUrl = 'file:///opt/ConvScope/resources/app.asar/out/renderer/index.html';
const camera: PermissionAsk = { permission: 'media', requestingUrl: pageUrl, isMainFrame: true, mediaTypes: ['video'] };

describe('allowPermission', () => {
  it('gives the camera to the top frame of our own page', () => {
    expect(allowPermission(camera, pageUrl)).toBe(true);
    expect(allowPermission({ ...camera, requestingUrl: `${pageUrl}?x#y` }, pageUrl)).toBe(true);
    expect(allowPermission({ ...camera, requestingUrl: 'http://localhost:5173/' }, 'http://localhost:5173/')).toBe(true);
  });

  it('refuses the microphone, other permissions, other pages and subframes', () => {
    const refused: PermissionAsk[] = [
      { ...camera, mediaTypes: ['audio'] },
      { ...camera, mediaTypes: ['video', 'audio'] },
      { ...camera, mediaTypes: [] },
      { ...camera, mediaTypes: ['unknown'] },
      ...['display-capture', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'usb', 'hid', 'serial', 'midiSysex', 'fullscreen', 'pointerLock'].map(
        (permission) => ({ ...camera, permission }),
      ),
      { ...camera, isMainFrame: false },
      { ...camera, requestingUrl: undefined },
      { ...camera, requestingUrl: '' },
      { ...camera, requestingUrl: 'https://evil.example/' },
      { ...camera, requestingUrl: 'file:///tmp/evil.html' },
      { ...camera, requestingUrl: 'http://localhost:5174/' },
    ];
    for (const ask of refused) expect(allowPermission(ask, pageUrl), JSON.stringify(ask)).toBe(false);
  });
});

describe('limitPermissions', () => {
  it("answers the session's requests and checks with the same decision", () => {
    type RequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
    type CheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
    let request: RequestHandler = null;
    let check: CheckHandler = null;
    const session = {
      setPermissionRequestHandler: (h: RequestHandler) => (request = h),
      setPermissionCheckHandler: (h: CheckHandler) => (check = h),
    } as unknown as Session;
    const logged: string[] = [];
    limitPermissions(session, pageUrl, (l) => logged.push(l));
    const answers: boolean[] = [];
    const wc = {} as Parameters<NonNullable<RequestHandler>>[0];
    request!(wc, 'media', (ok) => answers.push(ok), { requestingUrl: pageUrl, isMainFrame: true, mediaTypes: ['video'] });
    request!(wc, 'media', (ok) => answers.push(ok), { requestingUrl: pageUrl, isMainFrame: true, mediaTypes: ['video', 'audio'] });
    request!(wc, 'notifications', (ok) => answers.push(ok), { requestingUrl: pageUrl, isMainFrame: true });
    expect(answers).toEqual([true, false, false]);
    expect(logged).toEqual([`refused permission "media" (video, audio) to ${pageUrl}`, `refused permission "notifications" to ${pageUrl}`]);
    expect(check!(wc, 'media', 'file:///', { requestingUrl: pageUrl, isMainFrame: true, mediaType: 'video' })).toBe(true);
    expect(check!(wc, 'media', 'file:///', { requestingUrl: pageUrl, isMainFrame: true, mediaType: 'audio' })).toBe(false);
    expect(check!(wc, 'media', 'file:///', { requestingUrl: pageUrl, isMainFrame: true })).toBe(false);
    expect(check!(null, 'geolocation', 'file:///', { requestingUrl: pageUrl, isMainFrame: true })).toBe(false);
    expect(check!(wc, 'media', 'https://evil.example', { requestingUrl: 'https://evil.example/', isMainFrame: true, mediaType: 'video' })).toBe(false);
  });
});
