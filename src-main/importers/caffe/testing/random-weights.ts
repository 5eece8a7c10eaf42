// Seeded random weights for any deploy prototxt, written as a .caffemodel (V2 `layer` entries with
// name, type and float blobs): nets whose trained weights are not available (age_net, DEX) still
// load, run and get measured. The prototxt is read with the importer's own parser; the blob
// shapes come from a small shape pass over the layer types that carry weights and the ones that
// change shapes. The file is written layer by layer, so a 550 MB VGG-16 never sits in memory twice.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { buildNet, layerRef, type CaffeLayer } from '../net';
import { layerParams } from '../ops/context';
import { parsePrototxt } from '../read';
import type { NetParameter } from '../schema';
import { synthetic } from './synthetic';

export interface RandomBlob {
  what: string;
  shape: number[];
}

export interface RandomLayer {
  name: string;
  type: string;
  blobs: RandomBlob[];
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** kernel_size / pad / stride / dilation: one value for both axes, one per axis, or kernel_h and kernel_w. */
function pair(layer: CaffeLayer, base: 'kernel_size' | 'pad' | 'stride' | 'dilation', dflt: number): [number, number] {
  const p = layerParams(layer);
  // Repeated in convolution_param, a single value in pooling_param.
  const v = p.given(base) !== undefined ? [p.given(base)!] : p.nums(base);
  const axis = base === 'kernel_size' ? 'kernel' : base;
  const h = p.given(`${axis}_h`) ?? v[0] ?? dflt;
  const w = p.given(`${axis}_w`) ?? v[1] ?? v[0] ?? dflt;
  return [h, w];
}

/** Every layer with learned blobs, with the blob shapes the prototxt implies, in net order. */
export function weightShapes(prototxt: string, file = 'net.prototxt'): RandomLayer[] {
  const net = buildNet(parsePrototxt<NetParameter>(prototxt, file), file);
  const shapes = new Map<string, number[]>(net.inputs.map((i) => [i.blob, i.shape]));
  const out: RandomLayer[] = [];
  for (const layer of net.layers) {
    const err = (m: string): never => {
      throw new Error(`${layerRef(file, layer)} (${layer.type}): ${m}`);
    };
    const ins = layer.bottoms.map((b) => shapes.get(b) ?? err(`its input '${b}' is not produced by an earlier layer`));
    const x = ins[0] ?? err('it has no input');
    const p = layerParams(layer);
    let y: number[] = x;
    const blobs: RandomBlob[] = [];
    switch (layer.type) {
      case 'Convolution': {
        const n = p.given('num_output') ?? err('convolution_param.num_output is missing');
        const [kh, kw] = pair(layer, 'kernel_size', 0);
        const [ph, pw] = pair(layer, 'pad', 0);
        const [sh, sw] = pair(layer, 'stride', 1);
        const [dh, dw] = pair(layer, 'dilation', 1);
        const group = p.num('group');
        if (!kh || !kw) err('kernel size is missing');
        blobs.push({ what: 'weights', shape: [n, x[1] / group, kh, kw] });
        if (p.bool('bias_term')) blobs.push({ what: 'bias', shape: [n] });
        y = [x[0], n, Math.floor((x[2] + 2 * ph - dh * (kh - 1) - 1) / sh) + 1, Math.floor((x[3] + 2 * pw - dw * (kw - 1) - 1) / sw) + 1];
        break;
      }
      case 'Pooling': {
        if (p.bool('global_pooling')) {
          y = [x[0], x[1], 1, 1];
          break;
        }
        const [kh, kw] = pair(layer, 'kernel_size', 0);
        const [ph, pw] = pair(layer, 'pad', 0);
        const [sh, sw] = pair(layer, 'stride', 1);
        // Caffe rounds up, then drops a last window that would start in the padding.
        const size = (i: number, k: number, pad: number, s: number) => {
          let o = Math.ceil((i + 2 * pad - k) / s) + 1;
          if (pad > 0 && (o - 1) * s >= i + pad) o--;
          return o;
        };
        y = [x[0], x[1], size(x[2], kh, ph, sh), size(x[3], kw, pw, sw)];
        break;
      }
      case 'InnerProduct': {
        const n = p.given('num_output') ?? err('inner_product_param.num_output is missing');
        blobs.push({ what: 'weights', shape: [n, prod(x.slice(1))] });
        if (p.bool('bias_term')) blobs.push({ what: 'bias', shape: [n] });
        y = [x[0], n];
        break;
      }
      case 'PReLU':
        blobs.push({ what: 'slopes', shape: [p.bool('channel_shared') ? 1 : x[1]] });
        break;
      case 'BatchNorm':
        blobs.push({ what: 'mean', shape: [x[1]] }, { what: 'variance', shape: [x[1]] }, { what: 'scale factor', shape: [1] });
        break;
      case 'Scale':
        if (ins.length === 1) blobs.push({ what: 'scale', shape: [x[1]] });
        if (p.bool('bias_term')) blobs.push({ what: 'bias', shape: [x[1]] });
        break;
      case 'Bias':
        if (ins.length === 1) blobs.push({ what: 'bias', shape: [x[1]] });
        break;
      case 'Flatten':
        y = [x[0], prod(x.slice(1))];
        break;
      case 'Concat': {
        const axis = p.num('axis');
        y = [...x];
        y[axis] = ins.reduce((s, i) => s + i[axis], 0);
        break;
      }
      case 'ReLU': case 'ELU': case 'Sigmoid': case 'TanH': case 'AbsVal': case 'Power': case 'Exp': case 'Log': case 'BNLL':
      case 'Softmax': case 'LRN': case 'Dropout': case 'Eltwise': case 'Split':
        break;
      default:
        err(`random weights cannot size layers of this type (it knows Convolution, Pooling, InnerProduct, PReLU, BatchNorm, Scale, Bias, Flatten, Concat and shape-keeping layers)`);
    }
    for (const t of layer.tops) shapes.set(t, y);
    if (blobs.length) out.push({ name: layer.name, type: layer.type, blobs });
  }
  return out;
}

/** How the random values are scaled; the defaults keep activations of ReLU nets in a sane range. */
export interface RandomWeightOptions {
  seed?: number;
  /**
   * Multiplier for the last weighted layer's He-uniform range: small, so the class scores of a
   * random net on 0–255 inputs stay a spread-out distribution rather than one certain class.
   */
  lastGain?: number;
}

/** The values of one blob: He-uniform weights (±√(6 / fan-in)), small biases, neutral statistics. */
function blobValues(layer: RandomLayer, blob: RandomBlob, seed: number, gain: number): Float32Array {
  const n = prod(blob.shape);
  switch (blob.what) {
    case 'weights':
      return synthetic(seed, n, gain * Math.sqrt(6 / prod(blob.shape.slice(1))));
    case 'bias':
      return synthetic(seed, n, 0.01);
    case 'slopes':
      return new Float32Array(n).fill(0.25);
    case 'mean':
      return new Float32Array(n);
    case 'variance':
    case 'scale':
    case 'scale factor':
      return new Float32Array(n).fill(1);
    default:
      throw new Error(`layer '${layer.name}': no random values for blob '${blob.what}'`);
  }
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const lengthDelimited = (field: number, len: number) => [...key(field, 2), ...varint(len)];
const text = (field: number, s: string) => {
  const b = new TextEncoder().encode(s);
  return Uint8Array.from([...lengthDelimited(field, b.length), ...b]);
};

/**
 * Writes a .caffemodel with seeded random weights for `prototxtPath` to `outPath`. Returns the
 * layers written and the file size. BlobProto: shape (7) { dim (1, packed) }, data (5, packed floats);
 * LayerParameter: name (1), type (2), blobs (7); NetParameter: layer (100).
 */
export function writeRandomCaffemodel(prototxtPath: string, outPath: string, opts: RandomWeightOptions = {}): { layers: RandomLayer[]; bytes: number } {
  const seed = opts.seed ?? 1;
  const lastGain = opts.lastGain ?? 0.01;
  const layers = weightShapes(readFileSync(prototxtPath, 'utf8'), basename(prototxtPath));
  const lastWeighted = layers.length - 1;
  const fd = openSync(outPath, 'w');
  let bytes = 0;
  const write = (b: Uint8Array) => {
    writeSync(fd, b);
    bytes += b.length;
  };
  try {
    layers.forEach((layer, li) => {
      const blobParts = layer.blobs.map((blob, bi) => {
        const dims = blob.shape.flatMap(varint);
        const shape = Uint8Array.from([...lengthDelimited(7, dims.length + lengthDelimited(1, dims.length).length), ...lengthDelimited(1, dims.length), ...dims]);
        const values = blobValues(layer, blob, seed * 1000 + li * 10 + bi, li === lastWeighted ? lastGain : 1);
        const dataHead = Uint8Array.from(lengthDelimited(5, values.byteLength));
        return { shape, dataHead, values };
      });
      const name = text(1, layer.name);
      const type = text(2, layer.type);
      const blobLen = (b: (typeof blobParts)[number]) => b.shape.length + b.dataHead.length + b.values.byteLength;
      const layerLen = name.length + type.length + blobParts.reduce((s, b) => s + lengthDelimited(7, blobLen(b)).length + blobLen(b), 0);
      write(Uint8Array.from(lengthDelimited(100, layerLen)));
      write(name);
      write(type);
      for (const b of blobParts) {
        write(Uint8Array.from(lengthDelimited(7, blobLen(b))));
        write(b.shape);
        write(b.dataHead);
        write(new Uint8Array(b.values.buffer, b.values.byteOffset, b.values.byteLength));
      }
    });
  } finally {
    closeSync(fd);
  }
  return { layers, bytes };
}
