// How large the renderer's crop is when it travels to the engine, and how large any picture in a
// frame may be. Small inputs (MNIST 28×28) get four times their size so the engine's digit pipeline
// can find and centre the ink before it downsamples; larger inputs travel at their own size.

/** Longest side of a picture in a frame (the crop or the face finder's whole picture): a 4K camera fits. */
export const MAX_FRAME_SIDE = 4096;
/** Most pixels of one picture in a frame: 4096 × 4096, 64 MiB of RGBA. */
export const MAX_FRAME_PIXELS = 4096 * 4096;

/** What is wrong with a picture of width × height for a frame, or null when it may travel. */
export function frameSizeProblem(width: number, height: number): string | null {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) return `${width}×${height} is not a picture size`;
  if (width > MAX_FRAME_SIDE || height > MAX_FRAME_SIDE || width * height > MAX_FRAME_PIXELS) {
    return `${width}×${height} is larger than frames may be (at most ${MAX_FRAME_SIDE} px a side, ${MAX_FRAME_PIXELS} px in all)`;
  }
  return null;
}

/** The crop's size for a model input, never beyond the frame bounds (the engine resizes it to the input anyway). */
export function cropSizeFor(input: { h: number; w: number }): { width: number; height: number } {
  const k = input.h * input.w <= 64 * 64 ? 4 : 1;
  const width = Math.max(1, input.w * k);
  const height = Math.max(1, input.h * k);
  const fit = Math.min(1, MAX_FRAME_SIDE / width, MAX_FRAME_SIDE / height, Math.sqrt(MAX_FRAME_PIXELS / (width * height)));
  return fit < 1 ? { width: Math.max(1, Math.floor(width * fit)), height: Math.max(1, Math.floor(height * fit)) } : { width, height };
}
