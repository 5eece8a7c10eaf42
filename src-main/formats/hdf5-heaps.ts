// A check of an HDF5 file's global heap collections (where variable-length strings live: Keras's
// model_config, keras_version, backend) before h5wasm reads any of them. The HDF5 library walks a
// collection's objects by their declared sizes, and an object whose size makes the walk stand still
// (a free-space object of size 0, a size that wraps the 32-bit WebAssembly address space) makes it
// loop forever inside one synchronous call nothing can interrupt. Collections are found by their
// signature anywhere in the file, since a damaged address may point at any of them.
import { closeSync, openSync, readSync } from 'node:fs';

const SIGNATURE = Buffer.from('GCOL', 'latin1');
const CHUNK = 1 << 20;
/** WebAssembly's size_t is 32 bits: the library keeps only the low 32 bits of a declared length. */
const SIZE_T = 2 ** 32;

function readAt(fd: number, at: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, at);
  return buf.subarray(0, n);
}

/** An unsigned little-endian integer of `width` bytes, as the library keeps it (modulo 2^32). */
function length(buf: Buffer, at: number, width: number): number {
  let v = 0;
  for (let i = Math.min(width, 4) - 1; i >= 0; i--) v = v * 256 + buf[at + i];
  return v;
}

/** "Size of lengths" from the superblock (at 0, 512, 1024, … bytes), 8 when it cannot be found. */
function sizeOfLengths(fd: number, fileSize: number): number {
  const magic = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let at = 0; at + 16 <= fileSize; at = at === 0 ? 512 : at * 2) {
    const head = readAt(fd, at, 16);
    if (head.length < 16 || !head.subarray(0, 8).equals(magic)) continue;
    const width = head[8] <= 1 ? head[14] : head[10];
    return width === 2 || width === 4 || width === 8 ? width : 8;
  }
  return 8;
}

/**
 * Walks the collection at `at` the way the HDF5 library does; returns why it would not end, or
 * null when it ends (or the library would refuse the collection by itself).
 */
function walk(fd: number, at: number, fileSize: number, lengths: number): string | null {
  const headerSize = 8 + lengths;
  const head = readAt(fd, at, headerSize);
  if (head.length < headerSize || head[4] !== 1) return null;
  const size = length(head, 8, lengths);
  // A collection reaching past the end of the file is refused by the library when it reads it.
  if (size > fileSize - at) return null;
  const heap = readAt(fd, at, size);
  const objectHeader = 8 + lengths;
  let pos = headerSize;
  while (pos < size) {
    if (pos + objectHeader > size) return null; // the tail too small for an object is free space
    const index = heap.readUInt16LE(pos);
    const declared = length(heap, pos + 8, lengths);
    const need = index > 0 ? (objectHeader + Math.ceil(declared / 8) * 8) % SIZE_T : declared;
    if (need === 0 || pos + need > size) {
      return `damaged global heap at byte ${at} (object ${index} at offset ${pos} declares ${declared} bytes in a ${size}-byte collection)`;
    }
    pos += need;
  }
  return null;
}

/** Why reading variable-length data from the file could hang the HDF5 library, or null. */
export function damagedGlobalHeap(path: string, fileSize: number): string | null {
  const fd = openSync(path, 'r');
  try {
    const lengths = sizeOfLengths(fd, fileSize);
    const buf = Buffer.alloc(CHUNK + SIGNATURE.length - 1);
    // Chunks overlap by the signature's length less one, so no signature is cut in two.
    for (let start = 0; start < fileSize; start += CHUNK) {
      const n = readSync(fd, buf, 0, buf.length, start);
      let i = buf.subarray(0, n).indexOf(SIGNATURE);
      while (i >= 0 && i < CHUNK) {
        const reason = walk(fd, start + i, fileSize, lengths);
        if (reason) return reason;
        i = buf.subarray(0, n).indexOf(SIGNATURE, i + 1);
      }
    }
    return null;
  } finally {
    closeSync(fd);
  }
}
