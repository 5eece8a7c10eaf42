// Per-layer references (scripts/golden/keras_reference.py, a numpy forward pass run with
// /usr/bin/python3) and the comparison of our layers against them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DataType, decodeModel, encodeModel } from '../../../onnx/proto';
import { permute } from '../ops/types';
import type { KerasImport } from '../index';

const repo = resolve(__dirname, '../../../..');

export interface RefLayer {
  name: string;
  type: string;
  /** Keras shape (NHWC). */
  shape: number[];
  /** Every stride-th value of the flat output. */
  stride: number;
  data: Float32Array;
}

/** Reads outputs.json + outputs.f32 as keras_reference.py writes them. */
export function readOutputs(dir: string): RefLayer[] {
  const meta = JSON.parse(readFileSync(join(dir, 'outputs.json'), 'utf8')) as { name: string; type: string; shape: number[]; offset: number; stride?: number }[];
  const bytes = readFileSync(join(dir, 'outputs.f32'));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return meta.map((m, i) => {
    const end = i + 1 < meta.length ? meta[i + 1].offset : all.length;
    return { name: m.name, type: m.type, shape: m.shape, stride: m.stride ?? 1, data: all.subarray(m.offset, end) };
  });
}

/** Runs the numpy reference on a model file and an NHWC input. */
export function pythonReference(model: string, input: Float32Array, shape: number[]): RefLayer[] {
  const dir = mkdtempSync(join(tmpdir(), 'keras-ref-'));
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  const h = new TextEncoder().encode(header + ' '.repeat(pad === 64 ? 0 : pad) + '\n');
  const npy = new Uint8Array(10 + h.length + input.byteLength);
  npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
  npy.set(h, 10);
  npy.set(new Uint8Array(input.buffer, input.byteOffset, input.byteLength), 10 + h.length);
  writeFileSync(join(dir, 'input.npy'), npy);
  execFileSync('/usr/bin/python3', [join(repo, 'scripts/golden/keras_reference.py'), model, join(dir, 'input.npy'), dir], { stdio: 'pipe' });
  return readOutputs(dir);
}

/** Runs the converted model once, returning every layer's output in Keras's layout (NHWC). */
export async function runKerasLayers(model: KerasImport, input: Float32Array, shape: number[]): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const proto = decodeModel(model.onnx);
  const have = new Set(proto.graph.output.map((o) => o.name));
  for (const l of model.layers) if (!have.has(l.tensor)) proto.graph.output.push({ name: l.tensor, type: { tensorType: { elemType: DataType.FLOAT } } });
  const session = await ort.InferenceSession.create(encodeModel(proto));
  try {
    const res = await session.run({ [model.manifest.input!.name!]: new ort.Tensor('float32', input, shape) });
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const l of model.layers) {
      const t = res[l.tensor];
      const dims = [...t.dims];
      const data = Float32Array.from(t.data as Float32Array);
      // Images run NCHW in the graph; the reference is in Keras's NHWC.
      out.set(l.name, dims.length === 4 ? permute(data, dims, [0, 2, 3, 1]) : { shape: dims, data });
    }
    return out;
  } finally {
    await session.release();
  }
}

/** max |ours − ref| / max |ref| over the values the reference kept (absolute when ref is all 0). */
export function relativeError(ours: Float32Array, ref: RefLayer): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0, j = 0; j < ref.data.length; i += ref.stride, j++) {
    maxDiff = Math.max(maxDiff, Math.abs(ours[i] - ref.data[j]));
    maxRef = Math.max(maxRef, Math.abs(ref.data[j]));
  }
  return maxRef > 0 ? maxDiff / maxRef : maxDiff;
}

/** Compares every layer; returns the error per layer and problems (missing layers, shapes). */
export async function compareToReference(model: KerasImport, input: Float32Array, shape: number[], ref: RefLayer[]): Promise<{ errors: Record<string, number>; problems: string[] }> {
  const ours = await runKerasLayers(model, input, shape);
  const errors: Record<string, number> = {};
  const problems: string[] = [];
  const refNames = new Set(ref.map((r) => r.name));
  for (const l of model.layers) if (!refNames.has(l.name)) problems.push(`${l.name}: no reference`);
  for (const r of ref) {
    const o = ours.get(r.name);
    if (!o) {
      problems.push(`${r.name}: not converted`);
      continue;
    }
    if (o.shape.join() !== r.shape.join()) {
      problems.push(`${r.name}: shape [${o.shape}] vs reference [${r.shape}]`);
      continue;
    }
    errors[r.name] = relativeError(o.data, r);
  }
  return { errors, problems };
}
