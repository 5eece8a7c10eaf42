import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { lockNavigation } from './navigation';

const pageUrl = 'file:///opt/ConvScope/resources/app.asar/out/renderer/index.html';

/** A WebContents that records the handlers, and lets a test fire its events. */
function fakeWebContents() {
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  const listeners = new Map<string, ((e: { url?: string; preventDefault(): void }) => void)[]>();
  const wc = {
    setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
    on: (event: string, cb: (e: { url?: string; preventDefault(): void }) => void) => listeners.set(event, [...(listeners.get(event) ?? []), cb]),
  };
  /** Fires `event` for `url`; true when a handler prevented it. */
  const fire = (event: string, url: string) => {
    let prevented = false;
    for (const cb of listeners.get(event) ?? []) cb({ url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  return { wc: wc as unknown as WebContents, open: (url: string) => openHandler!({ url }).action, fire };
}

describe('lockNavigation', () => {
  it('refuses new windows and navigation away from our page, in any frame', () => {
    const f = fakeWebContents();
    const logged: string[] = [];
    lockNavigation(f.wc, pageUrl, (l) => logged.push(l));
    for (const url of ['https://evil.example/', 'file:///etc/passwd', pageUrl]) expect(f.open(url)).toBe('deny');
    for (const url of ['https://evil.example/', 'file:///tmp/dropped.html', 'javascript:alert(1)', 'data:text/html,x']) {
      expect(f.fire('will-frame-navigate', url), url).toBe(true);
      expect(f.fire('will-redirect', url), url).toBe(true);
    }
    expect(f.fire('will-frame-navigate', `${pageUrl}#panel`)).toBe(false);
    expect(f.fire('will-attach-webview', 'https://evil.example/')).toBe(true);
    expect(logged).toContain('refused navigation to https://evil.example/');
  });
});
