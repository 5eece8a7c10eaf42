// Looking at what the app drew: element screenshots decoded to RGBA and summarised.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { artifactsDir } from './paths';
import { decodePng, type Rgba } from './png';

export async function shoot(target: Locator | Page): Promise<Rgba> {
  return decodePng(await target.screenshot({ animations: 'disabled' }));
}

export interface PixelStats {
  /** Standard deviation of luma over all pixels (0 for a flat area). */
  lumaStd: number;
  /** Mean of max(r,g,b) − min(r,g,b): 0 for pure greys. */
  meanChroma: number;
  /** Number of distinct colours after quantising each channel to 32 levels. */
  colours: number;
  /** Fraction of pixels that differ from the most common colour (the background) by more than 24 levels. */
  foreground: number;
}

export function stats(img: Rgba): PixelStats {
  const n = img.width * img.height;
  let sum = 0;
  let sum2 = 0;
  let chroma = 0;
  const hist = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = img.data[i * 4];
    const g = img.data[i * 4 + 1];
    const b = img.data[i * 4 + 2];
    const l = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += l;
    sum2 += l * l;
    chroma += Math.max(r, g, b) - Math.min(r, g, b);
    const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    hist.set(key, (hist.get(key) ?? 0) + 1);
  }
  let bgKey = 0;
  let bgCount = -1;
  for (const [k, c] of hist) if (c > bgCount) [bgKey, bgCount] = [k, c];
  const bg = [(bgKey >> 10) << 3, ((bgKey >> 5) & 31) << 3, (bgKey & 31) << 3];
  let fg = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.max(
      Math.abs(img.data[i * 4] - bg[0]),
      Math.abs(img.data[i * 4 + 1] - bg[1]),
      Math.abs(img.data[i * 4 + 2] - bg[2]),
    );
    if (d > 24) fg++;
  }
  const mean = sum / n;
  return { lumaStd: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), meanChroma: chroma / n, colours: hist.size, foreground: fg / n };
}

/** Mean absolute difference per channel between two same-sized pictures (0–255). */
export function difference(a: Rgba, b: Rgba): number {
  if (a.width !== b.width || a.height !== b.height) return 255;
  let d = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    d += Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
  }
  return d / ((a.data.length / 4) * 3);
}

/**
 * Of the pixels that are clearly coloured or bright (not the dark panel background), the fraction
 * within `tolerance` (max channel difference) of some entry of `lut`.
 */
export function fractionNearLut(img: Rgba, lut: [number, number, number][], tolerance = 20): { fraction: number; counted: number } {
  let near = 0;
  let counted = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const r = img.data[i];
    const g = img.data[i + 1];
    const b = img.data[i + 2];
    if (Math.max(r, g, b) < 48) continue; // background and the darkest end of every map
    counted++;
    for (const [lr, lg, lb] of lut) {
      if (Math.abs(r - lr) <= tolerance && Math.abs(g - lg) <= tolerance && Math.abs(b - lb) <= tolerance) {
        near++;
        break;
      }
    }
  }
  return { fraction: counted ? near / counted : 0, counted };
}

/** Saves a screenshot of the whole page under e2e/artifacts/. */
export async function saveArtifact(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  return file;
}
