// Reading the app's state through its DOM hooks (role="status", data-testid, data-panel-kind).
import { expect, type Locator, type Page } from '@playwright/test';

export const status = (page: Page): Locator => page.locator('[role="status"]').first();

/** The label part of the status text ("7 — 98.4 %" → "7"). */
export function labelOf(statusText: string): string {
  const t = statusText.trim();
  const parts = t.split(/\s[—–-]\s/);
  if (parts.length > 1) return parts[0].trim();
  return t.replace(/\s*\d+(?:[.,]\d+)?\s*%.*$/, '').trim();
}

/** The digit a digit model's status names, or null. */
export function digitOf(statusText: string): number | null {
  const m = labelOf(statusText).match(/\d/);
  return m ? Number(m[0]) : null;
}

/** Waits until the engine's results are on screen (the status names a class with a percentage). */
export async function waitForLive(page: Page, timeout = 120_000): Promise<void> {
  await expect(status(page)).toHaveText(/\S.*\d+(?:[.,]\d+)?\s*%/, { timeout });
}

export const panel = (page: Page, kind: string, layer?: string): Locator =>
  page.locator(layer ? `[data-panel-kind="${kind}"][data-layer="${layer}"]` : `[data-panel-kind="${kind}"]`);

export const panelBody = (page: Page, kind: string): Locator =>
  panel(page, kind).first().locator('[data-testid="panel-body"]').first();

/** Chooses the option of a <select> whose text matches `re`; returns its value. */
export async function selectByText(select: Locator, re: RegExp): Promise<string> {
  const value = await select.evaluate((el, src) => {
    const r = new RegExp(src, 'i');
    const opt = Array.from((el as HTMLSelectElement).options).find((o) => r.test(o.text) || r.test(o.value));
    return opt ? opt.value : null;
  }, re.source);
  if (value === null) throw new Error(`no option matching ${re} in ${await select.evaluate((el) => el.outerHTML.slice(0, 400))}`);
  await select.selectOption(value);
  return value;
}

/** Collects status texts every `everyMs` for `ms`, with timestamps. */
export async function sampleStatus(page: Page, ms: number, everyMs = 100): Promise<{ t: number; text: string }[]> {
  const out: { t: number; text: string }[] = [];
  const start = Date.now();
  while (Date.now() - start < ms) {
    const text = (await status(page).textContent()) ?? '';
    out.push({ t: Date.now() - start, text });
    await page.waitForTimeout(everyMs);
  }
  return out;
}

/** Waits until the status has named the same digit with at least 90 % for 800 ms. */
export async function waitForSteadyDigit(page: Page): Promise<string> {
  const deadline = Date.now() + 60_000;
  let since = Date.now();
  let last = '';
  while (Date.now() < deadline) {
    const text = (await status(page).textContent()) ?? '';
    const pct = Number(text.match(/(\d+(?:\.\d+)?)\s*%/)?.[1] ?? 0);
    const label = labelOf(text);
    if (label !== last || pct < 90) {
      last = pct >= 90 ? label : '';
      since = Date.now();
    } else if (Date.now() - since >= 800) return label;
    await page.waitForTimeout(100);
  }
  throw new Error(`no digit held steadily with ≥ 90 % within 60 s (last status: ${last})`);
}
