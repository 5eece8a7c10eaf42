// The window shows our page and nothing else: new windows are refused, and so is navigation of
// any frame to another page (a dropped file or a link cannot replace the app; reloads, which are
// not navigations, still work).
import type { WebContents } from 'electron';
import { isOwnPage } from './own-page';

export function lockNavigation(wc: WebContents, pageUrl: string, log: (line: string) => void): void {
  wc.setWindowOpenHandler(({ url }) => {
    log(`refused to open a window for ${url}`);
    return { action: 'deny' };
  });
  wc.on('will-frame-navigate', (e) => {
    if (isOwnPage(e.url, pageUrl)) return;
    log(`refused navigation to ${e.url}`);
    e.preventDefault();
  });
  wc.on('will-redirect', (e) => {
    if (isOwnPage(e.url, pageUrl)) return;
    log(`refused redirect to ${e.url}`);
    e.preventDefault();
  });
  wc.on('will-attach-webview', (e) => e.preventDefault());
}
