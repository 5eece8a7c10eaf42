import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staticFile } from './static';

const root = resolve('/srv/convscope/renderer');

describe('staticFile', () => {
  it('maps URL paths to files inside the renderer folder', () => {
    expect(staticFile(root, '/')).toBe(join(root, 'index.html'));
    expect(staticFile(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(staticFile(root, '/assets/my%20font.woff2')).toBe(join(root, 'assets', 'my font.woff2'));
  });

  it('finds nothing outside the folder, however the path is written', () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/%2e%2e%2fsecret.txt', '/..%5csecret.txt', '/.', '/index.html%00.js', '/%E0%A4%A']) {
      const file = staticFile(root, p);
      expect(file === null || file.startsWith(root + sep), `${p} → ${file}`).toBe(true);
    }
    expect(staticFile(root, '/%2e%2e/secret.txt')).toBeNull();
    expect(staticFile(root, '/index.html%00.js')).toBeNull();
    expect(staticFile(root, '/%E0%A4%A')).toBeNull();
    expect(staticFile(root, '/.')).toBeNull();
  });
});
