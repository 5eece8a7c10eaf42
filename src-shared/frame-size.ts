// How large the renderer's crop is when it travels to the engine. Small inputs (MNIST 28×28) get
// four times their size so the engine's digit pipeline can find and centre the ink before it
// downsamples; larger inputs travel at their own size.
export function cropSizeFor(input: { h: number; w: number }): { width: number; height: number } {
  const k = input.h * input.w <= 64 * 64 ? 4 : 1;
  return { width: input.w * k, height: input.h * k };
}
