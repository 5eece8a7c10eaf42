// Mutations of valid files: blind byte-level ones for every format, and text-level ones for the
// text formats (prototxt, JSON). Each returns the mutated bytes and a short name for the report.
import type { Random } from './random';

export interface Mutant {
  bytes: Uint8Array;
  /** What was done, e.g. "bit flips ×3", for the report and for replaying a case. */
  how: string;
}

/** The bytes of all parts, one after another. */
export const concat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Varints no sane file holds: a 10-byte 2^63-ish, 2^32 − 1, 2^31. */
const HUGE_VARINTS = [
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
  [0xff, 0xff, 0xff, 0xff, 0x0f],
  [0x80, 0x80, 0x80, 0x80, 0x08],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
];
/** 32-bit sizes that overflow or exhaust: as little- and big-endian bytes. */
const HUGE_SIZES = [0xffffffff, 0x7fffffff, 0x80000000, 0x40000000, 0x10000000, 0x00ffffff];

type ByteMutation = (r: Random, b: Uint8Array) => Mutant;

const byteMutations: ByteMutation[] = [
  (r, b) => {
    const out = b.slice();
    const n = 1 + r.int(8);
    for (let i = 0; i < n && out.length; i++) out[r.int(out.length)] ^= 1 << r.int(8);
    return { bytes: out, how: `bit flips ×${n}` };
  },
  (r, b) => {
    const at = r.int(b.length + 1);
    return { bytes: b.slice(0, at), how: `truncated at ${at}` };
  },
  (r, b) => {
    const at = r.int(b.length + 1);
    const n = 1 + r.int(64);
    return { bytes: concat(b.subarray(0, at), r.bytes(n), b.subarray(at)), how: `${n} random bytes inserted at ${at}` };
  },
  (r, b) => {
    const at = r.int(b.length + 1);
    const n = 1 + r.int(Math.max(1, Math.min(4096, b.length - at)));
    return { bytes: concat(b.subarray(0, at), b.subarray(at + n)), how: `${n} bytes deleted at ${at}` };
  },
  (r, b) => {
    const at = r.int(b.length + 1);
    const n = 1 + r.int(256);
    const src = r.int(Math.max(1, b.length - n));
    return { bytes: concat(b.subarray(0, at), b.subarray(src, src + n), b.subarray(at)), how: `${n} bytes from ${src} copied to ${at}` };
  },
  (r, b) => {
    const at = r.int(b.length + 1);
    const v = Uint8Array.from(r.pick(HUGE_VARINTS));
    const replace = r.int(2) === 0;
    return {
      bytes: concat(b.subarray(0, at), v, b.subarray(replace ? Math.min(b.length, at + v.length) : at)),
      how: `huge varint ${replace ? 'written' : 'inserted'} at ${at}`,
    };
  },
  (r, b) => {
    const out = b.slice();
    const at = r.int(Math.max(1, out.length - 3));
    const v = r.pick(HUGE_SIZES);
    const dv = new DataView(out.buffer);
    if (at + 4 <= out.length) dv.setUint32(at, v, r.int(2) === 0);
    return { bytes: out, how: `size 0x${v.toString(16)} written at ${at}` };
  },
  (r, b) => {
    // A protobuf key with another wire type: change the low three bits of a byte.
    const out = b.slice();
    const at = r.int(Math.max(1, out.length));
    if (out.length) out[at] = (out[at] & 0xf8) | r.int(8);
    return { bytes: out, how: `wire type changed at ${at}` };
  },
];

/** One blind byte-level mutation, chosen by `r`. */
export function mutateBytes(r: Random, bytes: Uint8Array): Mutant {
  return r.pick(byteMutations)(r, bytes);
}

const NUMBERS = ['500000000', '-1', '0', '-500000000', '4294967297', '1e308', '9007199254740993', 'NaN', '1.5', '2147483648'];
const enc = new TextEncoder();
const dec = new TextDecoder();

type TextMutation = (r: Random, t: string) => { text: string; how: string };

const textMutations: TextMutation[] = [
  (r, t) => {
    const nums = [...t.matchAll(/-?\d+(\.\d+)?/g)];
    if (!nums.length) return { text: t, how: 'no number to change' };
    const m = r.pick(nums);
    const v = r.pick(NUMBERS);
    return { text: t.slice(0, m.index) + v + t.slice(m.index! + m[0].length), how: `number at ${m.index} → ${v}` };
  },
  (r, t) => {
    const at = r.int(t.length + 1);
    const n = 1 + r.int(16);
    const junk = Array.from({ length: n }, () => r.pick(['{', '}', '[', ']', '"', ':', ',', '\n', ' ', '#', '\\', 'x', '0', '<', '>', "'"])).join('');
    return { text: t.slice(0, at) + junk + t.slice(at), how: `${JSON.stringify(junk)} inserted at ${at}` };
  },
  (r, t) => {
    const at = r.int(t.length + 1);
    const n = 1 + r.int(40);
    return { text: t.slice(0, at) + t.slice(at + n), how: `${n} characters deleted at ${at}` };
  },
  (r, t) => {
    const lines = t.split('\n');
    const i = r.int(lines.length);
    const times = r.pick([2, 100, 5000]);
    lines.splice(i, 0, ...new Array<string>(times - 1).fill(lines[i]));
    return { text: lines.join('\n'), how: `line ${i + 1} repeated ×${times}` };
  },
];

/** One text-level mutation of UTF-8 text; `wrap` nests the text `depth` times (format-specific). */
export function mutateText(r: Random, bytes: Uint8Array, wrap: (text: string, depth: number) => string): Mutant {
  const t = dec.decode(bytes);
  if (r.int(8) === 0) {
    const depth = r.pick([50, 101, 1000, 5000]);
    return { bytes: enc.encode(wrap(t, depth)), how: `nested ${depth} deep` };
  }
  const m = r.pick(textMutations)(r, t);
  return { bytes: enc.encode(m.text), how: m.how };
}
