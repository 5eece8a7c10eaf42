// Tiny ONNX models that misbehave in one specific way, for the engine's fault tests: each loads (its
// trial run with an all-zero input works) and then fails or drags on real frames. Written as files
// with a manifest that makes a 28×28 gray frame their input.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSource } from '../../../src-shared/contract';
import { attr, GraphBuilder } from '../../onnx/graph-builder';
import { DataType } from '../../onnx/proto';
import { encodeOnnx } from '../../onnx/writer';

const INPUT = {
  name: 'x',
  type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 1 }, { dimValue: 28 }, { dimValue: 28 }] } } },
};
const MANIFEST = { input: { shape: [1, 1, 28, 28], layout: 'NCHW' as const }, preprocess: { colour: 'gray' as const } };

function save(dir: string, name: string, g: GraphBuilder, output: string): ModelSource {
  const file = join(dir, `${name}.onnx`);
  writeFileSync(file, encodeOnnx(g.model({ name, producer: 'convscope-test', inputs: [INPUT], outputs: [output] })));
  return { paths: [file], manifest: MANIFEST };
}

/**
 * Reshapes its input to [1, 784] when it is all zero (the trial run) and to the impossible [7, 5]
 * as soon as any pixel is lit: it loads, then every real frame fails inside onnxruntime.
 */
export function failsOnFrames(dir: string): ModelSource {
  const g = new GraphBuilder();
  const max = g.op('max', 'ReduceMax', ['x'], [attr.int('keepdims', 0)]);
  const lit = g.op('cast', 'Cast', [g.op('lit', 'Greater', [max, g.constF('half', [], [0.5])])], [attr.int('to', DataType.INT64)]);
  const shape = g.op('shape', 'Add', [g.constI('base', [1, 784]), g.op('delta', 'Mul', [lit, g.constI('step', [6, -779])])]);
  const flat = g.op('bad_reshape', 'Reshape', ['x', shape]);
  return save(dir, 'fails-on-frames', g, g.op('probs', 'Softmax', [flat]));
}

/** Multiplies a 2688 × 2688 tiling of its input by itself: about a second of CPU per frame. */
export function slowOnFrames(dir: string): ModelSource {
  const g = new GraphBuilder();
  const square = g.op('square', 'Reshape', ['x', g.constI('side', [28, 28])]);
  const big = g.op('big', 'Tile', [square, g.constI('reps', [96, 96])]);
  const product = g.op('product', 'MatMul', [big, big]);
  const row = g.op('row', 'ReduceMean', [product], [attr.ints('axes', [0]), attr.int('keepdims', 1)]);
  const ten = g.op('ten', 'Slice', [row, g.constI('starts', [0, 0]), g.constI('ends', [1, 10])]);
  return save(dir, 'slow-on-frames', g, g.op('probs', 'Softmax', [ten]));
}

/**
 * A model file that is a named pipe nobody writes to: reading it blocks, so its load hangs. Call
 * the returned release() to let the stuck read finish (it then sees an empty file).
 */
export function hangsOnLoad(dir: string): { source: ModelSource; release(): void } {
  const file = join(dir, 'hangs-on-load.onnx');
  execFileSync('mkfifo', [file]);
  return {
    source: { paths: [file] },
    release() {
      // Opening the write end (non-blocking: the stuck reader is there) and closing it gives the reader EOF.
      execFileSync('sh', ['-c', `exec 3<>"$0"; exec 3>&-`, file]);
    },
  };
}
