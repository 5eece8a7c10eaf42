// Caffe net + weights → ONNX graph (opset 13). Every Caffe layer's output is its own tensor named
// after the layer (in-place layers included: "conv1" is the convolution, "relu1" the ReLU of it);
// layers with several tops name them "<layer>/<top>". Caffe's semantics are reproduced exactly where
// ONNX differs (pooling rounding and divisors, WITHIN_CHANNEL LRN, BatchNorm's scale factor).
import { DataType, type ModelProto, type ValueInfoProto } from '../../onnx/proto';
import { attr, GraphBuilder } from '../../onnx/graph-builder';
import { SUPPORTED_TYPES } from './layers';
import { blobData, blobShape, layerRef, type CaffeLayer, type CaffeNet } from './net';
import type { BlobProto } from './schema';
import { floatsOf, rawFloatBytes } from './wire';

/** A layer's learned blob: its raw float32 bytes, and the values when a conversion needs them. */
interface Weights {
  bytes: Uint8Array;
  floats: () => Float32Array;
}

const bytesOf = (f: Float32Array) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength);

export class CaffeConvertError extends Error {}

export interface ConvertedLayer {
  /** Caffe layer name ("<layer>/<top>" for layers with several tops). */
  name: string;
  /** Caffe layer type (V2 name). */
  type: string;
  /** ONNX tensor holding the output. */
  tensor: string;
  /** Output shape at the prototxt's nominal input size, batch included. */
  shape: number[];
}

export interface ConvertedNet {
  model: ModelProto;
  layers: ConvertedLayer[];
  inputs: { name: string; shape: number[] }[];
  /** Graph outputs, the last layer's first. */
  outputs: string[];
}

const fmt = (s: number[]) => (s.length ? s.join('×') : 'scalar');
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const stripOnes = (s: number[]) => {
  let i = 0;
  while (i < s.length && s[i] === 1) i++;
  return s.slice(i);
};

type Params = Record<string, unknown>;
const param = (l: CaffeLayer, key: string): Params => (l.raw[key] ?? {}) as Params;
const num = (p: Params, key: string, dflt: number): number => (typeof p[key] === 'number' ? (p[key] as number) : dflt);
const nums = (p: Params, key: string): number[] => (Array.isArray(p[key]) ? (p[key] as number[]) : []);
const bool = (p: Params, key: string, dflt: boolean): boolean => (typeof p[key] === 'boolean' ? (p[key] as boolean) : dflt);
const str = (p: Params, key: string, dflt: string): string => (typeof p[key] === 'string' ? (p[key] as string) : dflt);

/** Normalises a possibly negative axis. */
function axisOf(axis: number, rank: number, err: (m: string) => never): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) err(`axis ${axis} is out of range for a ${rank}-D input`);
  return a;
}

export interface ConvertOptions {
  prototxtName: string;
  caffemodelName: string;
  onProgress?: (fraction: number) => void;
}

/** Converts a Caffe net with its weights (matched by layer name) to an ONNX model. */
export function convertNet(net: CaffeNet, weights: Map<string, BlobProto[]>, opts: ConvertOptions): ConvertedNet {
  const g = new GraphBuilder();
  const blobs = new Map<string, string>(); // Caffe blob name → current ONNX tensor
  const shapes = new Map<string, number[]>(); // tensor → nominal shape
  const layers: ConvertedLayer[] = [];
  const consumed = new Set<string>();

  const graphInputs: ValueInfoProto[] = [];
  const inputs: ConvertedNet['inputs'] = [];
  for (const inp of net.inputs) {
    const name = g.unique(inp.blob);
    blobs.set(inp.blob, name);
    shapes.set(name, inp.shape);
    inputs.push({ name, shape: inp.shape });
    // Batch is always dynamic; image inputs also take any height and width (fully convolutional
    // nets run at any size; others fail clearly in the runtime if fed the wrong size).
    const dims = inp.shape.map((d, i) =>
      i === 0 ? { dimParam: 'batch' } : inp.shape.length === 4 && i >= 2 ? { dimParam: i === 2 ? 'height' : 'width' } : { dimValue: d },
    );
    graphInputs.push({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims } } } });
  }
  // Layer names are the user's handles on tensors: reserve them before helper tensors are named.
  for (const l of net.layers) if (l.tops.length <= 1) g.reserve(l.name);

  net.layers.forEach((layer, index) => {
    const ref = `${layerRef(opts.prototxtName, layer)} (${layer.type})`;
    const err = (m: string): never => {
      throw new CaffeConvertError(`${ref}: ${m}`);
    };
    const inT = layer.bottoms.map((b) => {
      const t = blobs.get(b);
      if (!t) err(`its input '${b}' is not produced by any earlier layer`);
      return t as string;
    });
    inT.forEach((t) => consumed.add(t));
    const inS = inT.map((t) => shapes.get(t) as number[]);
    if (layer.tops.length === 0) err('it has no top');
    // A layer named like an input blob (legacy `input: "data"` + layer "data") gets "data_2".
    const single = inputs.some((i) => i.name === layer.name) ? g.unique(layer.name) : layer.name;
    const outs = layer.tops.length === 1 ? [single] : layer.tops.map((t) => g.unique(`${layer.name}/${t}`));
    const out = outs[0];
    const tmp = (what: string) => `${layer.name}/${what}`;
    const needInputs = (n: number) => {
      if (inT.length < n) err(`needs ${n} input${n > 1 ? 's' : ''}, has ${inT.length}`);
    };

    // Blobs of this layer from the caffemodel, checked against the shape the prototxt implies.
    const layerBlobs = weights.get(layer.name);
    const blob = (i: number, what: string, expected: number[]): Weights => {
      if (!layerBlobs) {
        err(`no weights for this layer in ${opts.caffemodelName} (expected ${what} of shape ${fmt(expected)})`);
      }
      const b = layerBlobs![i];
      if (!b) err(`${opts.caffemodelName} has ${layerBlobs!.length} blob(s) for this layer; ${what} (blob ${i}, shape ${fmt(expected)}) is missing`);
      const shape = blobShape(b);
      // Float data stays the file's bytes (no copy); double_data is converted.
      const bytes = rawFloatBytes(b, 'data') ?? bytesOf(blobData(b));
      const count = bytes.length / 4;
      const a = stripOnes(shape);
      const e = stripOnes(expected);
      if (count !== prod(expected) || a.length !== e.length || a.some((d, k) => d !== e[k])) {
        err(`${what} blob in ${opts.caffemodelName} is ${fmt(shape)} (${count} values), but the prototxt needs ${fmt(expected)}`);
      }
      if (prod(shape) !== count) err(`${what} in ${opts.caffemodelName} declares shape ${fmt(shape)} but holds ${count} values`);
      return { bytes, floats: () => floatsOf(bytes) };
    };
    /** Shape of a per-channel parameter broadcast against an input of rank r from `axis`. */
    const bcast = (dims: number[], axis: number, rank: number) => [...dims, ...new Array(Math.max(0, rank - axis - dims.length)).fill(1)];

    let outShapes: number[][];
    const t = layer.type;
    switch (t) {
      case 'Convolution':
      case 'Deconvolution': {
        needInputs(1);
        const p = param(layer, 'convolution_param');
        const x = inS[0];
        if (x.length !== 4) err(`only 2-D convolution of N×C×H×W inputs is supported (input is ${fmt(x)})`);
        const nOut = num(p, 'num_output', 0);
        if (!nOut) err('convolution_param.num_output is missing');
        const ks = nums(p, 'kernel_size');
        if (ks.length > 2) err('only 2-D kernels are supported');
        const kh = num(p, 'kernel_h', ks[0] ?? 0);
        const kw = num(p, 'kernel_w', ks[1] ?? ks[0] ?? 0);
        if (!kh || !kw) err('kernel size is missing');
        const pad = nums(p, 'pad');
        const ph = num(p, 'pad_h', pad[0] ?? 0);
        const pw = num(p, 'pad_w', pad[1] ?? pad[0] ?? 0);
        const st = nums(p, 'stride');
        const sh = num(p, 'stride_h', st[0] ?? 1);
        const sw = num(p, 'stride_w', st[1] ?? st[0] ?? 1);
        const dil = nums(p, 'dilation');
        const dh = dil[0] ?? 1;
        const dw = dil[1] ?? dil[0] ?? 1;
        const group = num(p, 'group', 1);
        const cin = x[1];
        if (cin % group !== 0 || nOut % group !== 0) err(`group ${group} does not divide ${cin} input and ${nOut} output channels`);
        const wShape = t === 'Convolution' ? [nOut, cin / group, kh, kw] : [cin, nOut / group, kh, kw];
        const w = g.constF(tmp('weights'), wShape, blob(0, 'weights', wShape).bytes);
        const ins = [inT[0], w];
        if (bool(p, 'bias_term', true)) ins.push(g.constF(tmp('bias'), [nOut], blob(1, 'bias', [nOut]).bytes));
        const attrs = [attr.ints('kernel_shape', [kh, kw]), attr.ints('pads', [ph, pw, ph, pw]), attr.ints('strides', [sh, sw]), attr.ints('dilations', [dh, dw]), attr.int('group', group)];
        g.add(t === 'Convolution' ? 'Conv' : 'ConvTranspose', ins, [out], attrs);
        const ekh = dh * (kh - 1) + 1;
        const ekw = dw * (kw - 1) + 1;
        outShapes = [
          t === 'Convolution'
            ? [x[0], nOut, Math.floor((x[2] + 2 * ph - ekh) / sh) + 1, Math.floor((x[3] + 2 * pw - ekw) / sw) + 1]
            : [x[0], nOut, sh * (x[2] - 1) + ekh - 2 * ph, sw * (x[3] - 1) + ekw - 2 * pw],
        ];
        break;
      }
      case 'Pooling': {
        needInputs(1);
        const p = param(layer, 'pooling_param');
        const x = inS[0];
        if (x.length !== 4) err(`pooling needs an N×C×H×W input (input is ${fmt(x)})`);
        const method = str(p, 'pool', 'MAX');
        if (method === 'STOCHASTIC') err('STOCHASTIC pooling is not supported');
        if (bool(p, 'global_pooling', false)) {
          g.add(method === 'MAX' ? 'GlobalMaxPool' : 'GlobalAveragePool', [inT[0]], [out]);
          outShapes = [[x[0], x[1], 1, 1]];
          break;
        }
        const k = num(p, 'kernel_size', 0);
        const kh = num(p, 'kernel_h', k);
        const kw = num(p, 'kernel_w', k);
        if (!kh || !kw) err('kernel size is missing');
        const ph = num(p, 'pad_h', num(p, 'pad', 0));
        const pw = num(p, 'pad_w', num(p, 'pad', 0));
        const sh = num(p, 'stride_h', num(p, 'stride', 1));
        const sw = num(p, 'stride_w', num(p, 'stride', 1));
        if (ph >= kh || pw >= kw) err('padding must be smaller than the kernel');
        const ceil = str(p, 'round_mode', 'CEIL') === 'CEIL';
        // Caffe: out = ceil((H + 2p − k) / s) + 1, minus the last window if it starts in the padding.
        const size = (H: number, kk: number, pp: number, ss: number) => {
          let o = (ceil ? Math.ceil((H + 2 * pp - kk) / ss) : Math.floor((H + 2 * pp - kk) / ss)) + 1;
          if (pp > 0 && (o - 1) * ss >= H + pp) o--;
          return o;
        };
        const attrs = [attr.ints('kernel_shape', [kh, kw]), attr.ints('strides', [sh, sw]), attr.int('ceil_mode', ceil ? 1 : 0)];
        const mayDrop = ceil && (ph > 0 || pw > 0 || sh > kh || sw > kw);
        const pooled = mayDrop ? g.unique(tmp('pooled')) : out;
        if (method === 'MAX') {
          // Padding never wins a max: ONNX MaxPool ignores padded cells like Caffe does.
          g.add('MaxPool', [inT[0]], [pooled], [...attrs, attr.ints('pads', [ph, pw, ph, pw])]);
        } else {
          // Caffe divides by the window clipped to the padded input (padding counts, the ceil
          // overhang past the padding does not). Zero-pad explicitly, then average without
          // counting cells outside the padded tensor: exactly that divisor.
          const src = ph > 0 || pw > 0
            ? g.op(tmp('padded'), 'Pad', [inT[0], g.constI(tmp('pads'), [0, 0, ph, pw, 0, 0, ph, pw])])
            : inT[0];
          g.add('AveragePool', [src], [pooled], [...attrs, attr.int('count_include_pad', 0)]);
        }
        if (mayDrop) {
          // Keep the windows that start inside input + leading padding: ceil((H + p) / s) of them,
          // computed from the runtime shape so fully convolutional nets stay exact at any size.
          const hw = g.op(tmp('hw'), 'Slice', [g.op(tmp('shape'), 'Shape', [inT[0]]), g.constI(tmp('s0'), [2]), g.constI(tmp('s1'), [4])]);
          const ends = g.op(tmp('ends'), 'Div', [g.op(tmp('sum'), 'Add', [hw, g.constI(tmp('round'), [ph + sh - 1, pw + sw - 1])]), g.constI(tmp('stride'), [sh, sw])]);
          g.add('Slice', [pooled, g.constI(tmp('starts'), [0, 0]), ends, g.constI(tmp('axes'), [2, 3])], [out]);
        }
        outShapes = [[x[0], x[1], size(x[2], kh, ph, sh), size(x[3], kw, pw, sw)]];
        break;
      }
      case 'InnerProduct': {
        needInputs(1);
        const p = param(layer, 'inner_product_param');
        const x = inS[0];
        const axis = axisOf(num(p, 'axis', 1), x.length, err);
        const nOut = num(p, 'num_output', 0);
        if (!nOut) err('inner_product_param.num_output is missing');
        const K = prod(x.slice(axis));
        let w: Float32Array | Uint8Array;
        if (bool(p, 'transpose', false)) {
          // Stored [K, N]: transpose so the initializer is [out, in] like every other Gemm here.
          const wt = blob(0, 'weights', [K, nOut]).floats();
          w = new Float32Array(nOut * K);
          for (let i = 0; i < K; i++) for (let j = 0; j < nOut; j++) w[j * K + i] = wt[i * nOut + j];
        } else w = blob(0, 'weights', [nOut, K]).bytes;
        const flat = x.length === axis + 1 && axis === 1 ? inT[0] : g.op(tmp('flatten'), 'Flatten', [inT[0]], [attr.int('axis', axis)]);
        const ins = [flat, g.constF(tmp('weights'), [nOut, K], w)];
        if (bool(p, 'bias_term', true)) ins.push(g.constF(tmp('bias'), [nOut], blob(1, 'bias', [nOut]).bytes));
        if (axis === 1) g.add('Gemm', ins, [out], [attr.int('transB', 1)]);
        else {
          const gemm = g.op(tmp('gemm'), 'Gemm', ins, [attr.int('transB', 1)]);
          g.add('Reshape', [gemm, g.constI(tmp('shape'), [-1, ...x.slice(1, axis), nOut])], [out]);
        }
        outShapes = [[...x.slice(0, axis), nOut]];
        break;
      }
      case 'ReLU': {
        needInputs(1);
        const slope = num(param(layer, 'relu_param'), 'negative_slope', 0);
        g.add(slope === 0 ? 'Relu' : 'LeakyRelu', [inT[0]], [out], slope === 0 ? [] : [attr.float('alpha', slope)]);
        outShapes = [inS[0]];
        break;
      }
      case 'PReLU': {
        needInputs(1);
        const x = inS[0];
        const shared = bool(param(layer, 'prelu_param'), 'channel_shared', false);
        const c = shared ? 1 : x[1];
        const slopes = blob(0, 'slopes', [c]).bytes;
        const dims = shared ? [1] : bcast([c], 1, x.length);
        g.add('PRelu', [inT[0], g.constF(tmp('slopes'), dims, slopes)], [out]);
        outShapes = [x];
        break;
      }
      case 'ELU':
        needInputs(1);
        g.add('Elu', [inT[0]], [out], [attr.float('alpha', num(param(layer, 'elu_param'), 'alpha', 1))]);
        outShapes = [inS[0]];
        break;
      case 'Sigmoid':
      case 'TanH':
      case 'AbsVal':
      case 'BNLL':
      case 'Dropout': {
        needInputs(1);
        const op = { Sigmoid: 'Sigmoid', TanH: 'Tanh', AbsVal: 'Abs', BNLL: 'Softplus', Dropout: 'Identity' }[t];
        g.add(op, [inT[0]], [out]);
        outShapes = [inS[0]];
        break;
      }
      case 'Power':
      case 'Exp':
      case 'Log': {
        needInputs(1);
        const p = param(layer, t === 'Power' ? 'power_param' : t === 'Exp' ? 'exp_param' : 'log_param');
        let scale = num(p, 'scale', 1);
        let shift = num(p, 'shift', 0);
        const base = num(p, 'base', -1);
        const lnBase = base === -1 ? 1 : Math.log(base);
        if (t !== 'Power' && base !== -1 && !(base > 0)) err(`base must be positive or -1 (e), got ${base}`);
        if (t === 'Exp') {
          // base^(shift + scale·x) = exp(ln(base)·shift + ln(base)·scale·x)
          scale *= lnBase;
          shift *= lnBase;
        }
        const steps: ((src: string, dst: string) => void)[] = [];
        if (scale !== 1) steps.push((s, d) => g.add('Mul', [s, g.constF(tmp('scale'), [], [scale])], [d]));
        if (shift !== 0) steps.push((s, d) => g.add('Add', [s, g.constF(tmp('shift'), [], [shift])], [d]));
        if (t === 'Power') {
          const power = num(p, 'power', 1);
          if (power !== 1) steps.push((s, d) => g.add('Pow', [s, g.constF(tmp('power'), [], [power])], [d]));
        } else if (t === 'Exp') steps.push((s, d) => g.add('Exp', [s], [d]));
        else {
          steps.push((s, d) => g.add('Log', [s], [d]));
          if (lnBase !== 1) steps.push((s, d) => g.add('Mul', [s, g.constF(tmp('inv_ln_base'), [], [1 / lnBase])], [d]));
        }
        if (steps.length === 0) steps.push((s, d) => g.add('Identity', [s], [d]));
        let src = inT[0];
        steps.forEach((step, i) => {
          const dst = i === steps.length - 1 ? out : g.unique(tmp(`step${i}`));
          step(src, dst);
          src = dst;
        });
        outShapes = [inS[0]];
        break;
      }
      case 'Softmax': {
        needInputs(1);
        const axis = axisOf(num(param(layer, 'softmax_param'), 'axis', 1), inS[0].length, err);
        g.add('Softmax', [inT[0]], [out], [attr.int('axis', axis)]);
        outShapes = [inS[0]];
        break;
      }
      case 'LRN': {
        needInputs(1);
        const p = param(layer, 'lrn_param');
        const size = num(p, 'local_size', 5);
        const alpha = num(p, 'alpha', 1);
        const beta = num(p, 'beta', 0.75);
        const k = num(p, 'k', 1);
        if (size % 2 !== 1) err(`local_size must be odd, got ${size}`);
        if (inS[0].length !== 4) err(`LRN needs an N×C×H×W input (input is ${fmt(inS[0])})`);
        if (str(p, 'norm_region', 'ACROSS_CHANNELS') === 'ACROSS_CHANNELS') {
          g.add('LRN', [inT[0]], [out], [attr.int('size', size), attr.float('alpha', alpha), attr.float('beta', beta), attr.float('bias', k)]);
        } else {
          // WITHIN_CHANNEL has no ONNX op. Caffe computes x · (1 + α · mean_{n×n}(x²))^−β with a
          // zero-padded n×n window always divided by n² (k is not used in this mode).
          const pad = (size - 1) / 2;
          const sq = g.op(tmp('square'), 'Mul', [inT[0], inT[0]]);
          const avg = g.op(tmp('window_mean'), 'AveragePool', [sq], [
            attr.ints('kernel_shape', [size, size]), attr.ints('pads', [pad, pad, pad, pad]), attr.ints('strides', [1, 1]), attr.int('count_include_pad', 1),
          ]);
          const scaled = g.op(tmp('scaled'), 'Mul', [avg, g.constF(tmp('alpha'), [], [alpha])]);
          const shifted = g.op(tmp('shifted'), 'Add', [scaled, g.constF(tmp('one'), [], [1])]);
          const factor = g.op(tmp('factor'), 'Pow', [shifted, g.constF(tmp('minus_beta'), [], [-beta])]);
          g.add('Mul', [inT[0], factor], [out]);
        }
        outShapes = [inS[0]];
        break;
      }
      case 'BatchNorm': {
        needInputs(1);
        const x = inS[0];
        if (x.length < 2) err(`BatchNorm needs a channel axis (input is ${fmt(x)})`);
        const c = x[1];
        const eps = num(param(layer, 'batch_norm_param'), 'eps', 1e-5);
        const mean = blob(0, 'mean', [c]).floats();
        const variance = blob(1, 'variance', [c]).floats();
        const sf = blob(2, 'scale factor', [1]).floats()[0];
        // Caffe stores running sums; the true statistics are the blobs divided by the factor.
        const f = sf === 0 ? 0 : 1 / sf;
        const m = mean.map((v) => v * f);
        const v = variance.map((val) => val * f);
        g.add('BatchNormalization', [
          inT[0],
          g.constF(tmp('ones'), [c], new Float32Array(c).fill(1)),
          g.constF(tmp('zeros'), [c], new Float32Array(c)),
          g.constF(tmp('mean'), [c], m),
          g.constF(tmp('variance'), [c], v),
        ], [out], [attr.float('epsilon', eps)]);
        outShapes = [x];
        break;
      }
      case 'Scale':
      case 'Bias': {
        needInputs(1);
        const p = param(layer, t === 'Scale' ? 'scale_param' : 'bias_param');
        const x = inS[0];
        const axis = axisOf(num(p, 'axis', 1), x.length, err);
        const numAxes = num(p, 'num_axes', 1);
        const fromInput = inT.length > 1;
        const pdims = fromInput ? inS[1] : numAxes === -1 ? x.slice(axis) : x.slice(axis, axis + numAxes);
        const shape = bcast(pdims, axis, x.length);
        if (fromInput && pdims.some((d, i) => x[axis + i] !== d)) {
          err(`second input ${fmt(pdims)} does not match ${fmt(x)} from axis ${axis}`);
        }
        // A parameter coming from another layer keeps its own dims (0 = copy, so the batch may vary).
        const second = fromInput
          ? g.op(tmp('param'), 'Reshape', [inT[1], g.constI(tmp('param_shape'), shape.map((d, i) => (i < pdims.length ? 0 : d)))])
          : g.constF(tmp(t === 'Scale' ? 'scale' : 'bias'), shape, blob(0, t === 'Scale' ? 'scale' : 'bias', pdims).bytes);
        if (t === 'Bias') g.add('Add', [inT[0], second], [out]);
        else if (bool(p, 'bias_term', false)) {
          const scaled = g.op(tmp('scaled'), 'Mul', [inT[0], second]);
          const bias = blob(fromInput ? 0 : 1, 'bias', pdims).bytes;
          g.add('Add', [scaled, g.constF(tmp('bias'), shape, bias)], [out]);
        } else g.add('Mul', [inT[0], second], [out]);
        outShapes = [x];
        break;
      }
      case 'Eltwise': {
        needInputs(2);
        const p = param(layer, 'eltwise_param');
        const op = str(p, 'operation', 'SUM');
        const coeff = nums(p, 'coeff');
        if (coeff.length > 0 && coeff.length !== inT.length) err(`has ${coeff.length} coefficients for ${inT.length} inputs`);
        if (coeff.length > 0 && op !== 'SUM') err('coefficients are only allowed with SUM');
        const terms = op === 'SUM' && coeff.some((c) => c !== 1)
          ? inT.map((x, i) => (coeff[i] === 1 ? x : g.op(tmp(`term${i}`), 'Mul', [x, g.constF(tmp(`coeff${i}`), [], [coeff[i]])])))
          : inT;
        if (op === 'PROD') {
          // Mul is binary: chain it, the last product being the layer's tensor.
          let acc = terms[0];
          for (let i = 1; i < terms.length; i++) {
            const dst = i === terms.length - 1 ? out : g.unique(tmp(`prod${i}`));
            g.add('Mul', [acc, terms[i]], [dst]);
            acc = dst;
          }
        } else g.add(op === 'SUM' ? 'Sum' : 'Max', terms, [out]);
        outShapes = [inS[0]];
        break;
      }
      case 'Concat': {
        needInputs(1);
        const p = param(layer, 'concat_param');
        const axis = axisOf(num(p, 'axis', num(p, 'concat_dim', 1)), inS[0].length, err);
        g.add('Concat', inT, [out], [attr.int('axis', axis)]);
        const s = [...inS[0]];
        s[axis] = inS.reduce((a, sh) => a + sh[axis], 0);
        outShapes = [s];
        break;
      }
      case 'Slice':
      case 'Split': {
        needInputs(1);
        const x = inS[0];
        if (t === 'Split') {
          layer.tops.forEach((_, i) => g.add('Identity', [inT[0]], [outs[i]]));
          outShapes = layer.tops.map(() => x);
          break;
        }
        const p = param(layer, 'slice_param');
        const axis = axisOf(num(p, 'axis', num(p, 'slice_dim', 1)), x.length, err);
        const points = nums(p, 'slice_point');
        const n = layer.tops.length;
        let sizes: number[];
        if (points.length > 0) {
          if (points.length !== n - 1) err(`has ${points.length} slice points for ${n} tops`);
          const b = [0, ...points, x[axis]];
          sizes = b.slice(1).map((e, i) => e - b[i]);
          if (sizes.some((s) => s <= 0)) err(`slice points ${points.join(', ')} do not fit an axis of size ${x[axis]}`);
        } else {
          if (x[axis] % n !== 0) err(`cannot split an axis of size ${x[axis]} into ${n} equal parts`);
          sizes = new Array(n).fill(x[axis] / n);
        }
        g.add('Split', [inT[0], g.constI(tmp('sizes'), sizes)], outs, [attr.int('axis', axis)]);
        outShapes = sizes.map((s) => x.map((d, i) => (i === axis ? s : d)));
        break;
      }
      case 'Flatten': {
        needInputs(1);
        const p = param(layer, 'flatten_param');
        const x = inS[0];
        const axis = axisOf(num(p, 'axis', 1), x.length, err);
        const end = axisOf(num(p, 'end_axis', -1), x.length, err);
        const s = [...x.slice(0, axis), prod(x.slice(axis, end + 1)), ...x.slice(end + 1)];
        if (axis === 1 && end === x.length - 1) g.add('Flatten', [inT[0]], [out], [attr.int('axis', 1)]);
        else g.add('Reshape', [inT[0], g.constI(tmp('shape'), s.map((d, i) => (i === 0 ? (axis === 0 ? -1 : 0) : d)))], [out]);
        outShapes = [s];
        break;
      }
      case 'Reshape': {
        needInputs(1);
        const p = param(layer, 'reshape_param');
        const x = inS[0];
        const dims = ((p.shape as { dim?: number[] } | undefined)?.dim ?? []).slice();
        const axis = num(p, 'axis', 0);
        const a = axis < 0 ? x.length + 1 + axis : axis;
        const na = num(p, 'num_axes', -1);
        const end = na === -1 ? x.length : a + na;
        if (a < 0 || a > x.length || end > x.length) err('axis / num_axes are out of range for the input');
        // Resolve 0 (copy) and −1 (infer) against the nominal shape.
        const mid = dims.map((d, i) => (d === 0 ? x[a + i] : d));
        const full = [...x.slice(0, a), ...mid, ...x.slice(end)];
        const known = full.filter((d) => d !== -1);
        if (full.filter((d) => d === -1).length > 1) err('more than one -1 in reshape_param.shape');
        const resolved = full.map((d) => (d === -1 ? prod(x) / prod(known) : d));
        if (prod(resolved) !== prod(x) || resolved.some((d) => !Number.isInteger(d))) {
          err(`cannot reshape ${fmt(x)} to ${fmt(full)}`);
        }
        // Batch stays dynamic: copy dim 0 where it is kept, infer it where Caffe names it explicitly
        // (an explicit value is only the batch at the nominal size) unless another dim is inferred.
        const spec = full.map((d, i) => {
          if (i > 0) return d;
          if (a > 0 || dims[0] === 0) return 0;
          return full.slice(1).includes(-1) ? d : -1;
        });
        g.add('Reshape', [inT[0], g.constI(tmp('shape'), spec)], [out]);
        outShapes = [resolved];
        break;
      }
      case 'Permute': {
        needInputs(1);
        const x = inS[0];
        const order = nums(param(layer, 'permute_param'), 'order');
        const perm = [...order];
        for (let i = 0; i < x.length; i++) if (!perm.includes(i)) perm.push(i);
        if (perm.length !== x.length || perm.some((v) => v >= x.length)) err(`order ${order.join(',')} does not fit a ${x.length}-D input`);
        g.add('Transpose', [inT[0]], [out], [attr.ints('perm', perm)]);
        outShapes = [perm.map((i) => x[i])];
        break;
      }
      case 'Crop': {
        needInputs(2);
        const p = param(layer, 'crop_param');
        const x = inS[0];
        const ref = inS[1];
        const axis = axisOf(num(p, 'axis', 2), x.length, err);
        const off = nums(p, 'offset');
        const count = x.length - axis;
        if (off.length > 1 && off.length !== count) err(`has ${off.length} offsets for ${count} cropped axes`);
        const offsets = Array.from({ length: count }, (_, i) => (off.length === 0 ? 0 : off.length === 1 ? off[0] : off[i]));
        const axes = Array.from({ length: count }, (_, i) => axis + i);
        offsets.forEach((o, i) => {
          if (o + ref[axis + i] > x[axis + i]) err(`cropping ${ref[axis + i]} from ${x[axis + i]} at offset ${o} leaves the input`);
        });
        // Ends follow the reference's runtime shape, so fully convolutional nets keep working.
        const refDims = g.op(tmp('ref_dims'), 'Slice', [
          g.op(tmp('ref_shape'), 'Shape', [inT[1]]), g.constI(tmp('r0'), [axis]), g.constI(tmp('r1'), [x.length]),
        ]);
        const ends = g.op(tmp('ends'), 'Add', [refDims, g.constI(tmp('offsets'), offsets)]);
        g.add('Slice', [inT[0], g.constI(tmp('starts'), offsets), ends, g.constI(tmp('axes'), axes)], [out]);
        outShapes = [x.map((d, i) => (i < axis ? d : ref[i]))];
        break;
      }
      default:
        err(`ConvScope cannot convert layers of type '${t}' (supported: ${SUPPORTED_TYPES.join(', ')})`);
    }

    outShapes!.forEach((s, i) => {
      shapes.set(outs[i], s);
      blobs.set(layer.tops[i], outs[i]);
      layers.push({ name: layer.tops.length === 1 ? layer.name : outs[i], type: t, tensor: outs[i], shape: s });
    });
    opts.onProgress?.((index + 1) / net.layers.length);
  });

  // Graph outputs: layer outputs nothing consumes, the last layer's first (the class scores).
  const produced = layers.map((l) => l.tensor);
  const allInputs = new Set(g.nodes.flatMap((n) => n.input));
  const finals = produced.filter((t) => !allInputs.has(t) && !consumed.has(t));
  const last = layers[layers.length - 1]?.tensor;
  const outputs = last ? [last, ...finals.filter((t) => t !== last)] : finals;
  if (outputs.length === 0) throw new CaffeConvertError(`${opts.prototxtName}: the net has no layers to run`);

  const model: ModelProto = g.model({ name: net.name, producer: 'ConvScope Caffe importer', inputs: graphInputs, outputs });
  return { model, layers, inputs, outputs };
}
