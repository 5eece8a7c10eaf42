// The feature map the user clicked: enlarged in its own panel and overlaid on the crop view.
import { createStore } from 'solid-js/store';
import type { ColourMap } from './colourMaps';

export interface MapSelection {
  /** Panel that owns the selection (it shows the map enlarged). */
  panelId: string;
  layer: string;
  /** Map (channel) index within the layer. */
  channel: number;
  colourMap: ColourMap;
}

const [state, setState] = createStore<{ map: MapSelection | null }>({ map: null });

/** The selected map, or null. Reactive. */
export const selectedMap = () => state.map;

/** Selects `sel`, or clears the selection when the same map is clicked again. */
export function toggleMapSelection(sel: MapSelection): void {
  const cur = state.map;
  if (cur && cur.panelId === sel.panelId && cur.layer === sel.layer && cur.channel === sel.channel) setState('map', null);
  else setState('map', { ...sel });
}

export function clearMapSelection(panelId?: string): void {
  if (!panelId || state.map?.panelId === panelId) setState('map', null);
}

/** Keeps the overlay's colours in step with the panel's colour-map setting. */
export function updateSelectionColourMap(panelId: string, colourMap: ColourMap): void {
  if (state.map?.panelId === panelId && state.map.colourMap !== colourMap) setState('map', 'colourMap', colourMap);
}
