// The command-line wrapper writes the same .caffemodel as the module for the same seed, and says
// what it wrote; a bad option is refused with the usage.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRandomCaffemodel } from '../src-main/importers/caffe/testing/random-weights';

const root = resolve(__dirname, '..');
const net = join(root, 'src-main/importers/caffe/testing/nets/deploy_age.prototxt');
const tmp = mkdtempSync(join(tmpdir(), 'random-weights-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scripts/random-weights.mjs', () => {
  it('writes the seeded caffemodel and reports its size', () => {
    const out = join(tmp, 'cli.caffemodel');
    const text = execFileSync(process.execPath, [join(root, 'scripts/random-weights.mjs'), net, out, '--seed', '4'], { encoding: 'utf8' });
    expect(text).toMatch(/cli\.caffemodel: 6 layers, 11,415,048 weights, 43\.5 MB in [\d.]+ s/);
    writeRandomCaffemodel(net, join(tmp, 'module.caffemodel'), { seed: 4 });
    expect(readFileSync(out).equals(readFileSync(join(tmp, 'module.caffemodel')))).toBe(true);
  });

  it('refuses a seed that is not a number', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts/random-weights.mjs'), net, join(tmp, 'x.caffemodel'), '--seed', 'abc'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--seed needs a number, got "abc"');
  });
});
