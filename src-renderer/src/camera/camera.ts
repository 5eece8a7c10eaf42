// The live picture: a camera through getUserMedia (or a still image the user opened), and the loop
// that cuts the crop square out of every new video frame, scales it to the size the engine wants
// and sends it. The crop of every sent frame is kept briefly so the crop view can show exactly the
// image whose result is on screen.
import type { FrameMessage } from '../../../src-shared/contract';
import { CropRing, cropRectPx, type CropSquare } from './crop';

export interface CropImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export interface CameraDevice {
  deviceId: string;
  label: string;
}

export const RESOLUTIONS = [
  { width: 640, height: 480 },
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number;
};

export type SourceState =
  | { kind: 'none' }
  | { kind: 'starting' }
  | { kind: 'camera'; label: string; deviceId: string; width: number; height: number }
  | { kind: 'image'; name: string; width: number; height: number }
  | { kind: 'error'; message: string };

/** Explains a getUserMedia failure in words a user can act on. */
export function describeCameraError(e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera access was denied. Allow the camera for this page (or app) and choose "Retry", or open an image instead.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found (or none supports the chosen resolution). Connect one and choose "Retry", or open an image instead.';
    case 'NotReadableError':
      return 'The camera is in use by another program or could not be started. Close that program and choose "Retry".';
    default:
      return `The camera could not be started: ${(e as Error)?.message ?? String(e)}`;
  }
}

export class CameraSource {
  /** The element the picture comes from; the camera panel shows it. */
  readonly video: HTMLVideoElement;
  image: HTMLImageElement | null = null;
  private stream: MediaStream | null = null;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private running = false;
  private nextId = 1;
  private lastFrameAt = 0;
  private fpsValue = 0;
  private imageTimer: ReturnType<typeof setInterval> | null = null;
  readonly crops = new CropRing<CropImage>(32);

  constructor(
    private readonly opts: {
      /** The crop square now (read every frame). */
      crop: () => CropSquare;
      /** Size the engine wants, or null while no model is loaded. */
      outSize: () => { width: number; height: number } | null;
      send: (frame: FrameMessage) => void;
      /** While true nothing is sent (the picture is frozen); the camera keeps running. */
      paused: () => boolean;
      onState: (s: SourceState) => void;
    },
  ) {
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.setAttribute('data-testid', 'camera-video');
    this.canvas = document.createElement('canvas');
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this browser cannot draw on a 2D canvas');
    this.ctx = ctx;
  }

  /** Camera frames per second (smoothed). */
  get fps(): number {
    return performance.now() - this.lastFrameAt > 2000 ? 0 : this.fpsValue;
  }

  /** Size of the source picture in pixels. */
  get size(): { width: number; height: number } {
    if (this.image) return { width: this.image.naturalWidth, height: this.image.naturalHeight };
    return { width: this.video.videoWidth, height: this.video.videoHeight };
  }

  async devices(): Promise<CameraDevice[]> {
    if (!navigator.mediaDevices?.enumerateDevices) return [];
    const all = await navigator.mediaDevices.enumerateDevices();
    return all
      .filter((d) => d.kind === 'videoinput')
      .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
  }

  async startCamera(want: { deviceId?: string; width?: number; height?: number } = {}): Promise<void> {
    this.stop();
    this.opts.onState({ kind: 'starting' });
    if (!navigator.mediaDevices?.getUserMedia) {
      this.opts.onState({ kind: 'error', message: 'This page cannot use a camera (it needs a secure origin such as http://127.0.0.1).' });
      return;
    }
    const constraints = (deviceId?: string): MediaTrackConstraints => ({
      width: { ideal: want.width ?? 640 },
      height: { ideal: want.height ?? 480 },
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    });
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: constraints(want.deviceId), audio: false });
    } catch (e) {
      // A remembered camera that is no longer connected: fall back to whichever camera there is.
      const name = (e as { name?: string })?.name;
      const retry = want.deviceId && (name === 'NotFoundError' || name === 'OverconstrainedError');
      try {
        if (!retry) throw e;
        this.stream = await navigator.mediaDevices.getUserMedia({ video: constraints(), audio: false });
      } catch (e2) {
        this.opts.onState({ kind: 'error', message: describeCameraError(e2) });
        return;
      }
    }
    this.video.srcObject = this.stream;
    try {
      await this.video.play();
    } catch (e) {
      this.opts.onState({ kind: 'error', message: `The camera started but its picture cannot be played: ${(e as Error).message}` });
      return;
    }
    const track = this.stream.getVideoTracks()[0];
    this.opts.onState({
      kind: 'camera',
      label: track?.label || 'Camera',
      deviceId: track?.getSettings().deviceId ?? '',
      width: this.video.videoWidth,
      height: this.video.videoHeight,
    });
    this.running = true;
    this.scheduleVideo();
  }

  /** Uses a still image as the source (no camera needed); it is sent ten times a second. */
  async startImage(file: File): Promise<void> {
    this.stop();
    const img = new Image();
    img.src = URL.createObjectURL(file);
    try {
      await img.decode();
    } catch {
      this.opts.onState({ kind: 'error', message: `${file.name} is not an image this browser can read.` });
      return;
    }
    this.image = img;
    this.opts.onState({ kind: 'image', name: file.name, width: img.naturalWidth, height: img.naturalHeight });
    this.running = true;
    this.imageTimer = setInterval(() => this.capture(), 100);
  }

  stop(): void {
    this.running = false;
    if (this.imageTimer) clearInterval(this.imageTimer);
    this.imageTimer = null;
    if (this.image) URL.revokeObjectURL(this.image.src);
    this.image = null;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
    this.video.srcObject = null;
  }

  private scheduleVideo(): void {
    if (!this.running || this.image) return;
    const v = this.video as VideoWithFrameCallback;
    // A callback per decoded video frame where the browser has one; otherwise once per display frame.
    if (v.requestVideoFrameCallback) {
      v.requestVideoFrameCallback(() => {
        this.capture();
        this.scheduleVideo();
      });
    } else {
      requestAnimationFrame(() => {
        this.capture();
        this.scheduleVideo();
      });
    }
  }

  /** Sends an earlier crop again as a new frame (a frozen picture re-run for new panels); returns its id. */
  resend(img: CropImage): number {
    const id = this.nextId++;
    this.crops.put(id, img);
    this.opts.send({ id, t: performance.now(), width: img.width, height: img.height, rgba: img.rgba });
    return id;
  }

  /** Cuts the crop out of the current picture, scales it and sends it. */
  private capture(): void {
    const now = performance.now();
    if (this.lastFrameAt > 0) {
      const inst = 1000 / Math.max(1, now - this.lastFrameAt);
      this.fpsValue = this.fpsValue === 0 ? inst : this.fpsValue * 0.9 + inst * 0.1;
    }
    this.lastFrameAt = now;
    const out = this.opts.outSize();
    const { width: vw, height: vh } = this.size;
    if (!out || !(vw > 0 && vh > 0) || this.opts.paused()) return;
    const r = cropRectPx(this.opts.crop(), vw, vh);
    if (this.canvas.width !== out.width || this.canvas.height !== out.height) {
      this.canvas.width = out.width;
      this.canvas.height = out.height;
    }
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.imageSmoothingQuality = 'medium';
    this.ctx.drawImage(this.image ?? this.video, r.x, r.y, r.size, r.size, 0, 0, out.width, out.height);
    const pixels = this.ctx.getImageData(0, 0, out.width, out.height).data;
    const rgba = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    const id = this.nextId++;
    this.crops.put(id, { width: out.width, height: out.height, rgba });
    this.opts.send({ id, t: now, width: out.width, height: out.height, rgba });
  }
}
