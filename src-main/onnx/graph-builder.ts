// Builds an ONNX graph node by node for the importers (Caffe, Keras): unique tensor names, nodes,
// and initializers that keep the weights' bytes as views of the file (no copies). The model it
// makes is serialised with writer.ts's encodeOnnx.
import {
  AttributeType,
  DataType,
  int64Tensor,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto';

/** The opset every importer targets. */
export const OPSET = 13;

/** Node attributes. */
export const attr = {
  int: (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i }),
  ints: (name: string, ints: number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints }),
  float: (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  floats: (name: string, floats: number[]): AttributeProto => ({ name, type: AttributeType.FLOATS, floats }),
  string: (name: string, s: string): AttributeProto => ({ name, type: AttributeType.STRING, s: new TextEncoder().encode(s) }),
};

const bytesOf = (f: Float32Array) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength);

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly inits: TensorProto[] = [];
  private readonly used = new Set<string>();
  /** Last suffix tried per base name, so that thousands of equal names cost linear time. */
  private readonly lastSuffix = new Map<string, number>();

  /** `base`, or `base_2`, `base_3`, … when taken; the name is taken from then on. */
  unique(base: string): string {
    let n = base;
    let k = this.lastSuffix.get(base) ?? 1;
    if (this.used.has(n)) n = `${base}_${++k}`;
    while (this.used.has(n)) n = `${base}_${++k}`;
    this.lastSuffix.set(base, k);
    this.used.add(n);
    return n;
  }
  /** Keeps a name (e.g. a layer's, the user's handle on its tensor) from being given to a helper tensor. */
  reserve(name: string): void {
    this.used.add(name);
  }
  add(op: string, inputs: string[], outputs: string[], attrs: AttributeProto[] = []): void {
    this.nodes.push({ opType: op, input: inputs, output: outputs, name: outputs[0], attribute: attrs });
  }
  /** Adds a node with one fresh output tensor and returns its name. */
  op(base: string, op: string, inputs: string[], attrs: AttributeProto[] = []): string {
    const out = this.unique(base);
    this.add(op, inputs, [out], attrs);
    return out;
  }
  /** A float32 initializer from values or raw little-endian bytes (kept as a view, not copied). */
  constF(base: string, dims: number[], data: Float32Array | Uint8Array | number[]): string {
    const name = this.unique(base);
    const bytes = data instanceof Uint8Array ? data : bytesOf(data instanceof Float32Array ? data : Float32Array.from(data));
    this.inits.push({ name, dims, dataType: DataType.FLOAT, rawData: bytes });
    return name;
  }
  /** A 1-D int64 initializer (shapes, axes, pads). */
  constI(base: string, values: number[]): string {
    const name = this.unique(base);
    this.inits.push(int64Tensor(name, [values.length], values));
    return name;
  }

  /** The finished model: float32 inputs and outputs, opset OPSET. */
  model(opts: { name: string; producer: string; inputs: ValueInfoProto[]; outputs: string[] }): ModelProto {
    return {
      irVersion: 7,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: opts.producer,
      producerVersion: '1',
      graph: {
        name: opts.name,
        node: this.nodes,
        initializer: this.inits,
        input: opts.inputs,
        output: opts.outputs.map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } })),
      },
    };
  }
}
