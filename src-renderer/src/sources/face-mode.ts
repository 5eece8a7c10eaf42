// How the crop square is placed: by hand, or following the largest face the engine's face finder
// sees. In face mode every frame asks for faces; each result moves the square (see face-follow.ts).
// A model's manifest can turn face mode on; the settings (margin, smoothing, the finder's) are the
// user's, kept in UserSettings.faces.
import { batch, createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import type { EngineChannel, FaceBox, FaceFinderSettings, ModelInfo, UserSettings } from '../../../src-shared/contract';
import { DEFAULT_FACE_FINDER, FACE_SETTING_LIMITS } from '../../../src-shared/contract';
import type { CropSquare } from './crop';
import { DEFAULT_MARGIN, DEFAULT_SMOOTHING, FaceFollower } from './face-follow';
import type { Picture } from './picture';

export type CropMode = 'manual' | 'face';
export type FaceSettings = NonNullable<UserSettings['faces']>;

/** The face settings in use: the user's where given, else the defaults. */
export interface EffectiveFaceSettings {
  finder: FaceFinderSettings;
  smoothing: number;
  /** The margin in use: the model's manifest's when it names one, else the user's. */
  margin: number;
  /** True when the margin comes from the model's manifest (`crop.margin`). */
  marginFromModel: boolean;
}

/** Where each setting may go; a value outside (a hand-edited settings file) counts as not given. */
export const FACE_LIMITS = FACE_SETTING_LIMITS;

const within = (v: unknown, [lo, hi]: readonly [number, number], fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi ? v : fallback;

/** The settings in use from the saved ones and the model's margin (undefined: the model names none). */
export function faceSettingsIn(saved: FaceSettings | undefined, modelMargin: number | undefined): EffectiveFaceSettings {
  const finder: Partial<FaceFinderSettings> = saved?.finder ?? {};
  const t = Array.isArray(finder.thresholds) ? finder.thresholds : DEFAULT_FACE_FINDER.thresholds;
  const fromModel = within(modelMargin, FACE_LIMITS.margin, NaN);
  return {
    finder: {
      minFace: within(finder.minFace, FACE_LIMITS.minFace, DEFAULT_FACE_FINDER.minFace),
      thresholds: [within(t[0], FACE_LIMITS.threshold, DEFAULT_FACE_FINDER.thresholds[0]), within(t[1], FACE_LIMITS.threshold, DEFAULT_FACE_FINDER.thresholds[1])],
    },
    smoothing: within(saved?.smoothing, FACE_LIMITS.smoothing, DEFAULT_SMOOTHING),
    margin: Number.isNaN(fromModel) ? within(saved?.margin, FACE_LIMITS.margin, DEFAULT_MARGIN) : fromModel,
    marginFromModel: !Number.isNaN(fromModel),
  };
}

export function createFaceMode(deps: {
  engine: Pick<EngineChannel, 'onResult'>;
  model: Accessor<ModelInfo | null>;
  picture: Pick<Picture, 'current' | 'cropSquare' | 'setCropSquare'>;
  settings: { faces: Accessor<FaceSettings | undefined>; saveFaces: (f: FaceSettings) => void };
}) {
  const { picture } = deps;
  const [mode, setModeSignal] = createSignal<CropMode>('manual');
  /** Faces of the newest searched frame; null until one came back in face mode. */
  const [faces, setFaces] = createSignal<FaceBox[] | null>(null);
  const follower = new FaceFollower();
  // Face mode the model turned on is turned off again by a model that does not ask for it, and the
  // square goes back to where the user had it; face mode the user chose stays.
  let byModel = false;
  let manualSquare: CropSquare | null = null;

  const effective = (): EffectiveFaceSettings => faceSettingsIn(deps.settings.faces(), deps.model()?.manifest.crop?.margin);

  const switchTo = (m: CropMode) =>
    batch(() => {
      setModeSignal(m);
      setFaces(null);
    });

  createEffect(
    on(deps.model, (m) => {
      if (!m) return;
      const wanted = m.manifest.crop?.mode;
      if (wanted === 'face' && mode() !== 'face') {
        manualSquare = picture.cropSquare();
        byModel = true;
        switchTo('face');
      } else if (mode() === 'face' && (wanted === 'manual' || (wanted === undefined && byModel))) {
        if (byModel && manualSquare) picture.setCropSquare(manualSquare);
        byModel = false;
        manualSquare = null;
        switchTo('manual');
      }
    }),
  );

  const offResult = deps.engine.onResult((r) => {
    if (mode() !== 'face') return;
    const size = picture.current()?.size() ?? { width: 0, height: 0 };
    const s = effective();
    const out = follower.update(r, picture.cropSquare(), size, s);
    if (out.kind === 'skip') return;
    batch(() => {
      setFaces(out.kind === 'face' ? out.faces : []);
      if (out.kind === 'face') picture.setCropSquare(out.crop);
    });
  });
  onCleanup(offResult);

  return {
    mode,
    faces,
    settings: effective,
    /** The face finder's settings for the frame pump while faces are followed, else null. */
    detect: (): FaceFinderSettings | null => (mode() === 'face' ? effective().finder : null),
    /** The user switches the mode (the control on the camera box). */
    setMode(m: CropMode) {
      byModel = false;
      manualSquare = null;
      if (m !== mode()) switchTo(m);
    },
    /** The user moved or resized the square: it is theirs again. */
    takeByHand() {
      byModel = false;
      manualSquare = null;
      if (mode() !== 'manual') switchTo('manual');
    },
    /** Saves changed settings (only the fields given change). */
    saveSettings(change: FaceSettings) {
      deps.settings.saveFaces({ ...deps.settings.faces(), ...change });
    },
  };
}

export type FaceMode = ReturnType<typeof createFaceMode>;
