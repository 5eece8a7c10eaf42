// Binary encoding of frames (renderer → engine) and results (engine → renderer).
// Tensor data travels as raw bytes; only the small per-message header is JSON.
import type { FrameMessage, FrameResult, LayerPayload } from './contract';
import { frameSizeProblem, MAX_FRAME_PIXELS } from './frame-size';

export const FRAME_MAGIC = 0x31465343; // 'CSF1' little-endian
export const RESULT_MAGIC = 0x31525343; // 'CSR1'
const FRAME_HEADER = 24;
/** Detect block after the crop bytes: width u32, height u32, minFace f32, thresholds f32 × 2, then RGBA. */
const DETECT_HEADER = 20;
const RESULT_HEADER = 12;
/** Where frames and results carry their frame id (u32, little-endian). */
export const ID_OFFSET = 4;
/** The largest frame message: a crop and a detect image, each at the frame bounds (frame-size.ts). */
export const MAX_FRAME_BYTES = FRAME_HEADER + DETECT_HEADER + 2 * MAX_FRAME_PIXELS * 4;

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeFrame(f: FrameMessage): ArrayBuffer {
  const tooBig = frameSizeProblem(f.width, f.height) ?? (f.detect ? frameSizeProblem(f.detect.width, f.detect.height) : null);
  if (tooBig) throw new Error(`frame ${f.id}: ${tooBig}`);
  const expected = f.width * f.height * 4;
  if (f.rgba.byteLength !== expected) {
    throw new Error(`frame ${f.id}: ${f.rgba.byteLength} bytes of RGBA for ${f.width}×${f.height} (expected ${expected})`);
  }
  const d = f.detect;
  const detectBytes = d ? d.width * d.height * 4 : 0;
  if (d && d.rgba.byteLength !== detectBytes) {
    throw new Error(`frame ${f.id}: ${d.rgba.byteLength} bytes of detect RGBA for ${d.width}×${d.height} (expected ${detectBytes})`);
  }
  const buf = new ArrayBuffer(FRAME_HEADER + expected + (d ? DETECT_HEADER + detectBytes : 0));
  const v = new DataView(buf);
  v.setUint32(0, FRAME_MAGIC, true);
  v.setUint32(ID_OFFSET, f.id >>> 0, true);
  v.setFloat64(8, f.t, true);
  v.setUint32(16, f.width, true);
  v.setUint32(20, f.height, true);
  new Uint8Array(buf, FRAME_HEADER).set(f.rgba);
  if (d) {
    const o = FRAME_HEADER + expected;
    v.setUint32(o, d.width, true);
    v.setUint32(o + 4, d.height, true);
    v.setFloat32(o + 8, d.minFace, true);
    v.setFloat32(o + 12, d.thresholds[0], true);
    v.setFloat32(o + 16, d.thresholds[1], true);
    new Uint8Array(buf, o + DETECT_HEADER).set(d.rgba);
  }
  return buf;
}

export function isFrame(buf: ArrayBuffer | ArrayBufferView): boolean {
  const b = toBytes(buf);
  return b.byteLength >= 4 && new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) === FRAME_MAGIC;
}

export function decodeFrame(input: ArrayBuffer | ArrayBufferView): FrameMessage {
  const b = toBytes(input);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.byteLength < FRAME_HEADER || v.getUint32(0, true) !== FRAME_MAGIC) throw new Error('not a frame message');
  const width = v.getUint32(16, true);
  const height = v.getUint32(20, true);
  // Checked before anything proportional to the size is touched or allocated downstream.
  const crop = frameSizeProblem(width, height);
  if (crop) throw new Error(`frame message: crop of ${crop}`);
  const n = width * height * 4;
  const frame: FrameMessage = {
    id: v.getUint32(ID_OFFSET, true),
    t: v.getFloat64(8, true),
    width,
    height,
    rgba: b.subarray(FRAME_HEADER, FRAME_HEADER + n),
  };
  if (b.byteLength === FRAME_HEADER + n) return frame;
  const o = FRAME_HEADER + n;
  if (b.byteLength < o + DETECT_HEADER) throw new Error(`frame message: ${b.byteLength - FRAME_HEADER} bytes for ${width}×${height}`);
  const dw = v.getUint32(o, true);
  const dh = v.getUint32(o + 4, true);
  const detect = frameSizeProblem(dw, dh);
  if (detect) throw new Error(`frame message: detect image of ${detect}`);
  const dn = dw * dh * 4;
  if (b.byteLength !== o + DETECT_HEADER + dn) throw new Error(`frame message: detect image of ${dw}×${dh} does not match its ${b.byteLength - o - DETECT_HEADER} bytes`);
  frame.detect = {
    width: dw,
    height: dh,
    minFace: v.getFloat32(o + 8, true),
    thresholds: [v.getFloat32(o + 12, true), v.getFloat32(o + 16, true)],
    rgba: b.subarray(o + DETECT_HEADER, o + DETECT_HEADER + dn),
  };
  return frame;
}

interface ResultHeader {
  t: number;
  timing: FrameResult['timing'];
  dropped: number;
  processed: number;
  noInk?: boolean;
  faces?: FrameResult['faces'];
  nProbs: number;
  input: { c: number; h: number; w: number; min: number; max: number };
  layers: { layer: string; shape: number[]; channels: number[]; mapH: number; mapW: number }[];
}

const align4 = (n: number) => (n + 3) & ~3;

/**
 * Layout: magic u32 | frame id u32 | header length u32 | header JSON (padded to 4) | probs f32[] |
 * input bytes (padded) | per layer: min f32[k], max f32[k], data u8[k·h·w] (padded).
 * The frame id sits at the same offset as in a frame, so a relay can renumber both cheaply.
 */
export function encodeResult(r: FrameResult): ArrayBuffer {
  const header: ResultHeader = {
    t: r.t,
    timing: r.timing,
    dropped: r.dropped,
    processed: r.processed,
    ...(r.noInk ? { noInk: true } : {}),
    ...(r.faces ? { faces: r.faces } : {}),
    nProbs: r.probs.length,
    input: { c: r.input.c, h: r.input.h, w: r.input.w, min: r.input.min, max: r.input.max },
    layers: r.layers.map((l) => ({ layer: l.layer, shape: l.shape, channels: l.channels, mapH: l.mapH, mapW: l.mapW })),
  };
  const hb = enc.encode(JSON.stringify(header));
  let size = RESULT_HEADER + align4(hb.byteLength) + r.probs.length * 4 + align4(r.input.data.byteLength);
  for (const l of r.layers) size += l.channels.length * 8 + align4(l.data.byteLength);
  const buf = new ArrayBuffer(size);
  const v = new DataView(buf);
  const u8 = new Uint8Array(buf);
  v.setUint32(0, RESULT_MAGIC, true);
  v.setUint32(ID_OFFSET, r.id >>> 0, true);
  v.setUint32(8, hb.byteLength, true);
  u8.set(hb, RESULT_HEADER);
  let o = RESULT_HEADER + align4(hb.byteLength);
  new Float32Array(buf, o, r.probs.length).set(r.probs);
  o += r.probs.length * 4;
  u8.set(r.input.data, o);
  o += align4(r.input.data.byteLength);
  for (const l of r.layers) {
    const k = l.channels.length;
    if (l.data.byteLength !== k * l.mapH * l.mapW) {
      throw new Error(`layer ${l.layer}: ${l.data.byteLength} bytes for ${k} maps of ${l.mapH}×${l.mapW}`);
    }
    new Float32Array(buf, o, k).set(l.min);
    o += k * 4;
    new Float32Array(buf, o, k).set(l.max);
    o += k * 4;
    u8.set(l.data, o);
    o += align4(l.data.byteLength);
  }
  return buf;
}

export function isResult(buf: ArrayBuffer | ArrayBufferView): boolean {
  const b = toBytes(buf);
  return b.byteLength >= 4 && new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) === RESULT_MAGIC;
}

/** Decodes without copying tensor bytes (views into `input`, which must stay alive). */
export function decodeResult(input: ArrayBuffer | ArrayBufferView): FrameResult {
  let b = toBytes(input);
  // Float32Array views need 4-byte alignment; copy once if the transport handed us an odd offset.
  if (b.byteOffset % 4 !== 0) b = b.slice();
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.byteLength < RESULT_HEADER || v.getUint32(0, true) !== RESULT_MAGIC) throw new Error('not a result message');
  const id = v.getUint32(ID_OFFSET, true);
  const hl = v.getUint32(8, true);
  const h = JSON.parse(dec.decode(b.subarray(RESULT_HEADER, RESULT_HEADER + hl))) as ResultHeader;
  let o = b.byteOffset + RESULT_HEADER + align4(hl);
  const probs = new Float32Array(b.buffer, o, h.nProbs);
  o += h.nProbs * 4;
  const inBytes = h.input.c * h.input.h * h.input.w;
  const inputData = new Uint8Array(b.buffer, o, inBytes);
  o += align4(inBytes);
  const layers: LayerPayload[] = h.layers.map((l) => {
    const k = l.channels.length;
    const min = new Float32Array(b.buffer, o, k);
    o += k * 4;
    const max = new Float32Array(b.buffer, o, k);
    o += k * 4;
    const n = k * l.mapH * l.mapW;
    const data = new Uint8Array(b.buffer, o, n);
    o += align4(n);
    return { ...l, min, max, data };
  });
  if (o > b.byteOffset + b.byteLength) throw new Error('result message truncated');
  return {
    id,
    t: h.t,
    timing: h.timing,
    dropped: h.dropped,
    processed: h.processed,
    ...(h.noInk ? { noInk: true } : {}),
    ...(h.faces ? { faces: h.faces } : {}),
    probs,
    input: { ...h.input, data: inputData },
    layers,
  };
}

/** The frame id a frame or result message carries (null for anything else). */
export function messageFrameId(buf: ArrayBuffer | ArrayBufferView): number | null {
  const b = toBytes(buf);
  if (!(isFrame(b) && b.byteLength >= FRAME_HEADER) && !(isResult(b) && b.byteLength >= RESULT_HEADER)) return null;
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(ID_OFFSET, true);
}

/** Renumbers a frame or result message in place (a relay's own ids for the engine, and back). */
export function setMessageFrameId(buf: ArrayBuffer | ArrayBufferView, id: number): void {
  const b = toBytes(buf);
  if (messageFrameId(b) === null) throw new Error('not a frame or result message');
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(ID_OFFSET, id >>> 0, true);
}

/** Spans below this count as flat: the scale 255 / max(span, QUANT_TINY) stays finite in float32. */
export const QUANT_TINY = 1e-30;
const f32 = Math.fround;
const TINY32 = f32(QUANT_TINY);

/**
 * Quantise `n` values starting at `offset` into bytes, returning the real min and max used:
 * byte = floor((v − min) · k + 0.5) with k = 255 / max(max − min, QUANT_TINY), every step rounded
 * to float32 exactly as onnxruntime computes it in the graph (onnx/quantise-graph.ts), so both
 * give the same bytes. A range that is not finite gives 0…0 and zero bytes.
 */
export function quantise(
  src: ArrayLike<number>,
  offset: number,
  n: number,
  out: Uint8Array,
  outOffset: number,
  range?: { min: number; max: number },
): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  if (range) {
    min = range.min;
    max = range.max;
  } else {
    for (let i = 0; i < n; i++) {
      const x = src[offset + i];
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    // No usable range (an infinity or NaN in the map): nothing to show.
    out.fill(0, outOffset, outOffset + n);
    return { min: 0, max: 0 };
  }
  const k = f32(255 / Math.max(f32(max - min), TINY32));
  for (let i = 0; i < n; i++) {
    const x = f32(f32(f32(src[offset + i] - min) * k) + 0.5);
    // floor(x) clamped to 0…255; truncation equals floor on (0, 255), and is twice as fast (NaN → 0).
    out[outOffset + i] = x >= 255 ? 255 : x <= 0 ? 0 : x | 0;
  }
  return { min, max };
}

/** The real value a quantised byte stands for. */
export function dequantise(byte: number, min: number, max: number): number {
  return min + (byte / 255) * (max - min);
}

function toBytes(x: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (x instanceof Uint8Array) return x;
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  return new Uint8Array(x);
}
