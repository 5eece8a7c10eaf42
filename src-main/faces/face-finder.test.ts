// The face finder on real photos, with the shipped models. The expected boxes were read by eye from
// each photo (forehead to chin, cheek to cheek, in pixels of the original) before the finder ran; a
// face counts as found where it is when the finder's square box overlaps it with IoU ≥ 0.5.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_FINDER, type FaceBox } from '../../src-shared/contract';
import { assetsDir, sharedData } from '../engine/testing/data';
import { readImage } from '../formats/image';
import { faceFinderDir } from './bundled';
import { FaceFinder } from './face-finder';
import { LazyFaceFinder } from './lazy-finder';

type Px = [x: number, y: number, w: number, h: number];

const FACES: Record<string, Px[]> = {
  'faces/obama_small.jpg': [[108, 55, 107, 130]],
  'faces/obama-240p.jpg': [[187, 15, 56, 70]],
  'faces/obama1.jpg': [[535, 160, 350, 480]],
  'faces/biden.jpg': [[410, 210, 290, 350]],
  'faces/rose_leslie_img1.jpg': [[640, 90, 250, 300]],
  'faces/kit_harington_john2.jpeg': [[315, 85, 145, 195]],
  'faces/two_people.jpg': [[225, 55, 165, 175], [780, 70, 165, 180]],
  // The photo of a man with his dog: his face, not the dog's.
  'images/dog_0.jpg': [[115, 80, 62, 65]],
};

/** Photos of animals, food and things: no person in them. */
const NO_FACES = [
  'images/banana_0.jpg', 'images/cat_2.jpg', 'images/dog_2.jpg', 'images/fish.png', 'images/granny_smith_0.jpg',
  'images/hummingbird.jpg', 'images/kitten.jpg', 'images/kitten_224.png', 'images/polar_bear.jpg', 'images/space_shuttle.jpg',
];

const MIN_IOU = 0.5;

function iouPx(a: Px, b: Px): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (a[2] * a[3] + b[2] * b[3] - w * h);
}

const toPx = (f: FaceBox, width: number, height: number): Px => [f.x * width, f.y * height, f.w * width, f.h * height];

describe('FaceFinder (MTCNN P-Net + R-Net, shipped models)', () => {
  let finder: FaceFinder;
  beforeAll(async () => {
    finder = await FaceFinder.load(faceFinderDir(assetsDir));
  }, 60_000);
  afterAll(() => finder?.release());

  async function find(file: string) {
    const img = readImage(resolve(sharedData, file));
    const { faces, ms } = await finder.find(img.rgba, img.width, img.height, DEFAULT_FACE_FINDER);
    return { faces: faces.map((f) => ({ box: toPx(f, img.width, img.height), score: f.score, f })), ms, img };
  }

  it('ships the models beside the bundled models folder', () => {
    expect(faceFinderDir(assetsDir)).toBe(resolve(assetsDir, '../face-finder/mtcnn'));
  });

  for (const [file, expected] of Object.entries(FACES)) {
    it(`finds the face${expected.length > 1 ? 's' : ''} in ${file} where ${expected.length > 1 ? 'they are' : 'it is'}`, async () => {
      const { faces } = await find(file);
      expect(faces.length, JSON.stringify(faces.map((f) => f.box))).toBe(expected.length);
      for (const want of expected) {
        const best = Math.max(...faces.map((f) => iouPx(f.box, want)));
        expect(best, `${file}: ${JSON.stringify(want)} vs ${JSON.stringify(faces.map((f) => f.box.map(Math.round)))}`).toBeGreaterThanOrEqual(MIN_IOU);
      }
      for (const f of faces) {
        expect(f.score).toBeGreaterThanOrEqual(DEFAULT_FACE_FINDER.thresholds[1]);
        expect(f.score).toBeLessThanOrEqual(1);
      }
    }, 30_000);
  }

  it('gives the faces largest first, as fractions of the picture', async () => {
    const { faces, img } = await find('faces/two_people.jpg');
    expect(faces[0].f.w * faces[0].f.h).toBeGreaterThanOrEqual(faces[1].f.w * faces[1].f.h);
    // Square in pixels: the fractions differ by the picture's aspect.
    for (const f of faces) expect(f.f.w * img.width).toBeCloseTo(f.f.h * img.height, 3);
  });

  it('finds no face in photos without people', async () => {
    for (const file of NO_FACES) {
      const { faces } = await find(file);
      expect(faces, file).toEqual([]);
    }
  }, 60_000);

  it('looks for faces down to minFace: a small face in a large picture is found at 0.125, not at 0.5', async () => {
    // obama_small (face ≈ 150 px) pasted into a 1280×960 grey picture: the face is ≈ 16 % of its height.
    const img = readImage(resolve(sharedData, 'faces/obama_small.jpg'));
    const width = 1280;
    const height = 960;
    const rgba = new Uint8Array(width * height * 4).fill(128);
    for (let y = 0; y < img.height; y++) rgba.set(img.rgba.subarray(y * img.width * 4, (y + 1) * img.width * 4), ((300 + y) * width + 400) * 4);
    const found = await finder.find(rgba, width, height, { minFace: 0.125, thresholds: [0.6, 0.7] });
    expect(found.faces).toHaveLength(1);
    const [x, y, w, h] = FACES['faces/obama_small.jpg'][0];
    expect(iouPx(toPx(found.faces[0], width, height), [400 + x, 300 + y, w, h])).toBeGreaterThanOrEqual(MIN_IOU);
    const missed = await finder.find(rgba, width, height, { minFace: 0.5, thresholds: [0.6, 0.7] });
    expect(missed.faces).toEqual([]);
  }, 30_000);

  it('refuses bad settings and a wrong picture size with a message', async () => {
    const rgba = new Uint8Array(64 * 48 * 4);
    await expect(finder.find(rgba, 64, 48, { minFace: 0, thresholds: [0.6, 0.7] })).rejects.toThrow(/minFace must be a positive fraction/);
    await expect(finder.find(rgba, 64, 48, { minFace: 0.1, thresholds: [0.6, 1.5] })).rejects.toThrow(/thresholds must be two numbers/);
    await expect(finder.find(rgba, 64, 40, DEFAULT_FACE_FINDER)).rejects.toThrow(/needs 10240 RGBA bytes/);
  });
});

describe('LazyFaceFinder (the engine worker’s finder)', () => {
  it('reports a missing model once, naming the file, and returns null every frame', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convscope-faces-'));
    copyFileSync(resolve(assetsDir, '../face-finder/mtcnn/det1.prototxt'), join(dir, 'det1.prototxt'));
    const lazy = new LazyFaceFinder(() => dir);
    const errors: string[] = [];
    const detect = { width: 32, height: 32, rgba: new Uint8Array(32 * 32 * 4), ...DEFAULT_FACE_FINDER };
    for (let i = 0; i < 3; i++) expect(await lazy.find(detect, (m) => errors.push(m))).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^face finder: .*det1\.caffemodel/);
  });

  it('finds faces once the models are there, loading them on first use', async () => {
    const lazy = new LazyFaceFinder(() => faceFinderDir(assetsDir));
    const img = readImage(resolve(sharedData, 'faces/obama_small.jpg'));
    const errors: string[] = [];
    const found = await lazy.find({ ...img, ...DEFAULT_FACE_FINDER }, (m) => errors.push(m));
    expect(errors).toEqual([]);
    expect(found?.faces).toHaveLength(1);
    expect(found?.ms).toBeGreaterThan(0);
  }, 30_000);
});
