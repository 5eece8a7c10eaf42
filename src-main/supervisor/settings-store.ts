// User settings as one JSON file (Electron: the app's userData folder; browser mode: a per-user
// config folder). Writes go to a temporary file first and are renamed into place, so a crash
// while saving never leaves half a file behind.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_SETTINGS, DRAW_RESOLUTIONS, FACE_SETTING_LIMITS, PROVIDER_NAMES, type UserSettings } from '../../src-shared/contract';

/** Browser mode's settings folder: $CONVSCOPE_CONFIG_DIR, else the platform's per-user config folder. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONVSCOPE_CONFIG_DIR) return env.CONVSCOPE_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'ConvScope');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'ConvScope');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'convscope');
}

/** Checks the shape of settings coming from a file or a client; throws a message naming the field. */
export function validateSettings(x: unknown): UserSettings {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error('settings must be a JSON object');
  const s = x as Record<string, unknown>;
  const engine = s.engine ?? DEFAULT_SETTINGS.engine;
  if (typeof engine !== 'object' || engine === null || typeof (engine as { forceCpu?: unknown }).forceCpu !== 'boolean') {
    throw new Error('settings.engine.forceCpu must be true or false');
  }
  const provider = (engine as { provider?: unknown }).provider;
  if (provider !== undefined && !(PROVIDER_NAMES as readonly unknown[]).includes(provider)) {
    throw new Error(`settings.engine.provider must be one of ${PROVIDER_NAMES.map((p) => `"${p}"`).join(', ')}, or absent (the automatic order)`);
  }
  const layouts = s.layouts ?? {};
  if (typeof layouts !== 'object' || layouts === null || Array.isArray(layouts)) {
    throw new Error('settings.layouts must be an object keyed by model id');
  }
  if (s.lastModel !== undefined) {
    const m = s.lastModel as Record<string, unknown> | null;
    const ok =
      typeof m === 'object' &&
      m !== null &&
      (typeof m.bundled === 'string' || (Array.isArray(m.paths) && m.paths.every((p) => typeof p === 'string')));
    if (!ok) throw new Error('settings.lastModel must be { "bundled": id } or { "paths": [file, …] }');
  }
  if (s.camera !== undefined && (typeof s.camera !== 'object' || s.camera === null || Array.isArray(s.camera))) {
    throw new Error('settings.camera must be an object');
  }
  if (s.faces !== undefined) checkFaces(s.faces);
  if (s.display !== undefined && (!isObject(s.display) || (s.display.resolution !== undefined && !(DRAW_RESOLUTIONS as readonly unknown[]).includes(s.display.resolution)))) {
    throw new Error(`settings.display must be an object whose resolution is ${DRAW_RESOLUTIONS.map((r) => `"${r}"`).join(', ')}`);
  }
  return { ...s, engine: engine as UserSettings['engine'], layouts: layouts as UserSettings['layouts'] } as UserSettings;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const inRange = (x: unknown, [lo, hi]: readonly [number, number]): boolean => typeof x === 'number' && x >= lo && x <= hi;
const L = FACE_SETTING_LIMITS;

/** The face settings' shape and ranges (the window also falls back to defaults for values out of range). */
function checkFaces(faces: unknown): void {
  if (!isObject(faces)) throw new Error('settings.faces must be an object');
  if (faces.smoothing !== undefined && !inRange(faces.smoothing, L.smoothing)) throw new Error(`settings.faces.smoothing must be a number from ${L.smoothing.join(' to ')}`);
  if (faces.margin !== undefined && !inRange(faces.margin, L.margin)) throw new Error(`settings.faces.margin must be a number from ${L.margin.join(' to ')}`);
  const finder = faces.finder;
  if (finder === undefined) return;
  if (!isObject(finder)) throw new Error('settings.faces.finder must be an object');
  if (!inRange(finder.minFace, L.minFace)) throw new Error(`settings.faces.finder.minFace must be a fraction of the shorter side from ${L.minFace.join(' to ')}`);
  const t = finder.thresholds;
  if (!Array.isArray(t) || t.length !== 2 || !t.every((v) => inRange(v, L.threshold))) {
    throw new Error(`settings.faces.finder.thresholds must be two numbers from ${L.threshold.join(' to ')} ([P-Net, R-Net])`);
  }
}

export class SettingsStore {
  /** Saves run one after another: two at once must not interleave their write and rename. */
  private queue: Promise<unknown> = Promise.resolve();
  private writes = 0;

  constructor(readonly file: string) {}

  /** The saved settings, or the defaults when there are none yet. A damaged file is reported, not fatal. */
  async load(onProblem?: (message: string) => void): Promise<UserSettings> {
    await this.queue.catch(() => {});
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') onProblem?.(`${this.file}: ${(e as Error).message}`);
      return structuredClone(DEFAULT_SETTINGS);
    }
    try {
      return validateSettings(JSON.parse(text));
    } catch (e) {
      onProblem?.(`${this.file}: ${(e as Error).message}; using default settings`);
      return structuredClone(DEFAULT_SETTINGS);
    }
  }

  /** Validates (throwing a message naming the field) and writes the settings; the newest save wins. */
  save(settings: unknown): Promise<UserSettings> {
    const valid = validateSettings(settings);
    const write = async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.${++this.writes}.tmp`;
      await writeFile(tmp, JSON.stringify(valid, null, 2) + '\n', 'utf8');
      await rename(tmp, this.file);
      return valid;
    };
    const done = this.queue.then(write, write);
    this.queue = done.catch(() => {});
    return done;
  }
}
