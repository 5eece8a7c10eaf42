// The crop view: the crop enlarged beside the exact tensor the network receives.
import type { PanelBase, PanelKind } from '../types';
import { CropView } from './CropView';

export type CropSpec = PanelBase & { kind: 'crop' };

export const crop: PanelKind<CropSpec> = {
  kind: 'crop',
  label: 'Crop and network input',
  parse: (_v, base) => ({ ...base, kind: 'crop' }),
  title: (_spec, model) => {
    if (!model) return { name: 'Crop → network input' };
    const { c, h, w } = model.input;
    const colour = c === 1 ? 'gray' : model.manifest.preprocess.colour.toUpperCase();
    return { name: 'Crop → network input', detail: `${w}×${h} ${colour}` };
  },
  create: ({ id }) => ({ id, kind: 'crop', grid: { x: 0, y: 0, w: 4, h: 6 } }),
  Body: (p) => <CropView model={p.model} result={p.services.result} crop={p.services.crop} frozen={p.services.frozen} />,
};
