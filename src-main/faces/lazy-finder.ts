// The face finder as the engine's worker uses it: loaded on the first frame that asks for faces and
// kept for the worker's life (model loads do not touch it). A failure is reported once per distinct
// message, so a missing model file does not produce an error every frame.
import type { DetectImage } from '../../src-shared/contract';
import { FaceFinder, type FoundFaces } from './face-finder';

export class LazyFaceFinder {
  private finder: Promise<FaceFinder> | null = null;
  private lastError = '';

  /** `dir` gives the models' folder when the finder is first needed. */
  constructor(private readonly dir: () => string) {}

  /** The faces in a detect image, or null when the finder failed (then `onError` heard why, once). */
  async find(detect: DetectImage, onError: (message: string) => void): Promise<FoundFaces | null> {
    try {
      this.finder ??= FaceFinder.load(this.dir());
      const finder = await this.finder;
      const found = await finder.find(detect.rgba, detect.width, detect.height, detect);
      this.lastError = '';
      return found;
    } catch (e) {
      const message = `face finder: ${e instanceof Error ? e.message : String(e)}`;
      if (message !== this.lastError) {
        this.lastError = message;
        onError(message);
      }
      return null;
    }
  }
}
