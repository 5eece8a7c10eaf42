// The renderer's built files, served read-only from one folder: a path that leaves the folder
// (../, an encoded %2e%2e, a NUL byte) is simply not found.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sendText } from './reply';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file a URL path names inside `rootDir`, or null when the path is malformed or leaves the folder. */
export function staticFile(rootDir: string, pathname: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const root = resolve(rootDir);
  const file = resolve(root, '.' + rel);
  return file.startsWith(root + sep) ? file : null;
}

export async function serveStatic(res: ServerResponse, rootDir: string, pathname: string): Promise<void> {
  const file = staticFile(rootDir, pathname);
  if (!file) return sendText(res, 404, 'not found');
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) return sendText(res, 404, 'not found');
    size = st.size;
  } catch {
    if (file === resolve(rootDir, 'index.html')) {
      return sendText(res, 503, `The renderer is not built (${resolve(rootDir)} is missing). Run "npm run build" first.`);
    }
    return sendText(res, 404, 'not found');
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    // The token is in the page's URL: never send it to anyone else.
    'Referrer-Policy': 'no-referrer',
  });
  await pipeline(createReadStream(file), res);
}
