// The user's settings as the single owner of the engine settings: saving settings whose `engine`
// part changed is the one path that applies engine settings (Electron's save-settings handler and
// browser mode's PUT /api/settings both come here). The change goes to the engine once, and the
// model as rebuilt on the new provider is announced to every client with a 'modelLoaded' event.
import type { EngineEvent, EngineSettings, ModelInfo, Response, UserSettings } from '../../src-shared/contract';
import type { SettingsStore } from './settings-store';

/** What applies engine settings: the supervisor of the engine host. */
export interface EngineSettingsTarget {
  /** Remembers the settings for every (re)start and sends them to a running host; null when none is up. */
  applyEngineSettings(settings: EngineSettings): Promise<Response | null>;
}

export interface SettingsOwnerOptions {
  store: SettingsStore;
  engine: EngineSettingsTarget;
  /** Tells every client (Electron: the window; browser mode: every tab). */
  announce(event: EngineEvent): void;
  log(line: string): void;
}

const sameEngine = (a: EngineSettings | undefined, b: EngineSettings) => JSON.stringify(a) === JSON.stringify(b);

export class SettingsOwner {
  /** The engine settings last handed to the engine (from the file at start-up, then from saves). */
  private applied: EngineSettings | undefined;
  private settings: UserSettings | undefined;

  constructor(private readonly opts: SettingsOwnerOptions) {}

  /** The settings file's path, for messages. */
  get file(): string {
    return this.opts.store.file;
  }

  /** The settings as last loaded or saved. */
  get current(): UserSettings | undefined {
    return this.settings;
  }

  /**
   * Reads the settings file (a damaged one is reported and replaced by the defaults). The first
   * load fixes the engine settings the engine starts with.
   */
  async load(): Promise<UserSettings> {
    const s = await this.opts.store.load(this.opts.log);
    this.settings = s;
    this.applied ??= s.engine;
    return s;
  }

  /**
   * Validates the settings — throwing at once, with a message naming the field, when they are
   * malformed — and writes them, then applies a changed `engine` part once. Resolves when the file
   * is written; the engine's answer arrives later as an announced event.
   */
  save(x: unknown): Promise<UserSettings> {
    return this.opts.store.save(x).then((saved) => {
      this.settings = saved;
      if (!sameEngine(this.applied, saved.engine)) {
        this.applied = saved.engine;
        void this.apply(saved.engine);
      }
      return saved;
    });
  }

  private async apply(engine: EngineSettings): Promise<void> {
    let r: Response | null;
    try {
      r = await this.opts.engine.applyEngineSettings(engine);
    } catch (e) {
      // The host died or restarted meanwhile: it gets the remembered settings when it is back.
      this.opts.log(`engine settings not applied now: ${(e as Error).message}`);
      return;
    }
    // Another save may have changed the settings again meanwhile: only the newest is announced.
    if (!r || !sameEngine(this.applied, engine)) return;
    if (r.ok) {
      if (r.result) this.opts.announce({ type: 'modelLoaded', info: r.result as ModelInfo });
    } else {
      this.opts.announce({ type: 'error', message: `Engine settings not applied: ${r.error}` });
    }
  }
}
