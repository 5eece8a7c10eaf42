// A still image the user opened or dropped, used instead of the camera: the same picture is offered
// ten times a second, so panels added later and a moved crop square get results too.
import type { PictureSource, PictureSourceKind } from '../types';

const IMAGE_FILE = /\.(png|jpe?g|gif|webp|bmp)$/i;
const REPEAT_MS = 100;

async function openImage(files: File[]): Promise<PictureSource> {
  const file = files[0];
  const img = new Image();
  img.className = 'camera-picture';
  img.src = URL.createObjectURL(file);
  try {
    await img.decode();
  } catch {
    URL.revokeObjectURL(img.src);
    throw new Error(`${file.name} is not an image this browser can read.`);
  }
  const listeners = new Set<() => void>();
  const timer = setInterval(() => {
    for (const cb of listeners) cb();
  }, REPEAT_MS);
  return {
    kind: 'image',
    name: file.name,
    element: img,
    size: () => ({ width: img.naturalWidth, height: img.naturalHeight }),
    onPicture(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    close() {
      clearInterval(timer);
      listeners.clear();
      URL.revokeObjectURL(img.src);
      img.remove();
    },
  };
}

export const stillImage: PictureSourceKind = {
  kind: 'image',
  label: 'Image',
  files: {
    accept: 'image/*',
    matches: (f) => IMAGE_FILE.test(f.name) || f.type.startsWith('image/'),
    open: openImage,
  },
};
