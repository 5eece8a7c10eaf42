// Where pictures come from. A picture source (the camera, a still image; later a video file or an
// image sequence) shows its picture in an element and says when a new one is ready; the frame pump
// cuts the crop square out of it and sends it to the engine.
import type { UserSettings } from '../../../src-shared/contract';

/** What a source knows about a new picture. */
export interface PictureInfo {
  /** When the camera captured it, on the page's `performance.now()` clock (where the browser says). */
  capturedAt?: number;
  /**
   * When it was captured as far as the source can tell (an estimate where `capturedAt` is not known
   * yet), for counting pictures per second; by default `capturedAt`.
   */
  takenAt?: number;
  /**
   * The picture itself, where the source has it as a frame: the crop is cut from it rather than from
   * the element. Valid only during the call (the source closes it afterwards).
   */
  frame?: VideoFrame;
}

/** An opened source of pictures. */
export interface PictureSource {
  /** The `kind` of its entry in the list of sources. */
  readonly kind: string;
  /** What the user knows it as: the camera's name, the file's name. */
  readonly name: string;
  /** The element that shows the picture; the camera panel puts it on screen and crops are cut from it. */
  readonly element: HTMLVideoElement | HTMLImageElement;
  /** The camera and resolution in use, for sources that are a device. */
  readonly device?: DeviceChoice;
  /** Size of the picture in pixels (0 × 0 until known). */
  size(): { width: number; height: number };
  /** Calls `cb` whenever a new picture is ready; returns the function that stops the calls. */
  onPicture(cb: (info?: PictureInfo) => void): () => void;
  /**
   * Calls `cb`, with words for the user, when the source stops on its own (a camera unplugged);
   * for sources that can. Returns the function that stops the call.
   */
  onLost?(cb: (message: string) => void): () => void;
  /** Releases the device or the file, and takes its element off the page. */
  close(): void;
}

/** Which camera at which resolution (what the settings remember). */
export type DeviceChoice = NonNullable<UserSettings['camera']>;

export interface SourceDevice {
  deviceId: string;
  label: string;
}

/** One entry of the list of sources: how to open a source of this kind. */
export interface PictureSourceKind {
  kind: string;
  /** For people, e.g. "Camera", "Image". */
  label: string;
  /** A device that streams pictures, opened with the user's choice of device and resolution. */
  device?: {
    list(): Promise<SourceDevice[]>;
    /** Throws an Error whose message tells the user what to do. */
    open(want: DeviceChoice): Promise<PictureSource>;
  };
  /** Files the user picks or drops. */
  files?: {
    /** For a file input's `accept`, e.g. "image/*". */
    accept: string;
    matches(file: File): boolean;
    /** Opens the matching files; throws an Error naming the file it cannot read. */
    open(files: File[]): Promise<PictureSource>;
  };
}

/** What the picture area shows. */
export type PictureState =
  | { kind: 'none' }
  | { kind: 'starting'; message: string }
  | { kind: 'showing'; source: PictureSource }
  | { kind: 'error'; message: string };

/** The crop of one sent frame (RGBA, row-major), as the engine received it. */
export interface CropImage {
  width: number;
  height: number;
  rgba: Uint8Array;
  /** Side of the square cut from the picture, in the picture's own pixels. */
  sourceSide: number;
  /** The kind of source it was cut from ('camera', 'image'), as the crop view names it. */
  from: string;
}
