// Camera crop (RGBA, any size) → the model's input tensor, exactly as its manifest describes.
import type { ManifestInput, Preprocess } from '../../src-shared/contract';
import { frameSizeProblem } from '../../src-shared/frame-size';
import { quantise } from '../../src-shared/payload';
import type { MeanImage } from '../models/mean';
import { floatBitsToHalf } from '../onnx/proto';
import { paperDigitToMnist } from './digit';
import { resizePlane, resizeRows, transposePlane, type RowSource } from './resize';

export type { MeanImage };

export interface InputSpec {
  /** Tensor size without batch. */
  c: number;
  h: number;
  w: number;
  layout: ManifestInput['layout'];
  dtype: 'float32' | 'float16';
  preprocess: Preprocess;
  /** Mean image already fitted to h × w (see fitMeanImage). */
  meanImage?: MeanImage;
}

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export interface PreparedInput {
  /** Tensor data with batch 1, in the model's layout (Uint16Array holds float16 bits). */
  data: Float32Array | Uint16Array;
  dims: number[];
  /** The same tensor as bytes for display: c × h × w, NCHW, per-tensor min/max. */
  display: { c: number; h: number; w: number; data: Uint8Array; min: number; max: number };
  /** The digit pipeline found no ink; the tensor is all background. */
  noInk: boolean;
}

/** ITU-R BT.601 luma, the weights OpenCV's gray conversion uses. */
function grayPlane(img: RgbaImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const p = img.rgba;
  for (let i = 0, j = 0; i < n; i++, j += 4) out[i] = 0.299 * p[j] + 0.587 * p[j + 1] + 0.114 * p[j + 2];
  return out;
}

/** Rows of one channel of the picture (0–2: R, G, B; 'gray': luma), read straight from the RGBA bytes. */
function rgbaRows(img: RgbaImage, ch: number | 'gray'): RowSource {
  const p = img.rgba;
  const w = img.width;
  return (y, out) => {
    const o = y * w * 4;
    if (ch === 'gray') for (let x = 0, j = o; x < w; x++, j += 4) out[x] = 0.299 * p[j] + 0.587 * p[j + 1] + 0.114 * p[j + 2];
    else for (let x = 0, j = o + ch; x < w; x++, j += 4) out[x] = p[j];
    return out;
  };
}

/**
 * Fits a mean image to the tensor size: centre-cropped when it is larger (Caffe's 256 → 227 habit),
 * resized when it is smaller.
 */
export function fitMeanImage(mean: MeanImage, h: number, w: number): MeanImage {
  if (mean.h === h && mean.w === w) return mean;
  const planes: Float32Array[] = [];
  for (let c = 0; c < mean.c; c++) {
    let plane = mean.data.subarray(c * mean.h * mean.w, (c + 1) * mean.h * mean.w) as Float32Array;
    const ph = mean.h;
    const pw = mean.w;
    if (ph >= h && pw >= w) {
      const y0 = Math.floor((ph - h) / 2);
      const x0 = Math.floor((pw - w) / 2);
      const crop = new Float32Array(h * w);
      for (let y = 0; y < h; y++) crop.set(plane.subarray((y + y0) * pw + x0, (y + y0) * pw + x0 + w), y * w);
      plane = crop;
    } else {
      plane = resizePlane(Float32Array.from(plane), pw, ph, w, h);
    }
    planes.push(plane);
  }
  const data = new Float32Array(mean.c * h * w);
  planes.forEach((p, c) => data.set(p, c * h * w));
  return { c: mean.c, h, w, data };
}

/** Builds the input tensor for one frame. */
export function preprocess(img: RgbaImage, spec: InputSpec): PreparedInput {
  const { c, h, w, preprocess: p } = spec;
  const tooBig = frameSizeProblem(img.width, img.height);
  if (tooBig) throw new Error(`frame: ${tooBig}`);
  if (img.rgba.length !== img.width * img.height * 4) {
    throw new Error(`frame: ${img.rgba.length} bytes of RGBA for ${img.width}×${img.height}`);
  }
  // Size of the image before the optional H/W transpose into the tensor.
  const iw = p.transposeHW ? h : w;
  const ih = p.transposeHW ? w : h;
  let planes: Float32Array[];
  let noInk = false;
  if (p.digit) {
    const digit = paperDigitToMnist(grayPlane(img), img.width, img.height, { outW: iw, outH: ih });
    noInk = digit === null;
    const field = digit ?? new Float32Array(iw * ih);
    planes = Array.from({ length: c }, () => field);
  } else {
    // Resized row by row from the RGBA bytes: memory grows with the tensor, not with the picture.
    const channels: (number | 'gray')[] = p.colour === 'gray' ? ['gray'] : p.colour === 'rgb' ? [0, 1, 2] : [2, 1, 0];
    planes = channels.map((ch) => resizeRows(rgbaRows(img, ch), img.width, img.height, iw, ih));
    if (p.invert) planes = planes.map((pl) => pl.map((v) => 255 - v));
  }
  if (p.transposeHW) planes = planes.map((pl) => transposePlane(pl, iw, ih));

  // ((v − mean) / std) · scale, per tensor channel.
  const hw = h * w;
  const nchw = new Float32Array(c * hw);
  const scale = p.scale ?? 1;
  for (let ch = 0; ch < c; ch++) {
    const src = planes[ch];
    const k = scale / (p.std?.[ch] ?? 1);
    const off = ch * hw;
    const meanImg = spec.meanImage;
    if (meanImg) {
      const m = meanImg.data;
      for (let i = 0; i < hw; i++) nchw[off + i] = (src[i] - m[off + i]) * k;
    } else {
      const m = p.mean?.[ch] ?? 0;
      for (let i = 0; i < hw; i++) nchw[off + i] = (src[i] - m) * k;
    }
  }

  const displayData = new Uint8Array(c * hw);
  const range = quantise(nchw, 0, nchw.length, displayData, 0);

  let tensor: Float32Array = nchw;
  if (spec.layout === 'NHWC') {
    tensor = new Float32Array(c * hw);
    for (let ch = 0; ch < c; ch++) for (let i = 0; i < hw; i++) tensor[i * c + ch] = nchw[ch * hw + i];
  }
  let data: Float32Array | Uint16Array = tensor;
  if (spec.dtype === 'float16') {
    const half = new Uint16Array(tensor.length);
    const bits = new Uint32Array(tensor.buffer, tensor.byteOffset, tensor.length);
    for (let i = 0; i < bits.length; i++) half[i] = floatBitsToHalf(bits[i]);
    data = half;
  }
  return {
    data,
    dims: spec.layout === 'NCHW' ? [1, c, h, w] : [1, h, w, c],
    display: { c, h, w, data: displayData, min: range.min, max: range.max },
    noInk,
  };
}
