// `node scripts/random-weights.mjs NET.prototxt OUT.caffemodel [--seed N] [--last-gain G]`: a
// .caffemodel with seeded random weights for a deploy prototxt (nets whose trained weights are not
// available: src-main/importers/caffe/testing/nets/ has an age_net and DEX-shaped VGG-16s). The
// same seed gives the same bytes. Runs the TypeScript module through tsx.
import { tsImport } from 'tsx/esm/api';

const args = process.argv.slice(2);
const files = [];
const opts = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--seed' || a === '--last-gain') {
    const v = Number(args[++i]);
    if (!Number.isFinite(v)) {
      console.error(`${a} needs a number, got ${JSON.stringify(args[i])}`);
      process.exit(2);
    }
    opts[a === '--seed' ? 'seed' : 'lastGain'] = v;
  } else files.push(a);
}
if (files.length !== 2) {
  console.error('usage: node scripts/random-weights.mjs NET.prototxt OUT.caffemodel [--seed N] [--last-gain G]');
  process.exit(2);
}
const { writeRandomCaffemodel } = await tsImport('../src-main/importers/caffe/testing/random-weights.ts', import.meta.url);
try {
  const t0 = performance.now();
  const { layers, bytes } = writeRandomCaffemodel(files[0], files[1], opts);
  const weights = layers.reduce((s, l) => s + l.blobs.reduce((t, b) => t + b.shape.reduce((x, y) => x * y, 1), 0), 0);
  console.log(`${files[1]}: ${layers.length} layers, ${weights.toLocaleString('en-US')} weights, ${(bytes / 2 ** 20).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
