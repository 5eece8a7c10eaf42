import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caffeImporter } from './caffe/index';
import { onnxImporter } from './onnx/index';
import { acceptedExtensions, IMPORTERS, isModelFile, matchModelFiles, modelFormats } from './registry';

describe('importer registry', () => {
  it('lists every format once, with the extensions its importer reads', () => {
    expect(IMPORTERS.map((i) => i.format)).toEqual(['onnx', 'caffe', 'keras']);
    expect(new Set(IMPORTERS.map((i) => i.format)).size).toBe(IMPORTERS.length);
    expect(acceptedExtensions()).toEqual(['.onnx', '.prototxt', '.pbtxt', '.caffemodel', '.binaryproto', '.h5', '.hdf5', '.keras', '.json', '.bin']);
    expect(modelFormats()).toEqual(IMPORTERS.map((i) => ({ format: i.format, label: i.label, description: i.description, extensions: [...i.extensions] })));
    for (const i of IMPORTERS) expect(i.extensions.every((e) => /^\.[a-z0-9]+$/.test(e))).toBe(true);
  });

  it('sorts the files of one model to its importer', () => {
    expect(matchModelFiles(['/m/net.onnx'])).toEqual({ importer: onnxImporter, files: { model: '/m/net.onnx', extras: [] } });
    expect(matchModelFiles(['/m/w.caffemodel', '/m/deploy.prototxt'])).toEqual({
      importer: caffeImporter, files: { model: '/m/deploy.prototxt', weights: '/m/w.caffemodel', extras: [] },
    });
    expect(matchModelFiles(['/m/deploy.prototxt', '/m/w.caffemodel', '/m/mean.binaryproto'])).toMatchObject({ importer: caffeImporter, files: { extras: ['/m/mean.binaryproto'] } });
    expect(matchModelFiles(['/m/NET.ONNX']).files.model).toBe('/m/NET.ONNX');
  });

  it('opens a .pbtxt net dropped together with its .caffemodel as a Caffe model', () => {
    expect(acceptedExtensions()).toContain('.pbtxt');
    expect(matchModelFiles(['/m/net.pbtxt', '/m/w.caffemodel']).files).toEqual({ model: '/m/net.pbtxt', weights: '/m/w.caffemodel', extras: [] });
  });

  it('treats a .json no importer claims as the manifest, for any format', () => {
    expect(matchModelFiles(['/m/net.onnx', '/m/net.json'])).toMatchObject({ files: { model: '/m/net.onnx' }, manifest: '/m/net.json' });
    expect(matchModelFiles(['/m/manifest.json', '/m/deploy.prototxt', '/m/w.caffemodel'])).toMatchObject({ importer: caffeImporter, manifest: '/m/manifest.json' });
    expect(() => matchModelFiles(['/m/net.onnx', '/m/a.json', '/m/b.json'])).toThrow('several manifests given (a.json, b.json); pick one');
    expect(isModelFile('/m/net.json')).toBe(false);
    expect(isModelFile('/m/net.onnx')).toBe(true);
  });

  it('says what is missing or extra', () => {
    expect(() => matchModelFiles(['/m/deploy.prototxt'])).toThrow('deploy.prototxt: a Caffe net also needs its trained weights (.caffemodel)');
    expect(() => matchModelFiles(['/m/w.caffemodel'])).toThrow('w.caffemodel: a Caffe model also needs its deploy .prototxt');
    expect(() => matchModelFiles(['/m/mean.binaryproto'])).toThrow(/^mean\.binaryproto: a mean file goes with a Caffe model/);
    expect(() => matchModelFiles(['/m/a.onnx', '/m/b.onnx'])).toThrow('several .onnx files given (a.onnx, b.onnx); open one model at a time');
    expect(() => matchModelFiles(['/m/a.prototxt', '/m/b.pbtxt', '/m/w.caffemodel'])).toThrow('several .prototxt files given (a.prototxt, b.pbtxt); pick one');
    expect(() => matchModelFiles(['/m/net.onnx', '/m/deploy.prototxt', '/m/w.caffemodel'])).toThrow(
      'files of more than one model format given (ONNX: net.onnx; Caffe: deploy.prototxt, w.caffemodel); open one model at a time',
    );
    expect(() => matchModelFiles(['/m/net.onnx', '/m/deploy.prototxt'])).toThrow(/^files of more than one model format given \(ONNX: net\.onnx; Caffe: deploy\.prototxt\)/);
    expect(() => matchModelFiles(['/m/only.json'])).toThrow(/^no model file among only\.json \(ONNX: one \.onnx file; Caffe: a deploy \.prototxt/);
    expect(() => matchModelFiles([])).toThrow('no model file given');
  });

  it('names a file no format reads and lists what can be opened', () => {
    const message = (() => {
      try {
        matchModelFiles(['/m/net.onnx', '/m/photo.jpg']);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/^photo\.jpg: not a model file ConvScope can open/);
    for (const e of acceptedExtensions()) expect(message).toContain(e);
  });

  it('reads an .onnx file and proposes a manifest from its graph; a broken file is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convscope-onnx-'));
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, 'not protobuf');
    await expect(onnxImporter.import({ model: bad, extras: [] })).rejects.toThrow(`${bad}: not a valid ONNX model`);
    await expect(onnxImporter.import({ model: join(dir, 'missing.onnx'), extras: [] })).rejects.toThrow(/missing\.onnx: cannot read model file \(ENOENT\)/);
  });
});
