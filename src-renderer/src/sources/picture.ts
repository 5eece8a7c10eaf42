// Which picture source is on: the camera (the choice remembered in the settings) or a file the
// user opened, and the crop square on it.
import { createSignal } from 'solid-js';
import { DEFAULT_CROP, type CropSquare } from './crop';
import { deviceSource, pictureFileAccept, PICTURE_SOURCES, sourceForFiles } from './registry';
import type { DeviceChoice, PictureSource, PictureSourceKind, PictureState } from './types';

export function createPicture(deps: {
  saveCameraChoice: (c: DeviceChoice) => void;
  /** Says why a file could not be opened while the picture on show stays. */
  reportError: (message: string) => void;
  sources?: readonly PictureSourceKind[];
}) {
  const sources = deps.sources ?? PICTURE_SOURCES;
  const [state, setState] = createSignal<PictureState>({ kind: 'none' });
  const [cropSquare, setCropSquare] = createSignal<CropSquare>(DEFAULT_CROP);
  // Only the newest request may take over the picture (a slow camera must not replace a later image).
  let generation = 0;

  const current = () => {
    const s = state();
    return s.kind === 'showing' ? s.source : null;
  };

  /**
   * A device goes after the old source is closed (a camera cannot always be opened twice at once);
   * a file is read first, and the picture on show stays until it is, or when it cannot be.
   */
  const open = async (how: 'device' | 'file', startingMessage: string, opener: () => Promise<PictureSource>) => {
    const mine = ++generation;
    const old = current();
    if (how === 'device' || !old) {
      old?.close();
      setState({ kind: 'starting', message: startingMessage });
    }
    try {
      const source = await opener();
      if (mine !== generation) return source.close();
      setState({ kind: 'showing', source });
      // A camera that stops while on show gives way to its message and the "Try again" button.
      source.onLost?.((message) => {
        if (current() !== source) return;
        generation++;
        source.close();
        setState({ kind: 'error', message });
      });
      if (how === 'file') old?.close();
    } catch (e) {
      if (mine !== generation) return;
      const message = (e as Error).message;
      if (how === 'file' && old) deps.reportError(message);
      else setState({ kind: 'error', message });
    }
  };

  const startCamera = (choice: DeviceChoice) => {
    const device = deviceSource(sources)?.device;
    if (!device) return Promise.resolve(setState({ kind: 'error', message: 'There is no camera source.' }));
    return open('device', 'Starting the camera…', () => device.open(choice));
  };

  return {
    state,
    current,
    /**
     * What the picture comes from, for titles and the status line: the label of the source on show
     * ("Camera", "Image"), the camera's while none is (the window starts with it).
     */
    sourceLabel: (): string => {
      const s = current();
      return (s && sources.find((k) => k.kind === s.kind)?.label) ?? deviceSource(sources)?.label ?? 'Camera';
    },
    cropSquare,
    setCropSquare,
    /** The camera with the remembered choice, at start. */
    startCamera,
    /** Switches to the camera with this choice and remembers it for the next start. */
    useCamera(choice: DeviceChoice) {
      deps.saveCameraChoice(choice);
      void startCamera(choice);
    },
    listCameras: () => deviceSource(sources)?.device?.list() ?? Promise.resolve([]),
    /** The picture files the sources open, for a file input's `accept`. */
    fileAccept: pictureFileAccept(sources),
    /** True when some source opens one of these files. */
    accepts: (files: File[]) => sourceForFiles(files, sources) !== null,
    /** Uses the files as the picture; problems show where the picture is (in a notice while one is on show). */
    openFiles(files: File[]): Promise<void> {
      const kind = sourceForFiles(files, sources);
      if (!kind?.files) return Promise.resolve();
      const opener = kind.files;
      const matching = files.filter((f) => opener.matches(f));
      return open('file', `Opening ${matching[0].name}…`, () => opener.open(matching));
    },
  };
}

export type Picture = ReturnType<typeof createPicture>;
