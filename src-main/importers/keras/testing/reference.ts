// Per-layer references (scripts/golden/keras_reference.py, a numpy forward pass run with
// /usr/bin/python3) and the comparison of our layers against them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeNpy } from '../../../formats/npy';
import { relError, runLayers } from '../../../onnx/testing/run-graph';
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
  try {
    writeFileSync(join(dir, 'input.npy'), encodeNpy(input, shape));
    execFileSync('/usr/bin/python3', [join(repo, 'scripts/golden/keras_reference.py'), model, join(dir, 'input.npy'), dir], { stdio: 'pipe' });
    return readOutputs(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the converted model once, returning every layer's output in Keras's layout (NHWC). */
export async function runKerasLayers(model: KerasImport, input: Float32Array, shape: number[]): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const res = await runLayers(model.onnx, { name: model.manifest.input!.name!, dims: shape, data: input }, model.layers.map((l) => l.tensor));
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const l of model.layers) {
    const { dims, data } = res.get(l.tensor)!;
    // Images run NCHW in the graph; the reference is in Keras's NHWC.
    out.set(l.name, dims.length === 4 ? permute(data, dims, [0, 2, 3, 1]) : { shape: dims, data });
  }
  return out;
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
    errors[r.name] = relError(o.data, r.data, r.stride);
  }
  return { errors, problems };
}
