import { describe, expect, it } from 'vitest';
import { MAX_FRAME_PIXELS, MAX_FRAME_SIDE, cropSizeFor } from './frame-size';
import { decodeFrame, decodeResult, encodeFrame, encodeResult, MAX_FRAME_BYTES, messageFrameId, quantise, dequantise, setMessageFrameId } from './payload';

describe('payload', () => {
  it('round-trips a frame', () => {
    const rgba = new Uint8Array(3 * 2 * 4).map((_, i) => i * 7);
    const f = decodeFrame(encodeFrame({ id: 42, t: 1234.5, width: 3, height: 2, rgba }));
    expect(f).toMatchObject({ id: 42, t: 1234.5, width: 3, height: 2 });
    expect([...f.rgba]).toEqual([...rgba]);
  });

  it('renumbers frames and results in place, leaving everything else as it was', () => {
    const frame = encodeFrame({ id: 5, t: 1, width: 1, height: 1, rgba: new Uint8Array([1, 2, 3, 4]) });
    setMessageFrameId(frame, 4_000_000_000);
    expect(messageFrameId(frame)).toBe(4_000_000_000);
    expect(decodeFrame(frame)).toMatchObject({ id: 4_000_000_000, t: 1, width: 1, height: 1 });
    const result = encodeResult({
      id: 9, t: 2, probs: new Float32Array([1]), input: { c: 1, h: 1, w: 1, data: new Uint8Array([7]), min: 0, max: 1 },
      layers: [], timing: { preprocessMs: 0, inferenceMs: 0, encodeMs: 0 }, dropped: 0, processed: 1,
    });
    expect(messageFrameId(result)).toBe(9);
    setMessageFrameId(result, 3);
    expect(decodeResult(result)).toMatchObject({ id: 3, t: 2, processed: 1 });
    expect(messageFrameId(new Uint8Array([1, 2, 3]))).toBeNull();
    expect(() => setMessageFrameId(new Uint8Array(16), 1)).toThrow(/not a frame or result/);
  });

  it('round-trips a frame with a detect image for the face finder, and refuses one whose size does not match', () => {
    const rgba = new Uint8Array(2 * 2 * 4).fill(9);
    const detect = { width: 3, height: 2, minFace: 0.125, thresholds: [0.5, 0.75] as [number, number], rgba: new Uint8Array(24).map((_, i) => i) };
    const f = decodeFrame(encodeFrame({ id: 3, t: 5, width: 2, height: 2, rgba, detect }));
    expect([...f.rgba]).toEqual([...rgba]);
    expect(f.detect).toMatchObject({ width: 3, height: 2, minFace: 0.125, thresholds: [0.5, 0.75] });
    expect([...f.detect!.rgba]).toEqual([...detect.rgba]);
    const cut = encodeFrame({ id: 3, t: 5, width: 2, height: 2, rgba, detect }).slice(0, -4);
    expect(() => decodeFrame(cut)).toThrow(/detect image of 3×2/);
    expect(() => encodeFrame({ id: 1, t: 0, width: 2, height: 2, rgba, detect: { ...detect, rgba: new Uint8Array(5) } })).toThrow(/detect RGBA/);
  });

  it('carries the faces found and the face finder time in a result', () => {
    const faces = [{ x: 0.25, y: 0.125, w: 0.5, h: 0.5, score: 0.99 }];
    const r = decodeResult(encodeResult({
      id: 1, t: 0, probs: new Float32Array([1]), input: { c: 1, h: 1, w: 1, data: new Uint8Array([0]), min: 0, max: 1 },
      layers: [], timing: { preprocessMs: 1, inferenceMs: 2, encodeMs: 3, facesMs: 4 }, dropped: 0, processed: 1, faces,
    }));
    expect(r.faces).toEqual(faces);
    expect(r.timing.facesMs).toBe(4);
  });

  it('refuses frames whose crop or detect image is beyond the frame bounds, from the header alone', () => {
    // A header declaring the size, with none of the pixels: the size alone is refused.
    const header = (w: number, h: number) => {
      const b = new Uint8Array(24);
      const v = new DataView(b.buffer);
      v.setUint32(0, 0x31465343, true);
      v.setUint32(16, w, true);
      v.setUint32(20, h, true);
      return b;
    };
    expect(() => decodeFrame(header(1, 1_000_000))).toThrow(/crop of 1×1000000 is larger than frames may be/);
    expect(() => decodeFrame(header(8000, 8000))).toThrow(/8000×8000 is larger/);
    expect(() => decodeFrame(header(0, 0))).toThrow(/0×0 is not a picture size/);
    expect(() => decodeFrame(header(0xffffffff, 0xffffffff))).toThrow(/larger than frames may be/);
    const crop = encodeFrame({ id: 1, t: 0, width: 1, height: 1, rgba: new Uint8Array(4) });
    const detect = new Uint8Array(crop.byteLength + 20);
    detect.set(new Uint8Array(crop));
    new DataView(detect.buffer).setUint32(crop.byteLength, MAX_FRAME_SIDE + 1, true);
    new DataView(detect.buffer).setUint32(crop.byteLength + 4, 1, true);
    expect(() => decodeFrame(detect)).toThrow(/detect image of 4097×1 is larger/);
    const side = Math.sqrt(MAX_FRAME_PIXELS);
    expect(() => encodeFrame({ id: 2, t: 0, width: side + 1, height: 1, rgba: new Uint8Array((side + 1) * 4) })).toThrow(/frame 2: 4097×1/);
    // The largest frames still travel, and fit in the largest message.
    const big = encodeFrame({ id: 3, t: 0, width: side, height: side, rgba: new Uint8Array(MAX_FRAME_PIXELS * 4) });
    expect(decodeFrame(big)).toMatchObject({ width: side, height: side });
    expect(big.byteLength).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  });

  it('keeps the crop for any model input within the frame bounds', () => {
    expect(cropSizeFor({ h: 28, w: 28 })).toEqual({ width: 112, height: 112 });
    expect(cropSizeFor({ h: 224, w: 224 })).toEqual({ width: 224, height: 224 });
    const huge = cropSizeFor({ h: 100_000, w: 50_000 });
    expect(huge.height).toBeLessThanOrEqual(MAX_FRAME_SIDE);
    expect(huge.width * huge.height).toBeLessThanOrEqual(MAX_FRAME_PIXELS);
    expect(huge.width / huge.height).toBeCloseTo(0.5, 2);
  });

  it('rejects a frame whose byte count does not match its size', () => {
    expect(() => encodeFrame({ id: 1, t: 0, width: 2, height: 2, rgba: new Uint8Array(15) })).toThrow(/expected 16/);
  });

  it('round-trips a result with odd-sized layers', () => {
    const r = {
      id: 7,
      t: 99.25,
      probs: new Float32Array([0.1, 0.7, 0.2]),
      input: { c: 1, h: 3, w: 3, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), min: -1, max: 2 },
      layers: [
        { layer: 'conv1', shape: [2, 3, 1], channels: [0, 1], mapH: 3, mapW: 1, data: new Uint8Array([9, 8, 7, 6, 5, 4]), min: new Float32Array([-1, 0]), max: new Float32Array([1, 3]) },
        { layer: 'ip1', shape: [5], channels: [0], mapH: 1, mapW: 5, data: new Uint8Array([0, 64, 128, 192, 255]), min: new Float32Array([0]), max: new Float32Array([4.5]) },
      ],
      timing: { preprocessMs: 0.5, inferenceMs: 1.5, encodeMs: 0.25 },
      dropped: 3,
      processed: 10,
    };
    const d = decodeResult(encodeResult(r));
    expect(d.id).toBe(7);
    expect(d.t).toBe(99.25);
    expect([...d.probs]).toEqual([...r.probs]);
    expect([...d.input.data]).toEqual([...r.input.data]);
    expect(d.input).toMatchObject({ c: 1, h: 3, w: 3, min: -1, max: 2 });
    expect(d.layers.map((l) => l.layer)).toEqual(['conv1', 'ip1']);
    expect([...d.layers[0].data]).toEqual([9, 8, 7, 6, 5, 4]);
    expect([...d.layers[0].max]).toEqual([1, 3]);
    expect([...d.layers[1].data]).toEqual([0, 64, 128, 192, 255]);
    expect(d.layers[1].max[0]).toBeCloseTo(4.5);
    expect(d).toMatchObject({ dropped: 3, processed: 10, timing: r.timing });
  });

  it('carries "no ink in the crop" only when the digit pipeline found none', () => {
    const r = {
      id: 3, t: 0, probs: new Float32Array([0.4, 0.6]), input: { c: 1, h: 1, w: 1, data: new Uint8Array([0]), min: 0, max: 0 },
      layers: [], timing: { preprocessMs: 0, inferenceMs: 0, encodeMs: 0 }, dropped: 0, processed: 1,
    };
    expect(decodeResult(encodeResult({ ...r, noInk: true })).noInk).toBe(true);
    expect(decodeResult(encodeResult(r)).noInk).toBeUndefined();
  });

  it('decodes from an unaligned view', () => {
    const enc = new Uint8Array(encodeResult({
      id: 1, t: 0, probs: new Float32Array([1]), input: { c: 1, h: 1, w: 1, data: new Uint8Array([5]), min: 0, max: 1 },
      layers: [], timing: { preprocessMs: 0, inferenceMs: 0, encodeMs: 0 }, dropped: 0, processed: 1,
    }));
    const shifted = new Uint8Array(enc.byteLength + 1);
    shifted.set(enc, 1);
    expect(decodeResult(shifted.subarray(1)).probs[0]).toBe(1);
  });

  it('quantises to the full byte range and back within half a step', () => {
    const src = [-2, -1, 0, 1, 2];
    const out = new Uint8Array(5);
    const { min, max } = quantise(src, 0, 5, out, 0);
    expect([min, max]).toEqual([-2, 2]);
    expect(out[0]).toBe(0);
    expect(out[4]).toBe(255);
    for (let i = 0; i < 5; i++) expect(Math.abs(dequantise(out[i], min, max) - src[i])).toBeLessThanOrEqual(4 / 255 / 2 + 1e-9);
  });

  it('clamps values outside a given range to 0 and 255 however far outside, rounds half up, and maps NaN to 0', () => {
    const src = [-1e30, -0.5, 0, 0.5, 1, 2, 1e30, NaN, 2 ** 31, -(2 ** 31)];
    const out = new Uint8Array(src.length).fill(7);
    expect(quantise(src, 0, src.length, out, 0, { min: 0, max: 1 })).toEqual({ min: 0, max: 1 });
    expect([...out]).toEqual([0, 0, 0, 128, 255, 255, 255, 0, 255, 0]);
  });

  it('quantises a constant map to zeros without dividing by zero', () => {
    const out = new Uint8Array(3).fill(9);
    expect(quantise([5, 5, 5], 0, 3, out, 0)).toEqual({ min: 5, max: 5 });
    expect([...out]).toEqual([0, 0, 0]);
  });
});
