import { describe, expect, it } from 'vitest';
import { checkHttpRequest, checkUpgrade, hostAllowed, originAllowed, parseTarget, tokenMatches } from './guard';

const port = 8731;
const token = '0123456789abcdef0123456789abcdef';
const cfg = { port, token };
const host = `127.0.0.1:${port}`;
const origin = `http://${host}`;

const status = (v: ReturnType<typeof checkUpgrade>) => (v.ok ? 200 : v.status);

describe('hostAllowed', () => {
  it('accepts the loopback names on our port only', () => {
    expect(hostAllowed(`127.0.0.1:${port}`, port)).toBe(true);
    expect(hostAllowed(`localhost:${port}`, port)).toBe(true);
    for (const h of [undefined, '', '127.0.0.1', `127.0.0.1:${port + 1}`, `evil.example:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `127.0.0.1:${port}.evil.example`]) {
      expect(hostAllowed(h, port), String(h)).toBe(false);
    }
  });
});

describe('originAllowed', () => {
  it('accepts a missing Origin only where it is not required', () => {
    expect(originAllowed(undefined, host, port, false)).toBe(true);
    expect(originAllowed(undefined, host, port, true)).toBe(false);
  });

  it('accepts only the origin the Host header names', () => {
    expect(originAllowed(origin, host, port, true)).toBe(true);
    expect(originAllowed(`http://localhost:${port}`, `localhost:${port}`, port, true)).toBe(true);
    // Our other name, but not the one this request was addressed to.
    expect(originAllowed(`http://localhost:${port}`, host, port, true)).toBe(false);
    for (const o of ['null', 'http://evil.example', `https://${host}`, `${origin}/`, `http://127.0.0.1:${port + 1}`]) {
      expect(originAllowed(o, host, port, false), o).toBe(false);
    }
    // An Origin matching a Host header that is not ours proves nothing.
    expect(originAllowed('http://evil.example', 'evil.example', port, false)).toBe(false);
  });
});

describe('tokenMatches', () => {
  it('accepts exactly the token', () => {
    expect(tokenMatches(token, token)).toBe(true);
    for (const t of [undefined, '', token.slice(1), `${token}0`, 'f'.repeat(32), token.toUpperCase()]) {
      expect(tokenMatches(t, token), String(t)).toBe(false);
    }
  });
});

describe('parseTarget', () => {
  it('reads plain paths with their query', () => {
    const url = parseTarget('/engine?token=abc');
    expect(url?.pathname).toBe('/engine');
    expect(url?.searchParams.get('token')).toBe('abc');
  });

  it('returns null instead of throwing for targets that are not plain paths', () => {
    for (const t of [undefined, '', '*', 'engine', '//evil.example/engine', '/\\evil.example/engine', 'http://127.0.0.1:99999/engine', `http://${host}/engine`, 'http://[::1/engine']) {
      expect(parseTarget(t), String(t)).toBeNull();
    }
  });
});

describe('checkHttpRequest', () => {
  it('lets the renderer files through with the right Host alone', () => {
    expect(status(checkHttpRequest('/', { host }, cfg))).toBe(200);
    expect(status(checkHttpRequest('/assets/app.js', { host, origin: 'http://evil.example' }, cfg))).toBe(200);
  });

  it('refuses each failed check with its own status', () => {
    expect(status(checkHttpRequest('/', {}, cfg))).toBe(421);
    expect(status(checkHttpRequest('/', { host: `evil.example:${port}` }, cfg))).toBe(421);
    expect(status(checkHttpRequest('http://127.0.0.1:99999/', { host }, cfg))).toBe(400);
    expect(status(checkHttpRequest('/api/settings', { host, origin: 'http://evil.example', 'x-convscope-token': token }, cfg))).toBe(403);
    expect(status(checkHttpRequest('/api/settings', { host }, cfg))).toBe(401);
    expect(status(checkHttpRequest('/api/settings?token=nope', { host }, cfg))).toBe(401);
    expect(status(checkHttpRequest('/api/settings', { host, 'x-convscope-token': 'f'.repeat(32) }, cfg))).toBe(401);
  });

  it('accepts the token from the header or the query, with or without our Origin', () => {
    expect(status(checkHttpRequest('/api/settings', { host, 'x-convscope-token': token }, cfg))).toBe(200);
    expect(status(checkHttpRequest(`/api/settings?token=${token}`, { host, origin }, cfg))).toBe(200);
  });
});

describe('checkUpgrade', () => {
  const ok = { host, origin };
  it('accepts /engine from our own page with the token', () => {
    const v = checkUpgrade(`/engine?token=${token}`, ok, cfg);
    expect(v.ok && v.url.pathname).toBe('/engine');
  });

  it('refuses each failed check with its own status', () => {
    expect(status(checkUpgrade(`/engine?token=${token}`, { origin }, cfg))).toBe(421);
    expect(status(checkUpgrade(`/engine?token=${token}`, { host: `localhost:${port + 1}`, origin }, cfg))).toBe(421);
    // The request that used to end the server: an absolute target with an invalid port.
    expect(status(checkUpgrade('http://127.0.0.1:99999/engine', { host }, cfg))).toBe(400);
    expect(status(checkUpgrade(`//evil.example/engine?token=${token}`, ok, cfg))).toBe(400);
    expect(status(checkUpgrade(`/other?token=${token}`, ok, cfg))).toBe(404);
    expect(status(checkUpgrade(`/engine?token=${token}`, { host }, cfg))).toBe(403);
    expect(status(checkUpgrade(`/engine?token=${token}`, { host, origin: 'http://evil.example' }, cfg))).toBe(403);
    expect(status(checkUpgrade('/engine', ok, cfg))).toBe(401);
    expect(status(checkUpgrade('/engine?token=wrong', ok, cfg))).toBe(401);
  });
});
