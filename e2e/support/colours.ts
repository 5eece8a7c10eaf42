// Colour-map samples from d3-scale-chromatic (the test's own reference, independent of the app's
// LUT code), for checking that drawn pixels belong to a map.
import * as chromatic from 'd3-scale-chromatic';

type Rgb = [number, number, number];

function parseCss(c: string): Rgb {
  const hex = c.match(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const fn = c.match(/rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/i);
  if (fn) return [Number(fn[1]), Number(fn[2]), Number(fn[3])];
  throw new Error(`unexpected colour ${c}`);
}

const maps: Record<string, (t: number) => string> = {
  viridis: chromatic.interpolateViridis,
  magma: chromatic.interpolateMagma,
  inferno: chromatic.interpolateInferno,
  plasma: chromatic.interpolatePlasma,
  cividis: chromatic.interpolateCividis,
  turbo: chromatic.interpolateTurbo,
};

/** `n` evenly spaced colours of a named map. */
export function lut(name: keyof typeof maps | string, n = 64): Rgb[] {
  const f = maps[name];
  if (!f) throw new Error(`no reference for colour map ${name}`);
  return Array.from({ length: n }, (_, i) => parseCss(f(i / (n - 1))));
}
