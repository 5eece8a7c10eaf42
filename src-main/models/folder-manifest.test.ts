import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderManifestFor } from './folder-manifest';

const folder = () => mkdtempSync(join(tmpdir(), 'convscope-folder-'));

describe("a model folder's manifest.json", () => {
  it('belongs to the model it names', () => {
    const dir = folder();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ files: { model: 'deploy.prototxt', weights: 'w.caffemodel' }, prepocess: 'typo' }));
    expect(folderManifestFor(join(dir, 'deploy.prototxt'))).toBe(join(dir, 'manifest.json'));
  });

  it("is ignored when it is not ConvScope's or names another model", () => {
    const dir = folder();
    const net = join(dir, 'deploy.prototxt');
    expect(folderManifestFor(net)).toBeUndefined();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'My PWA', short_name: 'pwa', icons: [], start_url: '.' }));
    expect(folderManifestFor(net)).toBeUndefined();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ id: 'other', files: { model: 'other.prototxt' } }));
    expect(folderManifestFor(net)).toBeUndefined();
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    expect(folderManifestFor(net)).toBeUndefined();
  });

  it("gives way to the model's own <name>.json", () => {
    const dir = folder();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ files: { model: 'net.onnx' } }));
    writeFileSync(join(dir, 'net.json'), '{}');
    expect(folderManifestFor(join(dir, 'net.onnx'))).toBeUndefined();
  });
});
