// Face models opened from files get a proposed manifest that knows what they are: Levi & Hassner's
// age_net and gender_net, DEX-style age nets. The age nets load through the real engine with
// random weights written at test time (src-main/importers/caffe/testing/random-weights.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ageBuckets, expectedAge } from '../../src-shared/age';
import type { ModelManifest } from '../../src-shared/contract';
import { ModelRuntime } from '../engine/runtime';
import { sharedData } from '../engine/testing/data';
import { readImage } from '../formats/image';
import { writeRandomCaffemodel } from '../importers/caffe/testing/random-weights';
import { ADIENCE_AGES, ADIENCE_MEAN_BGR, proposeFaceModel, recogniseFaceModel, VGG_MEAN_BGR, type FaceModelHints } from './face-proposal';

const nets = resolve(__dirname, '../importers/caffe/testing/nets');
const mean = resolve(sharedData, 'caffe/gender_net/mean.binaryproto');
const tmp = mkdtempSync(join(tmpdir(), 'face-models-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const caffe = (size: number, classes: number): Partial<ModelManifest> => ({
  format: 'caffe',
  input: { name: 'data', shape: [1, 3, size, size], layout: 'NCHW' },
  output: { name: 'prob', softmax: false },
  preprocess: { colour: 'bgr' },
  labels: Array.from({ length: classes }, (_, i) => String(i)),
});
const LH_LAYERS = ['conv1', 'relu1', 'pool1', 'norm1', 'conv2', 'conv3', 'pool5', 'fc6', 'fc7', 'fc8', 'prob'];
const hints = (files: string[], layers: string[], classes: number): FaceModelHints => ({ files, layers, classes });

describe('recognising face models', () => {
  it('knows age_net and gender_net by their output count with their file or layer names', () => {
    expect(recogniseFaceModel(caffe(227, 8), hints(['deploy_age.prototxt', 'age_net.caffemodel'], [], 8))).toBe('levi-hassner-age');
    expect(recogniseFaceModel(caffe(227, 8), hints(['net.prototxt', 'w.caffemodel'], LH_LAYERS, 8))).toBe('levi-hassner-age');
    expect(recogniseFaceModel(caffe(227, 2), hints(['deploy_gender.prototxt', 'gender_net.caffemodel'], [], 2))).toBe('levi-hassner-gender');
    expect(recogniseFaceModel(caffe(227, 2), hints(['net.prototxt'], LH_LAYERS, 2))).toBe('levi-hassner-gender');
    expect(recogniseFaceModel(caffe(224, 101), hints(['dex_chalearn_iccv2015.caffemodel', 'age.prototxt'], [], 101))).toBe('dex');
  });

  it('leaves other nets alone', () => {
    // An 8-class CaffeNet-size net with neither the names nor the layers; a 1000-class ImageNet VGG.
    expect(recogniseFaceModel(caffe(227, 8), hints(['deploy.prototxt', 'w.caffemodel'], ['conv1', 'fc8'], 8))).toBeUndefined();
    expect(recogniseFaceModel(caffe(224, 1000), hints(['age.prototxt'], [], 1000))).toBeUndefined();
    // CaffeNet / AlexNet fine-tuned to 8 classes has conv4 and conv5 too.
    expect(recogniseFaceModel(caffe(227, 8), hints(['deploy.prototxt', 'w.caffemodel'], [...LH_LAYERS, 'conv4', 'conv5'], 8))).toBeUndefined();
    // A gender-named file with 8 outputs, an age-named file with 2: the names and the count disagree.
    expect(recogniseFaceModel(caffe(227, 8), hints(['gender.prototxt'], LH_LAYERS, 8))).toBeUndefined();
    expect(recogniseFaceModel(caffe(227, 2), hints(['age_net.prototxt'], LH_LAYERS, 2))).toBeUndefined();
    // "image" is not "age"; gray input is not a face net.
    expect(recogniseFaceModel(caffe(224, 101), hints(['image_model.prototxt'], [], 101))).toBeUndefined();
    const gray = { ...caffe(227, 8), input: { shape: [1, 1, 227, 227], layout: 'NCHW' as const }, preprocess: { colour: 'gray' as const } };
    expect(recogniseFaceModel(gray, hints(['age.prototxt'], LH_LAYERS, 8))).toBeUndefined();
    const mnist = caffe(28, 10);
    expect(proposeFaceModel(mnist, hints(['lenet.prototxt'], ['conv1'], 10))).toBe(mnist);
  });

  it('replaces only what the importer guessed: index labels and a missing mean', () => {
    const proposed = { ...caffe(227, 8), labels: ['baby', 'child', 'kid', 'teen', 'young', 'adult', 'middle', 'old'], preprocess: { colour: 'bgr' as const, meanFile: '/m/mean.binaryproto' } };
    const m = proposeFaceModel(proposed, hints(['age_net.caffemodel'], [], 8));
    expect(m.labels).toEqual(proposed.labels);
    expect(m.preprocess).toEqual({ colour: 'bgr', meanFile: '/m/mean.binaryproto' });
    expect(m.output).toEqual({ name: 'prob', softmax: false, kind: 'age', ages: ADIENCE_AGES });
    const bare = proposeFaceModel(caffe(227, 2), hints(['gender_net.caffemodel'], [], 2));
    expect(bare).toMatchObject({ labels: ['Male', 'Female'], preprocess: { colour: 'bgr', mean: ADIENCE_MEAN_BGR }, crop: { mode: 'face' } });
    expect(bare.output?.kind).toBeUndefined();
  });
});

describe('age nets opened from files (random weights)', () => {
  it('age_net with its mean image: the proposed manifest says the 8 Adience age groups and follows faces', async () => {
    const prototxt = join(nets, 'deploy_age.prototxt');
    const weights = join(tmp, 'age_net.caffemodel');
    writeRandomCaffemodel(prototxt, weights, { seed: 7 });
    const rt = await ModelRuntime.load({ paths: [prototxt, weights, mean] }, tmp, { forceCpu: true });
    try {
      const m = rt.info.manifest;
      expect(rt.info.input).toEqual({ c: 3, h: 227, w: 227 });
      expect(m.output).toMatchObject({ kind: 'age', ages: [[0, 2], [4, 6], [8, 12], [15, 20], [25, 32], [38, 43], [48, 53], [60, null]] });
      expect(rt.info.labels).toEqual(['0–2', '4–6', '8–12', '15–20', '25–32', '38–43', '48–53', '60+']);
      expect(m.preprocess).toEqual({ colour: 'bgr', meanFile: mean });
      expect(m.crop).toEqual({ mode: 'face', margin: 1.6 });
      const buckets = ageBuckets(m.output, rt.info.labels)!;
      expect(buckets.map((b) => b.age)).toEqual([1, 5, 10, 17.5, 28.5, 40.5, 50.5, 70]);

      const face = readImage(resolve(sharedData, 'faces/obama_small.jpg'));
      const r = await rt.run({ ...face, id: 1, t: 0 }, { dropped: 0 });
      expect(r.probs).toHaveLength(8);
      expect(r.probs.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
      // Random weights, but not a degenerate output: no class takes it all.
      expect(Math.max(...r.probs)).toBeLessThan(0.95);
    } finally {
      await rt.release();
    }
  });

  it('the user\'s own settings win over the proposal', async () => {
    const prototxt = join(nets, 'deploy_age.prototxt');
    const weights = join(tmp, 'age_net_user.caffemodel');
    writeRandomCaffemodel(prototxt, weights, { seed: 8 });
    const labels = ['baby', 'toddler', 'child', 'teen', 'young adult', 'adult', 'middle-aged', 'senior'];
    const rt = await ModelRuntime.load({ paths: [prototxt, weights], manifest: { labels, crop: { mode: 'manual' } } }, tmp, { forceCpu: true });
    try {
      expect(rt.info.labels).toEqual(labels);
      expect(rt.info.manifest.crop).toEqual({ mode: 'manual', margin: 1.6 });
      expect(rt.info.manifest.preprocess.mean).toEqual(ADIENCE_MEAN_BGR);
      expect(rt.info.manifest.output?.kind).toBe('age');
    } finally {
      await rt.release();
    }
  });

  it('a DEX-shaped VGG-16 (fc6/fc7 of 256): ages 0 … 100, and the readout is Σ p·age of its output', async () => {
    const prototxt = join(nets, 'dex_vgg16_small.prototxt');
    const weights = join(tmp, 'dex_age.caffemodel');
    writeRandomCaffemodel(prototxt, weights, { seed: 3 });
    const rt = await ModelRuntime.load({ paths: [prototxt, weights] }, tmp, { forceCpu: true });
    try {
      const m = rt.info.manifest;
      expect(rt.info.input).toEqual({ c: 3, h: 224, w: 224 });
      expect(m.output?.kind).toBe('age');
      expect(m.output?.ages).toEqual(Array.from({ length: 101 }, (_, a) => a));
      expect(m.preprocess).toEqual({ colour: 'bgr', mean: VGG_MEAN_BGR });
      expect(m.crop).toEqual({ mode: 'face', margin: 1.8 });
      const face = readImage(resolve(sharedData, 'faces/rose_leslie_img1.jpg'));
      const r = await rt.run({ ...face, id: 1, t: 0 }, { dropped: 0 });
      expect(r.probs).toHaveLength(101);
      let sum = 0;
      for (let a = 0; a <= 100; a++) sum += a * r.probs[a];
      const total = r.probs.reduce((s, p) => s + p, 0);
      const readout = expectedAge(r.probs, ageBuckets(m.output, rt.info.labels)!.map((b) => b.age));
      expect(readout).toBeCloseTo(sum / total, 6);
      expect(readout).toBeGreaterThan(0);
      expect(readout).toBeLessThan(100);
    } finally {
      await rt.release();
    }
  });
});
