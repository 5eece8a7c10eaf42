// Deterministic "random" numbers and a minimal caffemodel writer for tests. The hash is the same
// integer-only function scripts/golden/caffe_golden.py uses, so weights and inputs made here are
// bit-identical to the ones the OpenCV references were computed with.

function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** n values (k / 2^23 − 1) · scale, k a 24-bit hash of (index + seed · golden ratio). */
export function synthetic(seed: number, n: number, scale: number): Float32Array {
  const base = Math.imul(seed, 0x9e3779b9) >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = hash32((i + base) >>> 0) >>> 8;
    out[i] = ((k - 2 ** 23) / 2 ** 23) * scale;
  }
  return out;
}

function varint(n: number, out: number[]): void {
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

class Writer {
  private parts: Uint8Array[] = [];
  private size = 0;
  bytes(field: number, payload: Uint8Array): this {
    const head: number[] = [];
    varint((field << 3) | 2, head);
    varint(payload.length, head);
    this.push(Uint8Array.from(head));
    this.push(payload);
    return this;
  }
  varint(field: number, v: number): this {
    const head: number[] = [];
    varint(field << 3, head);
    varint(v, head);
    this.push(Uint8Array.from(head));
    return this;
  }
  private push(b: Uint8Array) {
    this.parts.push(b);
    this.size += b.length;
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

export interface TestBlob {
  shape: number[];
  data: Float32Array;
}

function blobBytes(b: TestBlob, v1: boolean): Uint8Array {
  const w = new Writer();
  if (v1) {
    const dims = [...new Array(Math.max(0, 4 - b.shape.length)).fill(1), ...b.shape];
    dims.forEach((d, i) => w.varint(i + 1, d));
  } else {
    const dims: number[] = [];
    b.shape.forEach((d) => varint(d, dims));
    w.bytes(7, new Writer().bytes(1, Uint8Array.from(dims)).finish());
  }
  w.bytes(5, new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength));
  return w.finish();
}

/** A caffemodel holding only layer names and blobs: V1 `layers` (field 2) or V2 `layer` (100). */
export function writeCaffemodel(layers: { name: string; blobs: TestBlob[] }[], v1: boolean): Uint8Array {
  const net = new Writer();
  for (const l of layers) {
    const lw = new Writer().bytes(v1 ? 4 : 1, new TextEncoder().encode(l.name));
    for (const b of l.blobs) lw.bytes(v1 ? 6 : 7, blobBytes(b, v1));
    net.bytes(v1 ? 2 : 100, lw.finish());
  }
  return net.finish();
}
