import { describe, expect, it } from 'vitest';
import { acceptedExtensions, modelFormats } from '../importers/registry';
import { modelFileFilters } from './model-file-filters';

describe('modelFileFilters', () => {
  it('offers every extension the importers accept, then each format, then all files', () => {
    const filters = modelFileFilters();
    const formats = modelFormats();
    expect(filters).toHaveLength(formats.length + 2);
    expect(filters[0].extensions.map((e) => `.${e}`).sort()).toEqual([...acceptedExtensions()].sort());
    // A Caffe net given as .pbtxt must be pickable, not only .prototxt.
    expect(filters[0].extensions).toEqual(expect.arrayContaining(['onnx', 'prototxt', 'pbtxt', 'caffemodel', 'json']));
    formats.forEach((f, i) => {
      expect(filters[i + 1].name).toContain(f.label);
      expect(filters[i + 1].extensions.map((e) => `.${e}`)).toEqual(f.extensions);
    });
    expect(filters.at(-1)).toEqual({ name: 'All files', extensions: ['*'] });
    for (const f of filters) for (const e of f.extensions) expect(e.startsWith('.')).toBe(false);
  });
});
