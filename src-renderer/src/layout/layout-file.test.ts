import { describe, expect, it } from 'vitest';
import { smallModel } from '../model/testing/small-model';
import { LayoutError } from '../panels/fields';
import { defaultLayout } from './default-layout';
import { isValidPlacement } from './grid';
import { parseLayout, serialiseLayout } from './layout-file';

describe('layout files', () => {
  it('round-trips a layout through JSON unchanged', () => {
    const model = smallModel();
    const layout = defaultLayout(model);
    layout.view = 'sorted';
    layout.panels.push({
      id: 'conv-9',
      kind: 'conv',
      layer: 'conv2',
      channels: { list: [3, 7, 11] },
      columns: 3,
      norm: 'layer',
      signed: true,
      colourMap: 'diverging',
      title: 'my maps',
      grid: { x: 0, y: 40, w: 5, h: 4 },
    });
    const text = serialiseLayout(layout);
    expect(parseLayout(text, model)).toEqual(layout);
    expect(parseLayout(JSON.parse(text), null)).toEqual(layout);
  });

  it('rejects malformed files with a message naming the field', () => {
    const model = smallModel();
    const good = JSON.parse(serialiseLayout(defaultLayout(model)));
    const bad = (mutate: (o: typeof good) => void) => {
      const o = structuredClone(good);
      mutate(o);
      return JSON.stringify(o);
    };
    const cases: [string, RegExp][] = [
      ['{"version":1,', /not valid JSON/],
      ['[]', /JSON object/],
      [bad((o) => (o.version = 2)), /version must be 1/],
      [bad((o) => (o.view = 'fancy')), /view must be "generic" or "sorted"/],
      [bad((o) => delete o.panels), /panels must be a list/],
      [bad((o) => (o.panels[3].colourMap = 'rainbow')), /panels\[3\]\.colourMap must be one of gray, viridis/],
      [bad((o) => (o.panels[3].layer = 'conv9')), /panels\[3\]\.layer: "conv9" is not a layer of Small LeNet-like/],
      [bad((o) => (o.panels[3].layer = 'relu1')), /panels\[3\]\.layer: "relu1" has shape 500/],
      [bad((o) => (o.panels[0].kind = 'radar')), /panels\[0\]\.kind must be one of/],
      [bad((o) => (o.panels[1].grid.x = 10)), /panels\[1\]\.grid: x \+ w = 14 exceeds the 12 grid columns/],
      [bad((o) => (o.panels[2].grid.w = 0)), /panels\[2\]\.grid\.w must be a whole number ≥ 1/],
      [bad((o) => (o.panels[1].id = 'camera')), /panels\[1\]\.id "camera" is used by two panels/],
      [bad((o) => (o.sortedPanels[3].classIndex = 10)), /sortedPanels\[3\]\.classIndex 10 is beyond the model's 10 classes/],
      [bad((o) => (o.panels[3].channels = { start: -1, count: 2 })), /panels\[3\]\.channels must be/],
    ];
    for (const [text, message] of cases) {
      let err: unknown;
      try {
        parseLayout(text, model, 'my-layout.json');
      } catch (e) {
        err = e;
      }
      expect(err, `expected ${message} for ${text.slice(0, 80)}`).toBeInstanceOf(LayoutError);
      expect((err as Error).message).toMatch(/^my-layout\.json: /);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('resolves overlapping panels of a hand-edited file instead of refusing it', () => {
    const model = smallModel();
    const o = JSON.parse(serialiseLayout(defaultLayout(model)));
    o.panels[1].grid = { ...o.panels[0].grid };
    const layout = parseLayout(JSON.stringify(o), model);
    expect(isValidPlacement(layout.panels.map((p) => p.grid))).toBe(true);
    expect(layout.panels.map((p) => p.id)).toEqual(o.panels.map((p: { id: string }) => p.id));
  });

  it('fills in the sorted view for older files and re-keys to the loaded model', () => {
    const model = smallModel();
    const o = JSON.parse(serialiseLayout(defaultLayout(model)));
    delete o.sortedPanels;
    o.modelId = 'elsewhere';
    const layout = parseLayout(o, model);
    expect(layout.modelId).toBe('small');
    expect(layout.sortedPanels?.find((p) => p.kind === 'sorted')).toMatchObject({ layer: 'relu1', classIndex: 0 });
  });
});
