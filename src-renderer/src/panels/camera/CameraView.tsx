// The camera panel: the live picture with the crop square on it (drag to move, corner to resize),
// the "Follow face" switch with the faces found, the camera picker, the resolution choice and
// "Image…" as a still source.
import { createEffect, createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { cropRectPx, moveCrop, resizeCrop, type CropSquare } from '../../sources/crop';
import { RESOLUTIONS } from '../../sources/camera/camera';
import type { SourceDevice } from '../../sources/types';
import type { PanelServices } from '../types';
import { FaceBoxes, FaceModeSwitch } from './FaceOverlay';

export function CameraView(props: Pick<PanelServices, 'picture' | 'faces'>): JSX.Element {
  const pic = props.picture;
  let box!: HTMLDivElement;
  let stage!: HTMLDivElement;
  let imageInput!: HTMLInputElement;
  const [fit, setFit] = createSignal({ left: 0, top: 0, width: 0, height: 0 });
  const [devices, setDevices] = createSignal<SourceDevice[]>([]);
  const [deviceId, setDeviceId] = createSignal('');
  const [resolution, setResolution] = createSignal('640x480');

  const source = () => {
    const s = pic.state();
    return s.kind === 'showing' ? s.source : null;
  };
  const sourceSize = () => {
    const s = source();
    if (!s) return null;
    const size = s.size();
    return size.width > 0 && size.height > 0 ? size : null;
  };

  /** Fits the picture into the panel, keeping its aspect ratio. */
  const refit = () => {
    const size = sourceSize();
    const bw = box.clientWidth;
    const bh = box.clientHeight;
    if (!size || !bw || !bh) return setFit({ left: 0, top: 0, width: 0, height: 0 });
    const k = Math.min(bw / size.width, bh / size.height);
    const width = size.width * k;
    const height = size.height * k;
    setFit({ left: (bw - width) / 2, top: (bh - height) / 2, width, height });
  };

  const refreshDevices = async () => {
    try {
      setDevices(await pic.listCameras());
    } catch {
      setDevices([]);
    }
  };

  onMount(() => {
    const ro = new ResizeObserver(refit);
    ro.observe(box);
    const onChange = () => void refreshDevices();
    navigator.mediaDevices?.addEventListener?.('devicechange', onChange);
    onCleanup(() => {
      ro.disconnect();
      navigator.mediaDevices?.removeEventListener?.('devicechange', onChange);
      // The picture keeps playing without its panel (frames still go to the engine) until its source
      // is closed.
      const s = source();
      if (s) document.getElementById('camera-parking')?.append(s.element);
    });
  });

  // The element of the source on show goes on the stage; a source given up is closed, which takes
  // its element off the page.
  createEffect(() => {
    const s = source();
    refit();
    if (!s) return;
    stage.prepend(s.element);
    if (s.device) {
      void refreshDevices();
      setResolution(`${s.device.width}x${s.device.height}`);
      if (s.device.deviceId) setDeviceId(s.device.deviceId);
    }
  });

  // The square in stage pixels.
  const square = () => {
    const size = sourceSize();
    const f = fit();
    if (!size || !f.width) return null;
    const r = cropRectPx(pic.cropSquare(), size.width, size.height);
    const k = f.width / size.width;
    return { left: r.x * k, top: r.y * k, side: r.size * k, px: r };
  };

  const drag = (e: PointerEvent, how: 'move' | 'resize') => {
    const size = sourceSize();
    const f = fit();
    if (!size || !f.width) return;
    e.preventDefault();
    e.stopPropagation();
    const el = e.currentTarget as HTMLElement;
    el.setPointerCapture(e.pointerId);
    const start: CropSquare = pic.cropSquare();
    const x0 = e.clientX;
    const y0 = e.clientY;
    const k = size.width / f.width; // picture pixels per screen pixel
    const onMove = (m: PointerEvent) => {
      // Placing the square by hand ends following the face.
      props.faces.takeByHand();
      const dx = (m.clientX - x0) * k;
      const dy = (m.clientY - y0) * k;
      pic.setCropSquare(how === 'move' ? moveCrop(start, dx, dy, size.width, size.height) : resizeCrop(start, dx, dy, size.width, size.height));
    };
    const onUp = () => {
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
    };
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
  };

  const restart = (id: string, res: string) => {
    const [width, height] = res.split('x').map(Number);
    pic.useCamera({ ...(id ? { deviceId: id } : {}), width, height });
  };

  const error = () => {
    const s = pic.state();
    return s.kind === 'error' ? s.message : null;
  };
  const starting = () => {
    const s = pic.state();
    return s.kind === 'starting' ? s.message : null;
  };

  return (
    <div class="camera-view">
      <div class="camera-box" data-testid="camera-box" data-crop-mode={props.faces.mode()} ref={box}>
        <div
          class="camera-stage"
          ref={stage}
          style={{ left: `${fit().left}px`, top: `${fit().top}px`, width: `${fit().width}px`, height: `${fit().height}px` }}
        >
          <Show when={square()}>
            {(sq) => (
              <div
                class="crop-square"
                classList={{ following: props.faces.mode() === 'face' }}
                data-testid="crop-square"
                data-crop-px={`${sq().px.x},${sq().px.y},${sq().px.size}`}
                title={
                  props.faces.mode() === 'face'
                    ? 'The crop follows the largest face; drag it to place it by hand'
                    : 'Drag to move the crop; drag the corner to resize it'
                }
                style={{ left: `${sq().left}px`, top: `${sq().top}px`, width: `${sq().side}px`, height: `${sq().side}px` }}
                onPointerDown={(e) => drag(e, 'move')}
              >
                <div class="crop-resize" data-testid="crop-resize" onPointerDown={(e) => drag(e, 'resize')} />
              </div>
            )}
          </Show>
          <Show when={props.faces.mode() === 'face' && fit().width > 0}>
            <FaceBoxes faces={props.faces.faces()} width={fit().width} height={fit().height} />
          </Show>
        </div>
        <Show when={source()}>
          <FaceModeSwitch faces={props.faces} />
        </Show>
        <Show when={error()}>
          {(msg) => (
            <div class="camera-message" role="alert" data-testid="camera-error">
              <p>{msg()}</p>
              <div class="row">
                <button data-testid="camera-try-again" onClick={() => restart(deviceId(), resolution())}>
                  Try again
                </button>
                <button onClick={() => imageInput.click()}>Open image…</button>
              </div>
            </div>
          )}
        </Show>
        <Show when={starting()}>{(msg) => <div class="camera-message">{msg()}</div>}</Show>
      </div>
      <div class="camera-controls">
        <select
          data-testid="camera-select"
          title="Camera"
          value={deviceId()}
          onChange={(e) => {
            setDeviceId(e.currentTarget.value);
            restart(e.currentTarget.value, resolution());
          }}
        >
          <Show when={devices().length === 0}>
            <option value="">No camera listed</option>
          </Show>
          <For each={devices()}>{(d) => <option value={d.deviceId}>{d.label}</option>}</For>
        </select>
        <select
          data-testid="camera-resolution"
          title="Camera resolution"
          value={resolution()}
          onChange={(e) => {
            setResolution(e.currentTarget.value);
            restart(deviceId(), e.currentTarget.value);
          }}
        >
          <For each={RESOLUTIONS}>{(r) => <option value={`${r.width}x${r.height}`}>{`${r.width}×${r.height}`}</option>}</For>
          <Show when={!RESOLUTIONS.some((r) => `${r.width}x${r.height}` === resolution())}>
            <option value={resolution()}>{resolution().replace('x', '×')}</option>
          </Show>
        </select>
        <button title="Use a still image instead of the camera" onClick={() => imageInput.click()}>
          Image…
        </button>
        <Show when={source() && !source()!.device}>
          <button title="Back to the live camera" onClick={() => restart(deviceId(), resolution())}>
            Camera
          </button>
        </Show>
      </div>
      <input
        ref={imageInput}
        type="file"
        accept={pic.fileAccept}
        hidden
        data-testid="image-file"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = '';
          if (files.length > 0) void pic.openFiles(files);
        }}
      />
    </div>
  );
}
