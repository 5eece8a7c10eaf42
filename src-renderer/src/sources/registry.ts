// Every kind of picture source ConvScope knows, in one list. A new source (a video file, an image
// sequence) is one folder beside these, imported and listed here.
import { camera } from './camera/camera';
import { stillImage } from './still-image/still-image';
import type { PictureSourceKind } from './types';

export const PICTURE_SOURCES: readonly PictureSourceKind[] = [camera, stillImage];

/** The source that opens these files, if any does. */
export function sourceForFiles(files: readonly File[], list: readonly PictureSourceKind[] = PICTURE_SOURCES): PictureSourceKind | null {
  return list.find((k) => k.files && files.some((f) => k.files!.matches(f))) ?? null;
}

/** The first source that is a device (the camera). */
export function deviceSource(list: readonly PictureSourceKind[] = PICTURE_SOURCES): PictureSourceKind | null {
  return list.find((k) => k.device) ?? null;
}

/** Every file type some source opens, for a file input's `accept`. */
export function pictureFileAccept(list: readonly PictureSourceKind[] = PICTURE_SOURCES): string {
  return list.flatMap((k) => (k.files ? [k.files.accept] : [])).join(',');
}
