// The face settings, beside the "Follow face" switch: how loose the crop is around the face, how
// calmly it follows, and what the face finder counts as a face. Saved in the user's settings.
import { Show, type JSX } from 'solid-js';
import { DEFAULT_FACE_FINDER } from '../../../../src-shared/contract';
import { DEFAULT_MARGIN, DEFAULT_SMOOTHING } from '../../sources/face-follow';
import { FACE_LIMITS, type FaceMode } from '../../sources/face-mode';

/** The number typed, when it is one inside `limits`; else null (the field shows the value in use again). */
function numberIn(v: string, [lo, hi]: readonly [number, number]): number | null {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) && n >= lo && n <= hi ? n : null;
}

export function FaceSettings(props: { faces: Pick<FaceMode, 'settings' | 'saveSettings'>; style: JSX.CSSProperties }): JSX.Element {
  const s = () => props.faces.settings();
  const save = props.faces.saveSettings;
  const field = (
    label: string,
    testid: string,
    value: () => number,
    limits: readonly [number, number],
    step: number,
    onValue: (n: number) => void,
    extra?: { disabled?: boolean; title?: string },
  ) => (
    <label title={extra?.title}>
      {label}
      <input
        type="number"
        data-testid={testid}
        min={limits[0]}
        max={limits[1]}
        step={step}
        value={value()}
        disabled={extra?.disabled}
        onChange={(e) => {
          const n = numberIn(e.currentTarget.value, limits);
          if (n === null) e.currentTarget.value = String(value());
          else onValue(n);
        }}
      />
    </label>
  );
  const finder = () => s().finder;
  const pct = (x: number) => Math.round(x * 1000) / 10;

  return (
    <div class="popover face-settings" data-testid="face-settings" style={props.style} onPointerDown={(e) => e.stopPropagation()}>
      {field('Crop side (× the face box)', 'face-margin', () => s().margin, FACE_LIMITS.margin, 0.1, (margin) => save({ margin }), {
        disabled: s().marginFromModel,
        title: s().marginFromModel ? "This model's manifest sets it (crop.margin)" : `Default ${DEFAULT_MARGIN}`,
      })}
      <Show when={s().marginFromModel}>
        <p class="face-note">Set by this model's manifest.</p>
      </Show>
      {field('Smoothing (0 = jump, 0.9 = slow)', 'face-smoothing', () => s().smoothing, FACE_LIMITS.smoothing, 0.05, (smoothing) => save({ smoothing }), {
        title: `Share of the way the square stays behind per frame; default ${DEFAULT_SMOOTHING}`,
      })}
      {field(
        'Smallest face (% of the shorter side)',
        'face-min',
        () => pct(finder().minFace),
        [FACE_LIMITS.minFace[0] * 100, FACE_LIMITS.minFace[1] * 100],
        1,
        (p) => save({ finder: { ...finder(), minFace: p / 100 } }),
        { title: `Smaller faces cost more time; default ${pct(DEFAULT_FACE_FINDER.minFace)} %` },
      )}
      <div class="row">
        {field('Proposal threshold', 'face-threshold-1', () => finder().thresholds[0], FACE_LIMITS.threshold, 0.05, (t) => save({ finder: { ...finder(), thresholds: [t, finder().thresholds[1]] } }), {
          title: `Score a P-Net proposal must reach; default ${DEFAULT_FACE_FINDER.thresholds[0]}`,
        })}
        {field('Face threshold', 'face-threshold-2', () => finder().thresholds[1], FACE_LIMITS.threshold, 0.05, (t) => save({ finder: { ...finder(), thresholds: [finder().thresholds[0], t] } }), {
          title: `Score an R-Net face must reach; default ${DEFAULT_FACE_FINDER.thresholds[1]}`,
        })}
      </div>
    </div>
  );
}
