// Colour-map lookup tables (256 RGBA entries) built from maintained colour-map libraries:
// d3-scale-chromatic for the perceptual maps and RdBu, the `colormap` package for jet.
// The shader samples these as a 256×1 texture, so switching maps never touches the frame path.
import {
  interpolateCividis,
  interpolateGreys,
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateRdBu,
  interpolateTurbo,
  interpolateViridis,
} from 'd3-scale-chromatic';
import colormap from 'colormap';

/** The colour maps a panel can use, in the order the menus offer them. */
export const COLOUR_MAPS = ['gray', 'viridis', 'magma', 'inferno', 'plasma', 'cividis', 'turbo', 'jet', 'diverging'] as const;
export type ColourMap = (typeof COLOUR_MAPS)[number];

/** The names the colour-map menus show. */
export const COLOUR_MAP_NAMES: Record<ColourMap, string> = {
  gray: 'Gray',
  viridis: 'Viridis',
  magma: 'Magma',
  inferno: 'Inferno',
  plasma: 'Plasma',
  cividis: 'Cividis',
  turbo: 'Turbo',
  jet: 'Jet',
  diverging: 'Diverging (signed)',
};

export const LUT_SIZE = 256;

/** Parses the two colour notations d3-scale-chromatic returns: "#rrggbb" and "rgb(r, g, b)". */
export function parseCssColour(s: string): [number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(s.trim());
  if (hex) {
    const n = parseInt(hex[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const rgb = /^rgb\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*\)$/i.exec(s.trim());
  if (rgb) return [Math.round(+rgb[1]), Math.round(+rgb[2]), Math.round(+rgb[3])];
  throw new Error(`unrecognised colour "${s}" from the colour-map library`);
}

type Interpolator = (t: number) => string;

/**
 * The library interpolator behind each map, oriented so that t = 0 is the lowest value.
 * gray runs black → white (d3's Greys runs the other way); the diverging map is RdBu turned so that
 * negative values are blue and positive values red.
 */
const INTERPOLATORS: Record<Exclude<ColourMap, 'jet'>, Interpolator> = {
  gray: (t) => interpolateGreys(1 - t),
  viridis: interpolateViridis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
  cividis: interpolateCividis,
  turbo: interpolateTurbo,
  diverging: (t) => interpolateRdBu(1 - t),
};

const cache = new Map<ColourMap, Uint8Array>();

/** RGBA bytes of the 256-entry lookup table for `name` (cached; do not modify). */
export function colourLut(name: ColourMap): Uint8Array {
  const hit = cache.get(name);
  if (hit) return hit;
  const out = new Uint8Array(LUT_SIZE * 4);
  if (name === 'jet') {
    const shades = colormap({ colormap: 'jet', nshades: LUT_SIZE, format: 'rgba' });
    shades.forEach(([r, g, b], i) => out.set([r, g, b, 255], i * 4));
  } else {
    const f = INTERPOLATORS[name];
    if (!f) throw new Error(`unknown colour map "${String(name)}"`);
    for (let i = 0; i < LUT_SIZE; i++) {
      const [r, g, b] = parseCssColour(f(i / (LUT_SIZE - 1)));
      out.set([r, g, b, 255], i * 4);
    }
  }
  cache.set(name, out);
  return out;
}

/** CSS colour of a LUT entry (for DOM swatches and legends). */
export function lutCss(name: ColourMap, index: number): string {
  const l = colourLut(name);
  const i = Math.max(0, Math.min(LUT_SIZE - 1, Math.round(index))) * 4;
  return `rgb(${l[i]}, ${l[i + 1]}, ${l[i + 2]})`;
}
