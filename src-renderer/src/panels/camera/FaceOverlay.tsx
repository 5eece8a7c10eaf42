// What face mode adds to the camera box: the faces found (each box with its score; the one the crop
// follows drawn solid), "no face" when the finder found none, and the switch between the manual
// square and following the face with its settings.
import { createEffect, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import type { FaceBox } from '../../../../src-shared/contract';
import type { FaceMode } from '../../sources/face-mode';
import { FaceSettings } from './FaceSettings';

/** The faces on the picture; `width` × `height` is the picture's size on screen. */
export function FaceBoxes(props: { faces: FaceBox[] | null; width: number; height: number }): JSX.Element {
  const followed = () => {
    let best = -1;
    props.faces?.forEach((f, i) => {
      if (best < 0 || f.w * f.h > props.faces![best].w * props.faces![best].h) best = i;
    });
    return best;
  };
  return (
    <>
      <For each={props.faces ?? []}>
        {(f, i) => (
          <div
            class="face-box"
            classList={{ followed: i() === followed() }}
            data-testid="face-box"
            data-box={[f.x, f.y, f.w, f.h].map((v) => v.toFixed(4)).join(',')}
            style={{ left: `${f.x * props.width}px`, top: `${f.y * props.height}px`, width: `${f.w * props.width}px`, height: `${f.h * props.height}px` }}
          >
            <span class="face-score" classList={{ below: f.y * props.height < 16 }}>{`face ${f.score.toFixed(2)}`}</span>
          </div>
        )}
      </For>
      <Show when={props.faces === null || props.faces.length === 0}>
        <div class="face-status" classList={{ searching: props.faces === null }} data-testid="face-status" role="note">
          {props.faces === null ? 'looking for faces…' : 'no face'}
        </div>
      </Show>
    </>
  );
}

/** "Follow face" on or off, and its settings in a popover that may reach outside the small panel. */
export function FaceModeSwitch(props: { faces: Pick<FaceMode, 'mode' | 'setMode' | 'settings' | 'saveSettings'> }): JSX.Element {
  let gear!: HTMLButtonElement;
  let wrap!: HTMLDivElement;
  const [open, setOpen] = createSignal<{ top: number; left: number } | null>(null);
  const on = () => props.faces.mode() === 'face';

  const toggleSettings = () => {
    if (open()) return setOpen(null);
    const r = gear.getBoundingClientRect();
    setOpen({ top: r.bottom + 6, left: Math.max(8, Math.min(r.left, window.innerWidth - 300)) });
  };
  // A press anywhere else closes the settings.
  createEffect(() => {
    if (!open()) return;
    const close = (e: PointerEvent) => {
      if (!wrap.contains(e.target as Node)) setOpen(null);
    };
    document.addEventListener('pointerdown', close);
    onCleanup(() => document.removeEventListener('pointerdown', close));
  });

  return (
    <div class="crop-mode" ref={wrap}>
      <button
        data-testid="crop-mode-face"
        aria-pressed={on()}
        classList={{ on: on() }}
        title={on() ? 'The crop follows the largest face — click to place it by hand' : 'Let the crop square find and follow the largest face'}
        onClick={() => props.faces.setMode(on() ? 'manual' : 'face')}
      >
        {on() ? '☺ Following face' : '☺ Follow face'}
      </button>
      <button ref={gear} class="icon" data-testid="face-settings-button" title="Face settings" aria-expanded={!!open()} onClick={toggleSettings}>
        ⚙
      </button>
      <Show when={open()}>{(at) => <FaceSettings faces={props.faces} style={{ position: 'fixed', top: `${at().top}px`, left: `${at().left}px` }} />}</Show>
    </div>
  );
}
