// Which frames count as ConvScope's own page: the IPC handlers, the permission handlers and the
// navigation guard all answer only to it.

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function decodedPath(url: URL): string {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return url.pathname;
  }
}

/**
 * Whether a frame shows our own page: the same file (file: URLs all share the origin "null", so
 * the path decides) or, for the development server, the same origin.
 */
export function isOwnPage(frameUrl: string, pageUrl: string): boolean {
  const frame = parse(frameUrl);
  const page = parse(pageUrl);
  if (!frame || !page) return false;
  if (page.protocol === 'file:') return frame.protocol === 'file:' && frame.host === page.host && decodedPath(frame) === decodedPath(page);
  return frame.origin === page.origin;
}
