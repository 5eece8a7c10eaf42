// The camera, through getUserMedia: a video element playing the stream, a new picture per captured
// frame (frame-stream.ts) or, where the browser cannot hand frames over, per decoded video frame.
import type { DeviceChoice, PictureInfo, PictureSource, PictureSourceKind, SourceDevice } from '../types';
import { CaptureClock, readFrames, trackProcessor } from './frame-stream';

export const RESOLUTIONS = [
  { width: 640, height: 480 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta?: { captureTime?: number }) => void) => number;
};

/** What the picture area says when a camera that was running stops on its own. */
export const CAMERA_LOST =
  'The camera stopped sending pictures (it was unplugged, switched off or taken by another program). Reconnect it and choose "Try again", or open an image instead.';

/** How often a running camera's track is looked at, for tracks that end without an 'ended' event. */
const TRACK_CHECK_MS = 1000;

/** Explains a getUserMedia failure in words a user can act on. */
export function describeCameraError(e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera access was denied. Allow the camera for this page (or app) and choose "Try again", or open an image instead.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found (or none supports the chosen resolution). Connect one and choose "Try again", or open an image instead.';
    case 'NotReadableError':
      return 'The camera is in use by another program or could not be started. Close that program and choose "Try again".';
    default:
      return `The camera could not be started: ${(e as Error)?.message ?? String(e)}`;
  }
}

async function listCameras(): Promise<SourceDevice[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => d.kind === 'videoinput').map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

async function openCamera(want: DeviceChoice): Promise<PictureSource> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new Error('This page cannot use a camera (it needs a secure origin such as http://127.0.0.1).');
  }
  const constraints = (deviceId?: string): MediaTrackConstraints => ({
    width: { ideal: want.width ?? 640 },
    height: { ideal: want.height ?? 480 },
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  });
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: constraints(want.deviceId), audio: false });
  } catch (e) {
    // A remembered camera that is no longer connected: fall back to whichever camera there is.
    const name = (e as { name?: string })?.name;
    const retry = want.deviceId && (name === 'NotFoundError' || name === 'OverconstrainedError');
    try {
      if (!retry) throw e;
      stream = await navigator.mediaDevices.getUserMedia({ video: constraints(), audio: false });
    } catch (e2) {
      throw new Error(describeCameraError(e2));
    }
  }
  const video = document.createElement('video') as VideoWithFrameCallback;
  video.muted = true;
  video.playsInline = true;
  video.setAttribute('data-testid', 'camera-video');
  video.srcObject = stream;
  const release = () => {
    for (const t of stream.getTracks()) t.stop();
    video.srcObject = null;
  };
  try {
    await video.play();
  } catch (e) {
    release();
    throw new Error(`The camera started but its picture cannot be played: ${(e as Error).message}`);
  }
  const track = stream.getVideoTracks()[0];
  const listeners = new Set<(info?: PictureInfo) => void>();
  const lostListeners = new Set<(message: string) => void>();
  let open = true;
  // An unplugged camera ends its track with an 'ended' event; a track stopped by other means ends
  // silently, which the periodic look catches. Either way the source says so once.
  let lost = false;
  const onTrackEnded = () => {
    if (!open || lost) return;
    lost = true;
    for (const cb of lostListeners) cb(CAMERA_LOST);
  };
  track?.addEventListener('ended', onTrackEnded);
  const trackCheck = setInterval(() => {
    if (track?.readyState === 'ended') onTrackEnded();
  }, TRACK_CHECK_MS);
  // Pictures: each camera frame as it is captured, where the browser can hand them over
  // (frame-stream.ts); otherwise a callback per decoded video frame of the element, or failing that
  // once per display frame. The element's callbacks go on either way: they teach the clock.
  const clock = new CaptureClock();
  const Processor = trackProcessor();
  let stopStream: (() => void) | null = null;
  if (Processor && track) {
    const feed = track.clone();
    // Back to the element's callbacks.
    const giveUp = (why: string) => {
      stopStream = null;
      feed.stop();
      if (open) console.warn(`camera: frames are taken from the video element: ${why}`);
    };
    try {
      const stop = readFrames(
        Processor,
        feed,
        (frame) => {
          const now = performance.now();
          clock.arrived(frame.timestamp, now);
          if (!open) return;
          const capturedAt = clock.toPage(frame.timestamp);
          const takenAt = clock.takenAt(frame.timestamp);
          const info: PictureInfo = {
            frame,
            ...(capturedAt !== undefined && capturedAt <= now ? { capturedAt } : {}),
            ...(takenAt !== undefined ? { takenAt: Math.min(takenAt, now) } : {}),
          };
          for (const cb of listeners) cb(info);
        },
        giveUp,
      );
      stopStream = () => {
        stop();
        feed.stop();
      };
    } catch (e) {
      giveUp(e instanceof Error ? e.message : String(e));
    }
  }
  const next = () => {
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(tick);
    else requestAnimationFrame(tick);
  };
  const tick = (_now?: number, meta?: { captureTime?: number }) => {
    if (!open) return;
    if (meta?.captureTime !== undefined) clock.elementFrame(meta.captureTime, performance.now());
    if (!stopStream) {
      const info = meta?.captureTime !== undefined ? { capturedAt: meta.captureTime } : undefined;
      for (const cb of listeners) cb(info);
    }
    next();
  };
  next();
  return {
    kind: 'camera',
    name: track?.label || 'Camera',
    element: video,
    device: { deviceId: track?.getSettings().deviceId ?? want.deviceId, width: video.videoWidth, height: video.videoHeight },
    size: () => ({ width: video.videoWidth, height: video.videoHeight }),
    onPicture(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    onLost(cb) {
      lostListeners.add(cb);
      return () => lostListeners.delete(cb);
    },
    close() {
      open = false;
      stopStream?.();
      stopStream = null;
      clearInterval(trackCheck);
      track?.removeEventListener('ended', onTrackEnded);
      listeners.clear();
      lostListeners.clear();
      release();
      video.remove();
    },
  };
}

export const camera: PictureSourceKind = {
  kind: 'camera',
  label: 'Camera',
  device: { list: listCameras, open: openCamera },
};
