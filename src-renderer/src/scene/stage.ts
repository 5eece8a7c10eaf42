// The one WebGL context every visualisation shares.
//
// Design: ONE Pixi WebGL renderer draws into ONE canvas laid over the panel area (the nearest scrolling
// container of the panels, normally the window's workspace), transparent and click-through
// (pointer-events: none). Each panel is a Container in that canvas's stage, kept at its DOM body's
// position. Why not a canvas per panel: browsers cap live WebGL contexts (~16), and sharing one context
// by copying into per-panel canvases (Pixi's multiView, or transferToImageBitmap) forces a pixel
// read-back per panel on a software GL — measured 3–10 ms per panel under SwiftShader, against
// about 1–3 ms for rendering the whole stage once. The canvas sits above panel bodies
// (z-index SCENE_Z_INDEX) and below popovers and dialogs (the window's start at 30).
//
// Drawing is batched: panels mark themselves dirty; one animation-frame pass updates every dirty panel
// and renders the stage once, timing the work (updates + render) for the renderer-cost figure. The
// same pass follows panels that moved (drag, scroll, resize) without any new frame.
import { autoDetectRenderer, Container, type Renderer, type WebGLRenderer } from 'pixi.js';
import { createSignal } from 'solid-js';
import { describeDrawDevice, rendererName, type DrawDevice } from './draw-device';
import { lastFrameDraw, recordRenderCost } from './perf';
import { wallNow } from '../../../src-shared/clock';

/** Above panels (a dragged panel is raised to 20), below the window's popovers (30) and dialogs. */
export const SCENE_Z_INDEX = 25;

declare global {
  interface Window {
    /** GPU textures the scene holds, for the soak test's leak check. */
    __convscopeTextureCount?: () => number;
  }
}

/** GPU textures the scene's renderer holds now (0 before it exists); freed ones leave empty slots. */
export const textureCount = (): number => (renderer as WebGLRenderer | null)?.texture.managedTextures.filter(Boolean).length ?? 0;

let rendererPromise: Promise<Renderer> | null = null;
let renderer: Renderer | null = null;
let canvas: HTMLCanvasElement | null = null;
let maxTextureSize = 4096;

/** The largest texture side the scene uses on this GPU (for activation atlases). */
export const textureLimit = () => maxTextureSize;
const stage = new Container();
const [failure, setFailure] = createSignal<string | null>(null);
const [device, setDevice] = createSignal<DrawDevice | null>(null);

/** What draws the panels (a GPU or a software rasteriser), once the renderer exists. */
export const drawDevice = device;

/** Why the scene cannot draw (no WebGL 2), for the window's error banner. */
export const sceneFailure = failure;

export function sharedRenderer(): Promise<Renderer> {
  rendererPromise ??= (async () => {
    canvas = document.createElement('canvas');
    canvas.dataset.testid = 'scene-canvas';
    canvas.setAttribute('aria-hidden', 'true');
    Object.assign(canvas.style, {
      position: 'fixed',
      left: '0px',
      top: '0px',
      width: '0px',
      height: '0px',
      pointerEvents: 'none',
      zIndex: String(SCENE_Z_INDEX),
    });
    document.body.appendChild(canvas);
    const r = await autoDetectRenderer({
      preference: 'webgl',
      canvas,
      antialias: false,
      backgroundAlpha: 0,
      width: 1,
      height: 1,
      resolution: 1,
      autoDensity: false,
    });
    if (r.name !== 'webgl') {
      throw new Error(`ConvScope needs WebGL 2 to draw its panels; this browser gave a "${r.name}" renderer`);
    }
    renderer = r;
    window.__convscopeTextureCount = textureCount;
    const gl = (r as WebGLRenderer).gl;
    maxTextureSize = Math.min(8192, gl.getParameter(gl.MAX_TEXTURE_SIZE) as number);
    setDevice(describeDrawDevice(rendererName(gl)));
    return r;
  })();
  rendererPromise.catch((e: unknown) => setFailure(e instanceof Error ? e.message : String(e)));
  return rendererPromise;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
const sameBox = (a: Box, b: Box) => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;

/** One panel's part of the scene: a Container kept at its host element's position, sized in CSS px. */
export class SceneView {
  /** A render group: a change inside one panel (new text, new geometry) re-batches that panel only. */
  readonly root = new Container({ isRenderGroup: true });
  width = 0;
  height = 0;
  resolution = 1;
  /** Last known position of the host in page coordinates. */
  box: Box = { x: 0, y: 0, w: 0, h: 0 };

  constructor(readonly host: HTMLElement) {
    stage.addChild(this.root);
    views.add(this);
    startLoop();
  }

  /** Records the body's CSS size (the canvas itself follows the panel area). */
  resize(width: number, height: number, resolution: number): boolean {
    const w = Math.max(0, Math.floor(width));
    const h = Math.max(0, Math.floor(height));
    if (w === this.width && h === this.height && resolution === this.resolution) return false;
    this.width = w;
    this.height = h;
    this.resolution = resolution;
    return true;
  }

  destroy(): void {
    views.delete(this);
    dirty.delete(this);
    stage.removeChild(this.root);
    this.root.destroy({ children: true });
    needRender = true;
  }
}

type Draw = () => void;
const views = new Set<SceneView>();
const dirty = new Map<SceneView, { draw: Draw; frame: boolean }>();
let needRender = false;
let looping = false;
let area: Box = { x: 0, y: 0, w: 0, h: 0 };
let areaResolution = 0;
/** The canvas's resolution as a share of the screen's (1, or ½ to spare a software compositor). */
let drawScale = 1;

/** Draws the scene at `scale` × the screen's resolution from the next animation frame on. */
export function setDrawScale(scale: number): void {
  if (!(scale > 0 && scale <= 1) || scale === drawScale) return;
  drawScale = scale;
  needRender = true;
  startLoop();
}

/**
 * Asks for `view` to be redrawn in the next animation frame. `draw` updates the view's scene objects
 * (texture bytes, sizes, text) just before the render; `frame` marks a redraw caused by new data
 * (an engine result or a camera crop), which is what the per-frame renderer cost counts.
 */
export function requestDraw(view: SceneView, draw: Draw, frame: boolean): void {
  const prev = dirty.get(view);
  dirty.set(view, { draw, frame: frame || (prev?.frame ?? false) });
  startLoop();
}

function startLoop(): void {
  if (looping) return;
  looping = true;
  void sharedRenderer().then(
    () => requestAnimationFrame(tick),
    () => {
      looping = false;
    },
  );
}

/** The element panels scroll in (their nearest scrolling ancestor), or null for the window. */
function scroller(host: HTMLElement): HTMLElement | null {
  for (let el = host.parentElement; el && el !== document.body; el = el.parentElement) {
    const o = getComputedStyle(el).overflowY;
    if (o === 'auto' || o === 'scroll') return el;
  }
  return null;
}

let areaHost: HTMLElement | null = null;
let areaElement: HTMLElement | null = null;

function panelArea(host: HTMLElement): Box {
  if (host !== areaHost || (areaElement && !areaElement.isConnected)) {
    areaHost = host;
    areaElement = scroller(host);
  }
  const el = areaElement;
  if (!el) return { x: 0, y: 0, w: window.innerWidth, h: window.innerHeight };
  const r = el.getBoundingClientRect();
  return { x: Math.round(r.left + el.clientLeft), y: Math.round(r.top + el.clientTop), w: el.clientWidth, h: el.clientHeight };
}

function tick(): void {
  const r = renderer;
  if (!r || !canvas) return;
  if (views.size === 0 && dirty.size === 0) {
    looping = false;
    if (needRender) r.render({ container: stage });
    needRender = false;
    return;
  }
  requestAnimationFrame(tick);
  // Follow the panel area and every panel body (drag, scroll, resize move them without a new frame).
  const first = views.values().next().value as SceneView | undefined;
  const a = first ? panelArea(first.host) : area;
  const dpr = (globalThis.devicePixelRatio || 1) * drawScale;
  if (!sameBox(a, area) || dpr !== areaResolution) {
    area = a;
    areaResolution = dpr;
    canvas.style.left = `${a.x}px`;
    canvas.style.top = `${a.y}px`;
    canvas.style.width = `${a.w}px`;
    canvas.style.height = `${a.h}px`;
    // Below the screen's resolution the compositor enlarges each canvas pixel: as a block, not
    // smoothed. Maps are drawn texel by texel anyway, and Chromium's software compositor enlarges this
    // way far more cheaply (LeNet live, browser mode on SwiftShader: its GPU process 57 → 46 % of a
    // core, median of four A/B rounds).
    canvas.style.imageRendering = drawScale < 1 ? 'pixelated' : '';
    r.resize(Math.max(1, a.w), Math.max(1, a.h), dpr);
    needRender = true;
  }
  for (const v of views) {
    const b = v.host.getBoundingClientRect();
    const box = { x: b.left, y: b.top, w: b.width, h: b.height };
    if (!sameBox(box, v.box)) {
      v.box = box;
      v.root.position.set(box.x - area.x, box.y - area.y);
      v.root.visible = box.w > 0 && box.h > 0;
      needRender = true;
    }
  }
  if (dirty.size === 0 && !needRender) return;
  // Single-channel maps of any width are uploaded straight from their bytes (rows not padded to 4).
  // Set every pass: Pixi only touches this for compressed textures, which the scene never uses.
  const gl = (r as WebGLRenderer).gl;
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  // The renderer cost counts the panels' updates and the render (the brief's "update + render").
  const t0 = performance.now();
  const startedAt = wallNow();
  let frame = false;
  const jobs = [...dirty];
  dirty.clear();
  for (const [, job] of jobs) {
    try {
      job.draw();
    } catch (e) {
      console.error('scene: updating a panel failed', e);
    }
    frame ||= job.frame;
  }
  r.render({ container: stage });
  needRender = false;
  if (frame) {
    const ms = performance.now() - t0;
    recordRenderCost(ms);
    lastFrameDraw.startedAt = startedAt;
    lastFrameDraw.ms = ms;
  }
}
