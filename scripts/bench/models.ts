// The benchmark's models: every bundled one, plus two Caffe nets of the face-age family with seeded
// random weights (their trained weights are not distributable): a CaffeNet-227 age net
// (deploy_age.prototxt, Levi & Hassner's shape) and a DEX-shaped VGG-16 (224×224, ~540 MB). The
// .caffemodel files are written once into the temp folder and reused.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSource } from '../../src-shared/contract';
import { listBundled } from '../../src-main/engine/model-source';
import { writeRandomCaffemodel } from '../../src-main/importers/caffe/testing/random-weights';
import { log } from './stats';

export interface BenchModel {
  /** Short name for tables and the JSON file. */
  key: string;
  source: ModelSource;
}

const NETS = join('src-main', 'importers', 'caffe', 'testing', 'nets');

function randomCaffeNet(root: string, key: string, prototxt: string): BenchModel {
  const dir = join(tmpdir(), 'convscope-bench');
  mkdirSync(dir, { recursive: true });
  const proto = join(root, NETS, prototxt);
  const weights = join(dir, `${key}-seed1.caffemodel`);
  if (!existsSync(weights)) {
    log(`models: writing random weights for ${prototxt} to ${weights}`);
    const tmp = `${weights}.${process.pid}.tmp`;
    writeRandomCaffemodel(proto, tmp, { seed: 1 });
    renameSync(tmp, weights);
  }
  return { key, source: { paths: [proto, weights] } };
}

/** `only` keeps the models whose key is listed (all when empty). */
export function benchModels(root: string, only: string[] = []): BenchModel[] {
  const bundled = listBundled(join(root, 'assets', 'models')).map((m) => ({ key: m.id, source: { bundled: m.id } }) as BenchModel);
  const want = (k: string) => only.length === 0 || only.includes(k);
  const out = bundled.filter((m) => want(m.key));
  if (want('caffenet-age') && existsSync(join(root, NETS, 'deploy_age.prototxt'))) out.push(randomCaffeNet(root, 'caffenet-age', 'deploy_age.prototxt'));
  if (want('dex-vgg16') && existsSync(join(root, NETS, 'dex_vgg16.prototxt'))) out.push(randomCaffeNet(root, 'dex-vgg16', 'dex_vgg16.prototxt'));
  return out;
}
