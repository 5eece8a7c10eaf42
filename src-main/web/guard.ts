// Who may talk to the browser-mode server, as pure functions of a request's target and headers.
// The Host header must name this server (no DNS rebinding), the target must be a plain path, API
// calls and WebSocket upgrades must come from the server's own Origin and carry the random token,
// so a web page the user happens to visit cannot drive the engine. Nothing here throws: a request
// that cannot be parsed is refused like any other.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface GuardConfig {
  /** The port the server listens on. */
  port: number;
  token: string;
}

export type Verdict = { ok: true; url: URL } | { ok: false; status: number; message: string };

const refuse = (status: number, message: string): Verdict => ({ ok: false, status, message });

/** Only names of this machine's loopback interface, on our port. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/**
 * Same-origin GETs carry no Origin header; anything that does carry one must be this server as the
 * Host header names it. WebSocket upgrades always carry one in browsers, so there it is required.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, port: number, required: boolean): boolean {
  if (origin === undefined) return !required;
  return hostAllowed(host, port) && origin === `http://${host}`;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const BASE = 'http://127.0.0.1';

/**
 * The request target as a URL, or null when it is not a plain path ("/x?y"): absolute-form targets
 * ("http://host:99999/engine"), "//host/…", "/\\host/…" (which URL parsing also reads as a host),
 * "*" and anything unparsable are refused.
 */
export function parseTarget(target: string | undefined): URL | null {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return null;
  try {
    // A fixed base: the Host header has been checked separately and never takes part in parsing.
    const url = new URL(target, BASE);
    return url.origin === BASE ? url : null;
  } catch {
    return null;
  }
}

type Headers = Pick<IncomingHttpHeaders, 'host' | 'origin'> & { 'x-convscope-token'?: string | string[] };

function givenToken(headers: Headers, url: URL): string {
  const h = headers['x-convscope-token'];
  return (Array.isArray(h) ? h[0] : h) ?? url.searchParams.get('token') ?? '';
}

/** Checks common to every request: addressed to us, with a target we can read. */
function checkAddress(target: string | undefined, headers: Headers, cfg: GuardConfig): Verdict {
  if (!hostAllowed(headers.host, cfg.port)) return refuse(421, 'This server only answers to 127.0.0.1 and localhost.');
  const url = parseTarget(target);
  if (!url) return refuse(400, 'bad request target');
  return { ok: true, url };
}

/** An HTTP request: the renderer's files need only the right Host; /api/ also needs Origin and token. */
export function checkHttpRequest(target: string | undefined, headers: Headers, cfg: GuardConfig): Verdict {
  const v = checkAddress(target, headers, cfg);
  if (!v.ok || !v.url.pathname.startsWith('/api/')) return v;
  if (!originAllowed(headers.origin, headers.host, cfg.port, false)) return refuse(403, 'cross-origin request refused');
  if (!tokenMatches(givenToken(headers, v.url), cfg.token)) return refuse(401, 'missing or wrong access token');
  return v;
}

/** A WebSocket upgrade: only /engine, from our own page, with the token. */
export function checkUpgrade(target: string | undefined, headers: Headers, cfg: GuardConfig): Verdict {
  const v = checkAddress(target, headers, cfg);
  if (!v.ok) return v;
  if (v.url.pathname !== '/engine') return refuse(404, 'Not Found');
  if (!originAllowed(headers.origin, headers.host, cfg.port, true)) return refuse(403, 'Forbidden');
  if (!tokenMatches(givenToken(headers, v.url), cfg.token)) return refuse(401, 'Unauthorized');
  return v;
}
