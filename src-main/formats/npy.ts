// NumPy .npy files (format 1.0/2.0/3.0): float32 writing, float32/float64/uint8 reading, C order.
// The command line writes one per layer; mean images and the golden tests read them.

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export class NpyError extends Error {}

/** Encodes a float32 array as .npy (version 1.0, little-endian '<f4', C order). */
export function encodeNpy(data: Float32Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new NpyError(`shape ${shape.join('×')} holds ${count} values, data has ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic (6) + version (2) + header length (2) + header + '\n' is padded to a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}

/** Decodes a .npy file into float32 (float64 and uint8 arrays are converted). */
export function decodeNpy(bytes: Uint8Array, file = 'array.npy'): NpyArray {
  if (bytes.length < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') {
    throw new NpyError(`${file}: not a .npy file (bad magic)`);
  }
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + hlen > bytes.length) throw new NpyError(`${file}: truncated header`);
  const header = new TextDecoder().decode(bytes.subarray(start, start + hlen));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new NpyError(`${file}: Fortran-ordered arrays are not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shapeText === undefined) throw new NpyError(`${file}: malformed header ${header.trim()}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const off = start + hlen;
  const size = { '<f4': 4, '<f8': 8, '|u1': 1, '<u1': 1 }[descr];
  if (!size) throw new NpyError(`${file}: dtype '${descr}' is not supported (use float32, float64 or uint8)`);
  if (off + count * size > bytes.length) {
    throw new NpyError(`${file}: holds ${Math.floor((bytes.length - off) / size)} values, shape (${shape.join(', ')}) needs ${count}`);
  }
  // A copy (Node Buffers' slice is a view on a shared pool), aligned for the typed array.
  const body = new Uint8Array(bytes.subarray(off, off + count * size));
  let data: Float32Array;
  if (size === 4) data = new Float32Array(body.buffer, 0, count);
  else if (size === 8) data = Float32Array.from(new Float64Array(body.buffer, 0, count));
  else data = Float32Array.from(body);
  return { shape, data };
}
