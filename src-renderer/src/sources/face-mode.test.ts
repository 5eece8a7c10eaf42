import { createRoot, createSignal } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaceBox, FrameResult, ModelInfo, ModelManifest } from '../../../src-shared/contract';
import { DEFAULT_FACE_FINDER } from '../../../src-shared/contract';
import { cropRectPx, DEFAULT_CROP, type CropSquare } from './crop';
import { DEFAULT_MARGIN, DEFAULT_SMOOTHING } from './face-follow';
import { createFaceMode, faceSettingsIn, type FaceSettings } from './face-mode';
import type { PictureSource } from './types';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));

function model(id: string, crop?: ModelManifest['crop']): ModelInfo {
  const manifest: ModelManifest = {
    id,
    name: id,
    format: 'keras',
    files: { model: `${id}.hdf5` },
    input: { shape: [1, 64, 64, 1], layout: 'NHWC' },
    preprocess: { colour: 'gray' },
    labels: ['woman', 'man'],
    ...(crop ? { crop } : {}),
  };
  return { id, name: id, format: 'keras', manifest, labels: manifest.labels as string[], input: { c: 1, h: 64, w: 64 }, layers: [], provider: 'cpu', source: 'bundled' };
}

/** A result for frame `id` that found `faces` (undefined: the frame was not searched). */
function result(id: number, faces?: FaceBox[]): FrameResult {
  return {
    id,
    t: 0,
    probs: new Float32Array([0.5, 0.5]),
    input: { c: 1, h: 1, w: 1, data: new Uint8Array(1), min: 0, max: 1 },
    layers: [],
    timing: { preprocessMs: 1, inferenceMs: 1, encodeMs: 1, ...(faces ? { facesMs: 5 } : {}) },
    dropped: 0,
    processed: id,
    ...(faces ? { faces } : {}),
  };
}

const W = 640;
const H = 480;
const face = (x: number, y: number, side: number): FaceBox => ({ x: x / W, y: y / H, w: side / W, h: side / H, score: 0.98 });

function setup(saved?: FaceSettings) {
  const results = new Set<(r: FrameResult) => void>();
  const source = { size: () => ({ width: W, height: H }) } as PictureSource;
  return createRoot((dispose) => {
    disposers.push(dispose);
    const [current, setModel] = createSignal<ModelInfo | null>(null);
    const [crop, setCrop] = createSignal<CropSquare>(DEFAULT_CROP);
    const [faces, setFaces] = createSignal<FaceSettings | undefined>(saved);
    const savedLog: FaceSettings[] = [];
    const mode = createFaceMode({
      engine: { onResult: (cb) => (results.add(cb), () => results.delete(cb)) },
      model: current,
      picture: { current: () => source, cropSquare: crop, setCropSquare: setCrop },
      settings: { faces, saveFaces: (f) => (savedLog.push(f), setFaces(f)) },
    });
    return { mode, setModel, crop, setCrop, savedLog, send: (r: FrameResult) => results.forEach((cb) => cb(r)), listeners: () => results.size, dispose };
  });
}

describe('face mode', () => {
  it('asks for faces only in face mode and moves the square onto the largest face', () => {
    const t = setup({ smoothing: 0 });
    expect(t.mode.detect()).toBeNull();
    t.send(result(1, [face(100, 100, 100)]));
    expect(t.crop()).toBe(DEFAULT_CROP);

    t.mode.setMode('face');
    expect(t.mode.detect()).toEqual(DEFAULT_FACE_FINDER);
    expect(t.mode.faces()).toBeNull();
    t.send(result(2, [face(300, 200, 100), face(20, 20, 40)]));
    // Centre (350, 250), side 1.6 × 100.
    expect(cropRectPx(t.crop(), W, H)).toEqual({ x: 270, y: 170, size: 160 });
    expect(t.mode.faces()).toHaveLength(2);
  });

  it('leaves the square where it was when a frame holds no face, and says so', () => {
    const t = setup({ smoothing: 0 });
    t.mode.setMode('face');
    t.send(result(1, [face(300, 200, 100)]));
    const placed = t.crop();
    t.send(result(2, []));
    expect(t.crop()).toBe(placed);
    expect(t.mode.faces()).toEqual([]);
    // A re-run of a frozen picture was not searched: nothing changes.
    t.send(result(3));
    expect(t.mode.faces()).toEqual([]);
  });

  it('goes back to the manual square when the user drags it', () => {
    const t = setup();
    t.mode.setMode('face');
    t.mode.takeByHand();
    expect(t.mode.mode()).toBe('manual');
    expect(t.mode.detect()).toBeNull();
  });

  it('follows faces for a model whose manifest asks for it, with its margin, and undoes that for the next model', () => {
    const t = setup({ smoothing: 0, margin: 1.2 });
    const mine: CropSquare = { cx: 0.3, cy: 0.4, size: 0.5 };
    t.setCrop(mine);
    t.setModel(model('gender', { mode: 'face', margin: 2 }));
    expect(t.mode.mode()).toBe('face');
    expect(t.mode.settings()).toMatchObject({ margin: 2, marginFromModel: true });
    t.send(result(1, [face(300, 200, 100)]));
    expect(cropRectPx(t.crop(), W, H).size).toBe(200);
    // A model without `crop`: face mode was the model's doing, so the user's square comes back.
    t.setModel(model('lenet'));
    expect(t.mode.mode()).toBe('manual');
    expect(t.crop()).toEqual(mine);
    expect(t.mode.settings()).toMatchObject({ margin: 1.2, marginFromModel: false });
  });

  it('keeps face mode the user chose when a model without `crop` loads', () => {
    const t = setup();
    t.setModel(model('lenet'));
    t.mode.setMode('face');
    t.setModel(model('squeezenet'));
    expect(t.mode.mode()).toBe('face');
    // A manifest that says manual wins.
    t.setModel(model('digits', { mode: 'manual' }));
    expect(t.mode.mode()).toBe('manual');
  });

  it('saves changed settings over the saved ones', () => {
    const t = setup({ margin: 1.5 });
    t.mode.saveSettings({ smoothing: 0.3 });
    expect(t.savedLog).toEqual([{ margin: 1.5, smoothing: 0.3 }]);
    expect(t.mode.settings().smoothing).toBe(0.3);
  });

  it('stops listening to results when its window goes', () => {
    const t = setup();
    expect(t.listeners()).toBe(1);
    t.dispose();
    expect(t.listeners()).toBe(0);
  });
});

describe('faceSettingsIn', () => {
  it('uses the defaults for settings not given or out of range', () => {
    expect(faceSettingsIn(undefined, undefined)).toEqual({ finder: DEFAULT_FACE_FINDER, smoothing: DEFAULT_SMOOTHING, margin: DEFAULT_MARGIN, marginFromModel: false });
    const junk = { margin: 40, smoothing: -1, finder: { minFace: Number.NaN, thresholds: [2, 0.9] } } as unknown as FaceSettings;
    expect(faceSettingsIn(junk, 0.5)).toEqual({ finder: { minFace: DEFAULT_FACE_FINDER.minFace, thresholds: [DEFAULT_FACE_FINDER.thresholds[0], 0.9] }, smoothing: DEFAULT_SMOOTHING, margin: DEFAULT_MARGIN, marginFromModel: false });
    expect(faceSettingsIn({ margin: 1.3, smoothing: 0.8, finder: { minFace: 0.2, thresholds: [0.5, 0.6] } }, 1.8)).toEqual({
      finder: { minFace: 0.2, thresholds: [0.5, 0.6] },
      smoothing: 0.8,
      margin: 1.8,
      marginFromModel: true,
    });
  });
});
