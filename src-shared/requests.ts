// Checks that a message claiming to be a contract Request has the contract's shape before anything
// acts on it or passes it on: a known type, a numeric rid, the right field types, and bounded
// nesting, string and array sizes — a hostile or buggy client must not be able to make the relay
// or the engine host recurse or allocate without limit. Used by the browser-mode relay and usable
// by the engine host on its own links.
import type { Request } from './contract';

export const REQUEST_LIMITS = {
  /** Longest request text accepted before it is parsed (a manifest with 20k inline labels fits). */
  maxTextBytes: 4 * 1024 * 1024,
  /** Deepest nesting of arrays and objects (real requests need 5). */
  maxDepth: 16,
  maxStringLength: 64 * 1024,
  maxArrayLength: 100_000,
  maxObjectKeys: 1_000,
  /** Most values (strings, numbers, arrays, objects …) in one request. */
  maxValues: 1_000_000,
} as const;

export type RequestType = Request['type'];

export type RequestCheck =
  | { ok: true; request: Request }
  /** `rid` is the request's own id when it had a usable one (answer with an error Response), else null (answer with an error event). */
  | { ok: false; rid: number | null; error: string };

type Fields = Record<string, unknown>;
/** Returns what is wrong with a request's own fields, or null. */
type FieldCheck = (req: Fields) => string | null;

const isObject = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);
const absent = (x: unknown) => x === undefined;
const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isText = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

function checkSource(source: unknown): string | null {
  if (!isObject(source)) return 'source must be { "bundled": id } or { "paths": [file, …] }';
  if (!absent(source.bundled)) {
    return isText(source.bundled) ? null : 'source.bundled must be a model id';
  }
  if (!Array.isArray(source.paths) || source.paths.length === 0) return 'source must be { "bundled": id } or { "paths": [file, …] }';
  const bad = source.paths.findIndex((p) => !isText(p));
  if (bad >= 0) return `source.paths[${bad}] must be a file path`;
  if (!absent(source.manifest) && !isObject(source.manifest)) return 'source.manifest must be an object';
  return null;
}

function checkLayerSubscription(l: unknown, at: string): string | null {
  if (!isObject(l)) return `${at} must be an object`;
  if (!isText(l.layer)) return `${at}.layer must be a layer name`;
  const ch = l.channels;
  if (!absent(ch)) {
    const ok =
      isObject(ch) &&
      ((isNumber(ch.start) && isNumber(ch.count)) ||
        (Array.isArray(ch.list) && ch.list.every(isNumber)) ||
        isNumber(ch.topK));
    if (!ok) return `${at}.channels must be { start, count }, { list: [numbers] } or { topK }`;
  }
  if (!absent(l.norm) && l.norm !== 'map' && l.norm !== 'layer') return `${at}.norm must be 'map' or 'layer'`;
  if (!absent(l.signed) && typeof l.signed !== 'boolean') return `${at}.signed must be true or false`;
  return null;
}

/** The fields of each request type; keyed by every type of the contract, so a new one cannot be forgotten. */
const FIELD_CHECKS: { [K in RequestType]: FieldCheck } = {
  listModels: () => null,
  availableProviders: () => null,
  listFormats: () => null,
  cancelLoad: () => null,
  loadModel: (r) => checkSource(r.source),
  subscribe: (r) => {
    const s = r.subscription;
    if (!isObject(s) || !Array.isArray(s.layers)) return 'subscription must be { "layers": [...] }';
    for (let i = 0; i < s.layers.length; i++) {
      const problem = checkLayerSubscription(s.layers[i], `subscription.layers[${i}]`);
      if (problem) return problem;
    }
    return null;
  },
  classWeights: (r) => (isText(r.layer) ? null : 'layer must be a layer name'),
  setEngineSettings: (r) => (isObject(r.settings) && typeof r.settings.forceCpu === 'boolean' ? null : 'settings.forceCpu must be true or false'),
};

/** Every request type of the contract. */
export const REQUEST_TYPES = Object.keys(FIELD_CHECKS) as RequestType[];

/**
 * What a page may ask the engine. Engine settings change only by saving the user's settings (the
 * main process or the server applies them once), never by a page's own request.
 */
export const CLIENT_REQUEST_TYPES: readonly RequestType[] = REQUEST_TYPES.filter((t) => t !== 'setEngineSettings');

/**
 * Checks that `x` is plain JSON-like data within the limits. Recursion is bounded by maxDepth, so
 * arbitrarily deep input cannot overflow the stack here.
 */
function checkValue(x: unknown, depth: number, budget: { values: number }): string | null {
  if (--budget.values < 0) return `more than ${REQUEST_LIMITS.maxValues} values`;
  if (x === null || x === undefined || typeof x === 'boolean') return null;
  if (typeof x === 'number') return Number.isFinite(x) ? null : 'numbers must be finite';
  if (typeof x === 'string') return x.length > REQUEST_LIMITS.maxStringLength ? `a string is longer than ${REQUEST_LIMITS.maxStringLength} characters` : null;
  if (typeof x !== 'object') return `a value of type ${typeof x} is not allowed`;
  if (depth >= REQUEST_LIMITS.maxDepth) return `nested deeper than ${REQUEST_LIMITS.maxDepth} levels`;
  if (Array.isArray(x)) {
    if (x.length > REQUEST_LIMITS.maxArrayLength) return `an array has more than ${REQUEST_LIMITS.maxArrayLength} items`;
    for (const item of x) {
      const problem = checkValue(item, depth + 1, budget);
      if (problem) return problem;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(x) as unknown;
  if (proto !== Object.prototype && proto !== null) return 'only plain objects and arrays are allowed';
  const keys = Object.keys(x);
  if (keys.length > REQUEST_LIMITS.maxObjectKeys) return `an object has more than ${REQUEST_LIMITS.maxObjectKeys} fields`;
  for (const k of keys) {
    if (k.length > REQUEST_LIMITS.maxStringLength) return `a field name is longer than ${REQUEST_LIMITS.maxStringLength} characters`;
    const problem = checkValue((x as Fields)[k], depth + 1, budget);
    if (problem) return problem;
  }
  return null;
}

/** Checks an already decoded request (e.g. one that arrived by structured clone). */
export function checkRequest(x: unknown, allowed: readonly RequestType[] = REQUEST_TYPES): RequestCheck {
  if (!isObject(x)) return { ok: false, rid: null, error: 'malformed request (not an object with rid and type)' };
  const rid = Number.isSafeInteger(x.rid) ? (x.rid as number) : null;
  const fail = (error: string): RequestCheck => ({ ok: false, rid, error });
  if (rid === null) return fail('malformed request (rid must be an integer)');
  if (typeof x.type !== 'string') return fail(`request ${rid}: type must be a string`);
  const type = x.type;
  const named = type.length <= 64 ? `'${type}'` : 'with an overlong type';
  if (!Object.hasOwn(FIELD_CHECKS, type)) return fail(`request ${rid}: unknown request type ${named}`);
  if (!allowed.includes(type as RequestType)) return fail(`request ${rid}: ${named} is not accepted here`);
  const shape = checkValue(x, 0, { values: REQUEST_LIMITS.maxValues });
  if (shape) return fail(`request ${rid} (${type}): ${shape}`);
  const fields = FIELD_CHECKS[type as RequestType](x);
  if (fields) return fail(`request ${rid} (${type}): ${fields}`);
  return { ok: true, request: x as unknown as Request };
}

/** Parses and checks a request that arrived as JSON text (the browser-mode WebSocket). */
export function parseRequest(text: string, allowed: readonly RequestType[] = REQUEST_TYPES): RequestCheck {
  if (text.length > REQUEST_LIMITS.maxTextBytes) {
    return { ok: false, rid: null, error: `request refused: longer than ${REQUEST_LIMITS.maxTextBytes} characters` };
  }
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch {
    return { ok: false, rid: null, error: 'malformed request (not JSON)' };
  }
  return checkRequest(x, allowed);
}
