// The open-model dialog's file filters, from the importer registry: every file ConvScope opens,
// then one entry per format, then all files. Electron-free (Electron's FileFilter is this shape).
import { acceptedExtensions, modelFormats } from '../importers/registry';

export interface FileFilter {
  name: string;
  /** Without the dot, as Electron wants them. */
  extensions: string[];
}

const bare = (ext: string) => ext.replace(/^\./, '');

export function modelFileFilters(): FileFilter[] {
  const formats = modelFormats();
  return [
    { name: `Models (${formats.map((f) => f.label).join(', ')}, manifest)`, extensions: acceptedExtensions().map(bare) },
    ...formats.map((f) => ({ name: `${f.label} (${f.description})`, extensions: f.extensions.map(bare) })),
    { name: 'All files', extensions: ['*'] },
  ];
}
