// What the window's pages may use: the camera (video capture) for our own page's top frame, and
// nothing else — no microphone, screen capture, notifications, geolocation, USB, clipboard, … .
// Electron asks twice: a synchronous check (does the page have it already?) and an asynchronous
// request (may it have it?); both go through one decision. The session is passed in, so this file
// needs Electron only for its types.
import type { Session, WebContents } from 'electron';
import { isOwnPage } from './own-page';

/** One permission question, from a check or a request. */
export interface PermissionAsk {
  permission: string;
  /** The URL of the frame that asks; absent when Electron does not know it. */
  requestingUrl?: string;
  isMainFrame: boolean;
  /** For 'media': what it wants, 'video' (camera) and/or 'audio' (microphone). */
  mediaTypes: readonly string[];
}

/** Allows the camera, and only the camera, to the top frame of our own page. */
export function allowPermission(ask: PermissionAsk, pageUrl: string): boolean {
  return (
    ask.permission === 'media' &&
    ask.isMainFrame &&
    ask.requestingUrl !== undefined &&
    isOwnPage(ask.requestingUrl, pageUrl) &&
    ask.mediaTypes.length > 0 &&
    ask.mediaTypes.every((t) => t === 'video')
  );
}

/** Installs the decision as the session's permission request and check handlers. */
export function limitPermissions(session: Session, pageUrl: string, log: (line: string) => void): void {
  session.setPermissionRequestHandler((_wc: WebContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    const ask: PermissionAsk = { permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame, mediaTypes };
    const allowed = allowPermission(ask, pageUrl);
    if (!allowed) log(`refused permission "${permission}"${mediaTypes.length ? ` (${mediaTypes.join(', ')})` : ''} to ${details.requestingUrl || 'an unknown frame'}`);
    callback(allowed);
  });
  session.setPermissionCheckHandler((_wc, permission, _origin, details) =>
    allowPermission({ permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame, mediaTypes: details.mediaType ? [details.mediaType] : [] }, pageUrl),
  );
}
