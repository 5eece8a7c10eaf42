// Text in the scene: bitmap fonts installed once at the device pixel ratio so glyphs map 1:1 onto
// screen pixels (crisp at small sizes) and per-frame numbers only re-lay glyph quads.
import { BitmapFont, BitmapText } from 'pixi.js';

export const FONT_STACK = 'system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
const installed = new Set<string>();

/** Bitmap font name for `size` CSS px (installed on first use). */
export function uiFont(size: number, weight: 'normal' | 'bold' = 'normal'): string {
  const res = Math.max(1, Math.ceil(globalThis.devicePixelRatio || 1));
  const name = `convscope-${size}-${weight}-${res}`;
  if (!installed.has(name)) {
    BitmapFont.install({
      name,
      style: { fontFamily: FONT_STACK, fontSize: size, fontWeight: weight, fill: 0xffffff },
      resolution: res,
      chars: [[' ', '~'], '—·×−…%°'],
    });
    installed.add(name);
  }
  return name;
}

export function label(text: string, size = 12, colour = 0xd8dce4, weight: 'normal' | 'bold' = 'normal'): BitmapText {
  const t = new BitmapText({ text, style: { fontFamily: uiFont(size, weight), fontSize: size } });
  t.tint = colour;
  return t;
}

/** `text` cut to its first `keep` characters and an ellipsis. */
const cutEnd = (text: string, keep: number): string => (keep >= text.length ? text : keep > 0 ? `${text.slice(0, keep)}…` : '');

/**
 * Shortens `text` with an ellipsis so it fits `maxWidth` at the label's size: the most characters
 * `cut` can keep (by default the start; `cutMiddle` keeps the start and the end).
 */
export function fitLabel(t: BitmapText, text: string, maxWidth: number, cut: (text: string, keep: number) => string = cutEnd): void {
  t.text = text;
  if (t.width <= maxWidth || maxWidth <= 0) return;
  let lo = 0;
  let hi = text.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    t.text = cut(text, mid);
    if (t.width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  t.text = cut(text, lo);
}

/**
 * `text` with its middle replaced by an ellipsis, keeping `keep` characters: two thirds from the
 * start and one from the end. Layer names say their block first and their number last
 * ("fire2/expand1x1", "batch_normalization_5"), and a cut end made every batch norm of a block read
 * "batch_no…".
 */
export function cutMiddle(text: string, keep: number): string {
  if (keep >= text.length) return text;
  if (keep <= 0) return '';
  const head = Math.ceil((2 * keep) / 3);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

/** The first of `texts` (longest first) that fits `maxWidth`; the last one shortened otherwise. */
export function fitFirst(t: BitmapText, texts: readonly string[], maxWidth: number): void {
  for (const text of texts) {
    t.text = text;
    if (t.width <= maxWidth) return;
  }
  fitLabel(t, texts[texts.length - 1] ?? '', maxWidth);
}
