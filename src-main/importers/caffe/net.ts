// One view of a Caffe net whatever its syntax: V1 `layers` / V2 `layer`, legacy `input:` fields,
// Input layers, and the data layer at the head of a train-style file. Layers not run at inference
// (TRAIN-phase layers, losses) are filtered here.
import { lineOf } from '../../formats/protobuf/text';
import type { BlobProto, NetParameter, NetStateRule, RawLayer } from './schema';
import { MAX_LAYERS, shapeProblem } from '../limits';
import { V1_TYPE_NAMES, layerInfo } from './layers';

export class CaffeNetError extends Error {}

export interface CaffeInput {
  /** Blob name the layers refer to. */
  blob: string;
  shape: number[];
}

export interface CaffeLayer {
  name: string;
  /** V2 type name (V1 enum names are translated). */
  type: string;
  bottoms: string[];
  tops: string[];
  /** The layer message as parsed: parameters are read from here (e.g. `convolution_param`). */
  raw: RawLayer;
  /** Line in the prototxt where the layer starts. */
  line?: number;
}

export interface DataTransform {
  scale?: number;
  mean_value?: number[];
  mean_file?: string;
  crop_size?: number;
}

export interface CaffeNet {
  name: string;
  inputs: CaffeInput[];
  layers: CaffeLayer[];
  /** transform_param of a data layer, when the file had one (preprocessing hints). */
  transform?: DataTransform;
  /** Layers left out (training-only, post-processing), for the user's information. */
  dropped: { name: string; type: string; why: string }[];
}

/** "layer 'conv2' (line 23)" */
export function layerRef(file: string, l: { name: string; line?: number }): string {
  return `${file}: layer '${l.name}'${l.line ? ` (line ${l.line})` : ''}`;
}

function ruleMatchesTest(rule: NetStateRule): boolean {
  if (rule.phase !== undefined && rule.phase !== 'TEST') return false;
  // Inference runs with no stages set, so a rule that needs a stage does not match.
  if (rule.stage && rule.stage.length > 0) return false;
  return true;
}

function inTestPhase(l: RawLayer): boolean {
  if (l.include && l.include.length > 0) return l.include.some(ruleMatchesTest);
  if (l.exclude && l.exclude.length > 0) return !l.exclude.some(ruleMatchesTest);
  return true;
}

function dataShape(l: RawLayer, type: string): number[] | null {
  const tp = l.transform_param as DataTransform | undefined;
  const crop = tp?.crop_size;
  if (type === 'MemoryData') {
    const p = (l.memory_data_param ?? {}) as Record<string, number | undefined>;
    if (p.channels && p.height && p.width) return [p.batch_size || 1, p.channels, p.height, p.width];
    return null;
  }
  if (type === 'ImageData') {
    const p = (l.image_data_param ?? {}) as Record<string, number | boolean | undefined>;
    const c = p.is_color === false ? 1 : 3;
    const h = crop || (p.crop_size as number) || (p.new_height as number);
    const w = crop || (p.crop_size as number) || (p.new_width as number);
    if (h && w) return [(p.batch_size as number) || 1, c, h, w];
    return null;
  }
  if (type === 'Data') {
    const p = (l.data_param ?? {}) as Record<string, number | undefined>;
    const size = crop || p.crop_size;
    // A database does not say how many channels its images have; colour is the common case.
    if (size) return [p.batch_size || 1, 3, size, size];
    return null;
  }
  return null;
}

/**
 * Builds the inference view of a parsed prototxt.
 * @param inputShape overrides the input shape (full, with batch) where the file gives none.
 */
export function buildNet(param: NetParameter, file: string, inputShape?: number[]): CaffeNet {
  const v2 = param.layer ?? [];
  const v1 = param.layers ?? [];
  if (v2.length > 0 && v1.length > 0) {
    throw new CaffeNetError(`${file}: the net mixes V1 'layers' and V2 'layer' entries; use one syntax`);
  }
  const rawLayers = v2.length > 0 ? v2 : v1;
  if (rawLayers.length > MAX_LAYERS) throw new CaffeNetError(`${file}: the net has ${rawLayers.length} layers; ConvScope opens nets of up to ${MAX_LAYERS}`);
  const isV1 = v2.length === 0;
  const net: CaffeNet = { name: param.name ?? 'caffe-net', inputs: [], layers: [], dropped: [] };

  // Legacy inputs: `input: "data"` with `input_shape { dim… }` or four `input_dim` per input.
  const legacy = param.input ?? [];
  legacy.forEach((blob, i) => {
    let shape: number[] | undefined;
    if (param.input_shape && param.input_shape[i]) shape = param.input_shape[i].dim ?? [];
    else if (param.input_dim && param.input_dim.length >= 4 * (i + 1)) shape = param.input_dim.slice(4 * i, 4 * i + 4);
    else if (inputShape) shape = inputShape;
    if (!shape || shape.length === 0) {
      throw new CaffeNetError(`${file}: input '${blob}' has no shape (give input_shape or four input_dim values)`);
    }
    net.inputs.push({ blob, shape: inputShape && i === 0 ? inputShape : shape });
  });

  const unavailable = new Set<string>();
  const names = new Set<string>();
  // Last suffix given per repeated name: a file repeating one name thousands of times stays linear.
  const lastSuffix = new Map<string, number>();
  rawLayers.forEach((raw, index) => {
    const typeRaw = raw.type ?? '';
    const type = isV1 ? (V1_TYPE_NAMES[typeRaw] ?? typeRaw) : typeRaw;
    let name = raw.name ?? `${type || 'layer'}_${index}`;
    const line = lineOf(raw);
    if (names.has(name)) {
      let k = lastSuffix.get(name) ?? 1;
      while (names.has(`${name}_${++k}`));
      lastSuffix.set(name, k);
      name = `${name}_${k}`;
    }
    names.add(name);
    const layer: CaffeLayer = { name, type, bottoms: raw.bottom ?? [], tops: raw.top ?? [], raw, line };
    if (!type) throw new CaffeNetError(`${layerRef(file, layer)} has no type`);
    if (!inTestPhase(raw)) {
      net.dropped.push({ name, type, why: 'not in the TEST phase' });
      return;
    }
    const info = layerInfo(type);
    if (!info) return net.layers.push(layer); // unknown types are reported by the converter with context
    if (info.role === 'train' || info.role === 'postprocess') {
      net.dropped.push({ name, type, why: info.description });
      return;
    }
    if (info.role === 'input') {
      if (layer.tops.length === 0) throw new CaffeNetError(`${layerRef(file, layer)} (${type}) has no top`);
      if (type === 'Input') {
        const shapes = ((raw.input_param as { shape?: { dim?: number[] }[] } | undefined)?.shape ?? []).map((s) => s.dim ?? []);
        layer.tops.forEach((top, i) => {
          const shape = (i === 0 && inputShape) || shapes[i] || shapes[0];
          if (!shape || shape.length === 0) throw new CaffeNetError(`${layerRef(file, layer)} (Input) has no shape for top '${top}'`);
          net.inputs.push({ blob: top, shape });
        });
        return;
      }
      // Train-style head: its first top (the image) becomes the input, the label is not available.
      const shape = inputShape ?? dataShape(raw, type);
      if (!shape) {
        throw new CaffeNetError(
          `${layerRef(file, layer)} (${type}) does not say its image size; give the input shape (e.g. 1,3,227,227)`,
        );
      }
      net.inputs.push({ blob: layer.tops[0], shape });
      layer.tops.slice(1).forEach((t) => unavailable.add(t));
      if (raw.transform_param) net.transform = raw.transform_param as DataTransform;
      return;
    }
    if (layer.bottoms.some((b) => unavailable.has(b))) {
      throw new CaffeNetError(`${layerRef(file, layer)} (${type}) needs '${layer.bottoms.find((b) => unavailable.has(b))}', which only exists during training`);
    }
    net.layers.push(layer);
  });
  if (net.inputs.length === 0) {
    if (inputShape && net.layers.length > 0 && net.layers[0].bottoms[0]) {
      net.inputs.push({ blob: net.layers[0].bottoms[0], shape: inputShape });
    } else {
      throw new CaffeNetError(`${file}: the net has no input (no 'input:' field, Input layer or data layer)`);
    }
  }
  for (const input of net.inputs) {
    const problem = shapeProblem(input.shape);
    if (problem) throw new CaffeNetError(`${file}: input '${input.blob}' (${input.shape.join('×')}) ${problem}`);
  }
  return net;
}

/** Weights by layer name, from a decoded caffemodel (V1 or V2 — both may be present). */
export function weightsByLayer(model: NetParameter): Map<string, BlobProto[]> {
  const out = new Map<string, BlobProto[]>();
  for (const l of [...(model.layers ?? []), ...(model.layer ?? [])]) {
    if (l.name !== undefined && l.blobs && l.blobs.length > 0) out.set(l.name, l.blobs);
  }
  return out;
}

/** A blob's shape: `shape.dim` (V2) or the legacy num/channels/height/width. */
export function blobShape(b: BlobProto): number[] {
  if (b.shape && b.shape.dim) return b.shape.dim;
  return [b.num ?? 1, b.channels ?? 1, b.height ?? 1, b.width ?? 1];
}

/**
 * A blob's shape, checked: every dimension a positive whole number and as many values as the file
 * holds. `what` names the blob in messages ("mean.binaryproto: mean").
 */
export function checkedBlobShape(b: BlobProto, what: string): number[] {
  const field = b.shape?.dim ? 'shape.dim' : 'num/channels/height/width';
  const dims = blobShape(b);
  const bad = dims.find((d) => !Number.isSafeInteger(d) || d <= 0);
  if (bad !== undefined) throw new CaffeNetError(`${what}: field '${field}' gives dimension ${bad} (${dims.join('×')}); dimensions are positive whole numbers`);
  const held = b.data && b.data.length > 0 ? b.data.length : (b.double_data?.length ?? 0);
  const declared = dims.reduce((a, d) => a * d, 1);
  if (declared !== held) throw new CaffeNetError(`${what}: field '${field}' declares ${dims.join('×')} (${declared} values) but the blob holds ${held}`);
  return dims;
}

/** A blob's values as float32 (double_data converted). */
export function blobData(b: BlobProto): Float32Array {
  if (b.data && b.data.length > 0) return b.data;
  if (b.double_data && b.double_data.length > 0) return Float32Array.from(b.double_data);
  return new Float32Array(0);
}
