import { describe, expect, it } from 'vitest';
import type { FaceBox } from '../../../src-shared/contract';
import { cropRectPx, DEFAULT_CROP, type CropSquare } from './crop';
import { FaceFollower, followStep, squareAround } from './face-follow';

const W = 640;
const H = 480;
/** A face box given in picture pixels. */
const face = (x: number, y: number, w: number, h: number, score = 0.99): FaceBox => ({ x: x / W, y: y / H, w: w / W, h: h / H, score });
const px = (c: CropSquare) => cropRectPx(c, W, H);

describe('squareAround', () => {
  it('centres the square on the face with the margin around its longer side', () => {
    // A 100×120 face at (300, 200): centre (350, 260), side 1.5 × 120 = 180.
    const sq = squareAround(face(300, 200, 100, 120), 1.5, W, H);
    expect(px(sq)).toEqual({ x: 260, y: 170, size: 180 });
  });

  it('keeps the square inside the picture for a face at the border or a huge margin', () => {
    expect(px(squareAround(face(0, 0, 80, 80), 2, W, H))).toEqual({ x: 0, y: 0, size: 160 });
    expect(px(squareAround(face(560, 400, 80, 80), 2, W, H))).toEqual({ x: 480, y: 320, size: 160 });
    // Larger than the picture's shorter side: the whole height.
    expect(px(squareAround(face(300, 200, 200, 200), 4, W, H))).toEqual({ x: 160, y: 0, size: 480 });
  });
});

describe('followStep', () => {
  const from = squareAround(face(300, 200, 100, 100), 1.6, W, H);

  it('moves part of the way towards a nearby target, by the smoothing', () => {
    const to = squareAround(face(340, 220, 100, 100), 1.6, W, H);
    const half = followStep(from, to, 0.5, W, H);
    expect(half.cx * W).toBeCloseTo(370, 6);
    expect(half.cy * H).toBeCloseTo(260, 6);
    const slow = followStep(from, to, 0.9, W, H);
    expect(slow.cx * W).toBeCloseTo(354, 6);
    // Without smoothing it jumps.
    expect(followStep(from, to, 0, W, H)).toEqual(to);
  });

  it('snaps to a face far away or of a very different size', () => {
    const far = squareAround(face(20, 20, 100, 100), 1.6, W, H);
    expect(followStep(from, far, 0.9, W, H)).toEqual(far);
    const close = squareAround(face(280, 180, 240, 240), 1.6, W, H);
    expect(followStep(from, close, 0.9, W, H)).toEqual(close);
  });

  it('converges on a face that stays, within a few results', () => {
    const to = squareAround(face(360, 240, 100, 100), 1.6, W, H);
    let c = from;
    for (let i = 0; i < 6; i++) c = followStep(c, to, 0.5, W, H);
    expect(Math.abs(c.cx - to.cx) * W).toBeLessThan(1.5);
    expect(Math.abs(c.cy - to.cy) * H).toBeLessThan(1.5);
  });
});

describe('FaceFollower', () => {
  const settings = { margin: 1.5, smoothing: 0 };
  const size = { width: W, height: H };

  it('follows the largest face of the newest result and ignores older ones', () => {
    const f = new FaceFollower();
    const small = face(20, 20, 40, 40);
    const big = face(300, 200, 100, 120);
    const r = f.update({ id: 5, faces: [small, big] }, DEFAULT_CROP, size, settings);
    expect(r.kind).toBe('face');
    if (r.kind !== 'face') return;
    expect(px(r.crop)).toEqual({ x: 260, y: 170, size: 180 });
    expect(r.faces).toEqual([small, big]);
    // A result for an earlier frame arriving late changes nothing.
    expect(f.update({ id: 4, faces: [small] }, r.crop, size, settings)).toEqual({ kind: 'skip' });
    expect(f.update({ id: 5, faces: [small] }, r.crop, size, settings)).toEqual({ kind: 'skip' });
  });

  it('says "none" for a searched frame without faces and skips frames that were not searched', () => {
    const f = new FaceFollower();
    expect(f.update({ id: 1, faces: [] }, DEFAULT_CROP, size, settings)).toEqual({ kind: 'none' });
    expect(f.update({ id: 2 }, DEFAULT_CROP, size, settings)).toEqual({ kind: 'skip' });
    // The unsearched frame did not count as newer.
    expect(f.update({ id: 2, faces: [face(10, 10, 50, 50)] }, DEFAULT_CROP, size, settings).kind).toBe('face');
  });
});
