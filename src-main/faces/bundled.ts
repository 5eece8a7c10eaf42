// Where the shipped face finder models are: assets/face-finder/mtcnn beside the bundled models folder
// (assets/models from source and in a build, resources/models in the packaged app, which ships
// assets/face-finder as resources/face-finder), else the installation's own assets folder when the
// models folder was moved with --assets.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SUBDIR = join('face-finder', 'mtcnn');

/** The folder holding det1/det2 .prototxt + .caffemodel (the first candidate when none has them, for the error). */
export function faceFinderDir(assetsDir?: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // From source this file is src-main/faces; built, it is bundled into out/main (or a chunk below it).
  const candidates = [
    ...(assetsDir ? [join(dirname(resolve(assetsDir)), SUBDIR)] : []),
    ...['../..', '../../..'].map((up) => join(resolve(here, up), 'assets', SUBDIR)),
  ];
  return candidates.find((d) => existsSync(join(d, 'det1.prototxt'))) ?? candidates[0];
}
