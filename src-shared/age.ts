// Age models: which classes stand for which ages, and the expected age Σ p·age. Shared by the
// engine (manifest checks, proposed manifests) and the window (the bars panel's histogram, the
// status line). Pure: no Node, no DOM.
import type { ModelManifest } from './contract';

/** One class's age as a manifest writes it: a number, a bucket [from, to], or [from, null] ("60+"). */
export type AgeSpec = number | [number, number | null];

/**
 * An open-ended bucket [from, null] counts as from + 10 years ("60+" → 70). The oldest group of
 * age data sets is mostly people in their sixties and early seventies; Levi & Hassner's code writes
 * Adience's last group as (60, 100), whose midpoint 80 would pull every older face's expected age up.
 */
export const OPEN_END_YEARS = 10;

/** A class on the age axis: the span its bar covers and the age it counts as. */
export interface AgeBucket {
  /** Years where the bar starts and ends (a single age a covers a − ½ … a + ½). */
  from: number;
  to: number;
  /** The age this class counts as in Σ p·age: the number, a bucket's midpoint, from + OPEN_END_YEARS. */
  age: number;
  /** How the manifest or label gave it: one age, a bucket, an open-ended bucket ("60+"). */
  kind: 'age' | 'bucket' | 'open';
}

/** The age a class counts as and the span of its bar. */
export function ageBucket(spec: AgeSpec): AgeBucket {
  if (typeof spec === 'number') return { from: spec - 0.5, to: spec + 0.5, age: spec, kind: 'age' };
  const [from, to] = spec;
  if (to === null) return { from, to: from + 2 * OPEN_END_YEARS, age: from + OPEN_END_YEARS, kind: 'open' };
  return { from, to, age: (from + to) / 2, kind: 'bucket' };
}

const NUM = String.raw`(\d+(?:\.\d+)?)`;
const PATTERNS: [RegExp, (m: RegExpMatchArray) => AgeSpec][] = [
  // "31", "31 years", "age 31"
  [new RegExp(String.raw`^(?:age\s*)?${NUM}(?:\s*(?:y|yr|yrs|years?))?$`, 'i'), (m) => Number(m[1])],
  // "(25, 32)", "[25-32]", "25-32", "25–32", "25 to 32", "25-32 years"
  [new RegExp(String.raw`^[([]?\s*${NUM}\s*(?:,|-|–|—|to)\s*${NUM}\s*[)\]]?(?:\s*(?:y|yrs|years?))?$`, 'i'), (m) => [Number(m[1]), Number(m[2])]],
  // "60+", "(60+)", "60 and over", ">60", "≥ 60"
  [new RegExp(String.raw`^[([]?\s*(?:>|≥|>=)?\s*${NUM}\s*(?:\+|and over|and older|or older)?\s*[)\]]?$`, 'i'), (m) => [Number(m[1]), null]],
];

/** The age a label names ("(25, 32)", "25-32", "60+", "31"), or null when it names none. */
export function parseAgeLabel(label: string): AgeSpec | null {
  const s = label.trim();
  for (const [re, make] of PATTERNS) {
    const m = s.match(re);
    if (!m) continue;
    // The open-ended pattern also matches a bare number: only an explicit "+", ">" or words make it open.
    if (re === PATTERNS[2][0] && !/[+>≥]|over|older/i.test(s)) continue;
    const spec = make(m);
    return checkAgeSpec(spec) ? null : spec;
  }
  return null;
}

/** What is wrong with one age (a negative age, a bucket that ends before it starts), or null. */
export function checkAgeSpec(spec: unknown): string | null {
  const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 150;
  if (typeof spec === 'number') return ok(spec) ? null : `${JSON.stringify(spec)} is not an age in years (0–150)`;
  if (!Array.isArray(spec) || spec.length !== 2) return `${JSON.stringify(spec)} is neither an age nor a bucket [from, to] / [from, null]`;
  const [from, to] = spec as unknown[];
  if (!ok(from)) return `bucket ${JSON.stringify(spec)}: from ${JSON.stringify(from)} is not an age in years (0–150)`;
  if (to === null) return null;
  if (!ok(to)) return `bucket ${JSON.stringify(spec)}: to ${JSON.stringify(to)} is not an age in years (0–150) or null (open-ended)`;
  if ((to as number) < (from as number)) return `bucket ${JSON.stringify(spec)} ends before it starts`;
  return null;
}

/**
 * Every class's age bar for an age model, or null for a plain classifier. A model is an age model
 * when its manifest says `output.kind: 'age'`, or (kind unset) when every label names an age and
 * at least one is more than a bare number ("25-32", "60+", "31 years"): labels "0" … "9" are a
 * digit model's, and importers propose class indices as labels. `output.ages` wins over the labels.
 */
export function ageBuckets(output: ModelManifest['output'], labels: readonly string[]): AgeBucket[] | null {
  if (output?.kind === 'classes') return null;
  if (output?.kind === 'age' && output.ages) return output.ages.map(ageBucket);
  const parsed = labels.map(parseAgeLabel);
  if (labels.length === 0 || parsed.some((p) => p === null)) return null;
  if (output?.kind !== 'age' && labels.every((l) => /^\s*\d+\s*$/.test(l))) return null;
  return (parsed as AgeSpec[]).map(ageBucket);
}

/** Σ p·age with p renormalised to sum 1 (classes beyond either list are ignored); NaN without mass. */
export function expectedAge(probs: ArrayLike<number>, ages: readonly number[]): number {
  const n = Math.min(probs.length, ages.length);
  let mass = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i];
    if (!(p > 0)) continue;
    mass += p;
    sum += p * ages[i];
  }
  return mass > 0 ? sum / mass : NaN;
}

/** "25–32", "60+", "31": a bucket as people read it. */
export function ageSpanText(b: AgeBucket): string {
  if (b.kind === 'open') return `${b.from}+`;
  if (b.kind === 'age') return String(b.age);
  return `${b.from}–${b.to}`;
}

/**
 * What is wrong with a list of ages (`output.ages`), or null: every entry an age or bucket, from
 * youngest to oldest without overlap, an open-ended bucket only last. `field` names it in messages.
 */
export function checkAgeList(ages: unknown, field: string): string | null {
  if (!Array.isArray(ages) || ages.length === 0) return `${field} must be a list of ages (numbers, [from, to] or [from, null]), got ${JSON.stringify(ages)}`;
  let prev: AgeBucket | undefined;
  for (let i = 0; i < ages.length; i++) {
    const bad = checkAgeSpec(ages[i]);
    if (bad) return `${field}[${i}]: ${bad}`;
    const b = ageBucket(ages[i] as AgeSpec);
    if (prev?.kind === 'open') return `${field}[${i - 1}]: the open-ended bucket ${ageSpanText(prev)} must be the last`;
    const prevEnd = prev?.kind === 'age' ? prev.age : prev?.to;
    const start = b.kind === 'age' ? b.age : b.from;
    if (prev && prevEnd !== undefined && (start < prevEnd || (start === prevEnd && (prev.kind === 'age' || b.kind === 'age')))) {
      return `${field}[${i}] (${ageSpanText(b)}) does not come after ${field}[${i - 1}] (${ageSpanText(prev)}); list the ages from youngest to oldest without overlap`;
    }
    prev = b;
  }
  return null;
}

/** The expected age in words with its unit: "≈ 31 years", "≈ 1 year"; a dash without one. */
export function expectedAgeText(age: number): string {
  if (!Number.isFinite(age)) return '– years';
  const n = Math.round(age);
  return `≈ ${n} ${n === 1 ? 'year' : 'years'}`;
}

/** The status line's reading for an age model: "age ≈ 31". */
export function ageStatusText(age: number): string {
  return Number.isFinite(age) ? `age ≈ ${Math.round(age)}` : 'age –';
}
