// Zip reading with fflate's streaming unzipper: members to memory or to files, and the messages
// for archives that are not zips, are cut short or hold more than allowed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZip } from './zip';

const dir = mkdtempSync(join(tmpdir(), 'zip-'));
const big = new Uint8Array(9 << 20).map((_, i) => (i * 31) & 0xff);
const archive = join(dir, 'a.zip');
writeFileSync(archive, zipSync({ 'config.json': strToU8('{"a":1}'), 'skip.txt': strToU8('x'), 'data.bin': [big, { level: 0 }], 'packed.bin': [big, { level: 6 }] }));

describe('readZip', () => {
  it('keeps small members in memory, writes large ones to files, skips the rest', async () => {
    const fractions: number[] = [];
    const z = await readZip(archive, (m) => (m === 'config.json' ? { memory: 1024 } : m.endsWith('.bin') ? { file: join(dir, m), maxBytes: 64 << 20 } : 'skip'), { onProgress: (f) => fractions.push(f) });
    expect(z.names).toEqual(['config.json', 'skip.txt', 'data.bin', 'packed.bin']);
    expect(new TextDecoder().decode(z.memory.get('config.json'))).toBe('{"a":1}');
    expect(z.files.get('data.bin')).toBe(big.length);
    expect(readFileSync(join(dir, 'data.bin')).equals(Buffer.from(big))).toBe(true);
    expect(readFileSync(join(dir, 'packed.bin')).equals(Buffer.from(big))).toBe(true);
    expect(fractions.at(-1)).toBe(1);
  });

  it('refuses members larger than allowed', async () => {
    await expect(readZip(archive, (m) => (m === 'data.bin' ? { memory: 1000 } : 'skip'))).rejects.toThrow('a.zip: data.bin: larger than 1000 bytes');
    await expect(readZip(archive, (m) => (m === 'packed.bin' ? { file: join(dir, 'x.bin'), maxBytes: 1 << 20 } : 'skip'))).rejects.toThrow('a.zip: packed.bin: unpacks to more than 1048576 bytes');
  });

  it('names archives that are not zips or are cut short', async () => {
    writeFileSync(join(dir, 'text.zip'), 'not a zip at all, just some text');
    await expect(readZip(join(dir, 'text.zip'), () => 'skip')).rejects.toThrow('text.zip: not a zip archive');
    const bytes = readFileSync(archive);
    writeFileSync(join(dir, 'cut.zip'), bytes.subarray(0, bytes.length >> 1));
    await expect(readZip(join(dir, 'cut.zip'), (m) => (m.endsWith('.bin') ? { file: join(dir, `cut-${m}`), maxBytes: 64 << 20 } : 'skip'))).rejects.toThrow(/^cut.zip: truncated/);
  });
});
