// Panel bodies for the shell: `PanelBody` draws a panel's visualisation inside the shell's
// `[data-testid="panel-body"]` element. The renderer-cost figure and the scene failure message are
// exported for the status line and error banner.
export { PanelBody } from './PanelBody';
export type { PanelBodyProps, CropImage } from './types';
export { renderCost, type RenderCost } from '../scene/perf';
export { sceneFailure } from '../scene/stage';
export { selectedMap, clearMapSelection, type MapSelection } from '../scene/selection';
export { COLOUR_MAPS } from '../layout/types';
export { lutCss } from '../scene/colourMaps';
