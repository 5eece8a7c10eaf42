import colormap from 'colormap';
import { interpolateInferno, interpolateRdBu, interpolateTurbo, interpolateViridis } from 'd3-scale-chromatic';
import { describe, expect, it } from 'vitest';
import { COLOUR_MAPS, colourLut, LUT_SIZE, parseCssColour } from './colourMaps';

const entry = (lut: Uint8Array, i: number) => [lut[i * 4], lut[i * 4 + 1], lut[i * 4 + 2], lut[i * 4 + 3]];

describe('colour-map lookup tables', () => {
  it('has 256 opaque entries for every map the layout offers', () => {
    for (const name of COLOUR_MAPS) {
      const lut = colourLut(name);
      expect(lut.length).toBe(LUT_SIZE * 4);
      for (let i = 0; i < LUT_SIZE; i++) expect(lut[i * 4 + 3]).toBe(255);
    }
  });

  it('matches the libraries’ colours at both ends', () => {
    const rgb = (s: string) => [...parseCssColour(s), 255];
    expect(entry(colourLut('viridis'), 0)).toEqual(rgb(interpolateViridis(0)));
    expect(entry(colourLut('viridis'), 255)).toEqual(rgb(interpolateViridis(1)));
    expect(entry(colourLut('inferno'), 255)).toEqual(rgb(interpolateInferno(1)));
    expect(entry(colourLut('turbo'), 0)).toEqual(rgb(interpolateTurbo(0)));
    expect(entry(colourLut('viridis'), 0)).toEqual([68, 1, 84, 255]);
    const jet = colormap({ colormap: 'jet', nshades: 256, format: 'rgba' });
    expect(entry(colourLut('jet'), 0)).toEqual([...jet[0].slice(0, 3), 255]);
    expect(entry(colourLut('jet'), 255)).toEqual([...jet[255].slice(0, 3), 255]);
    // gray runs black → white; the diverging map is blue for the lowest values and red for the highest.
    expect(entry(colourLut('gray'), 0)).toEqual([0, 0, 0, 255]);
    expect(entry(colourLut('gray'), 255)).toEqual([255, 255, 255, 255]);
    expect(entry(colourLut('diverging'), 0)).toEqual(rgb(interpolateRdBu(1)));
    expect(entry(colourLut('diverging'), 255)).toEqual(rgb(interpolateRdBu(0)));
    const mid = entry(colourLut('diverging'), 128);
    expect(Math.min(mid[0], mid[1], mid[2])).toBeGreaterThan(220);
  });

  it('differs between maps (switching a map changes the colours)', () => {
    const names = COLOUR_MAPS.map((n) => entry(colourLut(n), 200).join(','));
    expect(new Set(names).size).toBe(COLOUR_MAPS.length);
  });

  it('parses the colour notations the library returns and rejects others', () => {
    expect(parseCssColour('#440154')).toEqual([68, 1, 84]);
    expect(parseCssColour('rgb(35, 23, 27)')).toEqual([35, 23, 27]);
    expect(() => parseCssColour('hsl(0, 0%, 0%)')).toThrow(/unrecognised colour/);
  });
});
