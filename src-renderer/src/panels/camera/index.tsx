// The camera panel: the picture from the current source with the crop square on it.
import type { PanelBase, PanelKind } from '../types';
import { CameraView } from './CameraView';

export type CameraSpec = PanelBase & { kind: 'camera' };

export const camera: PanelKind<CameraSpec> = {
  kind: 'camera',
  label: 'Camera',
  parse: (_v, base) => ({ ...base, kind: 'camera' }),
  title: (_spec, _model, context) => ({ name: context?.source ?? 'Camera', detail: 'drag the square onto the object' }),
  create: ({ id }) => ({ id, kind: 'camera', grid: { x: 0, y: 0, w: 4, h: 6 } }),
  Body: (p) => <CameraView picture={p.services.picture} faces={p.services.faces} />,
};
