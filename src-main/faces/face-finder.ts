// The face finder: MTCNN's first two stages (Zhang et al. 2016) on the authors' Caffe models,
// converted by ConvScope's own Caffe importer and run with onnxruntime-node on the CPU. P-Net scans an
// image pyramid for 12-pixel face windows; R-Net re-scores and refines each candidate from a 24×24
// crop. The third stage (O-Net, which adds the five landmarks) is not shipped: R-Net re-checks its own
// refined boxes instead (see `confirm`), and there are no landmarks.
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import type { FaceBox, FaceFinderSettings } from '../../src-shared/contract';
import { importCaffe } from '../importers/caffe';
import { boxArea, regressed, squared, type Box } from './boxes';
import { nms } from './nms';
import { Picture } from './picture';
import { proposals } from './proposals';
import { pyramidScales } from './pyramid';

/** Overlap above which candidates are merged: within one pyramid level, across levels, after R-Net. */
const NMS_LEVEL = 0.5;
const NMS_ALL = 0.7;
const NMS_REFINED = 0.7;
const NMS_CONFIRMED = 0.5;
/** Score R-Net must give its own refined box (see `confirm`). */
const CONFIRM = 0.99;
/** R-Net's input side. */
const RNET_SIZE = 24;
/** Candidates per R-Net run (bounds the batch's memory when low thresholds let many through). */
const RNET_BATCH = 256;

export interface FoundFaces {
  /** Largest first; fractions of the picture's width and height (a box may reach past an edge). */
  faces: FaceBox[];
  /** Time `find` took. */
  ms: number;
}

interface Net {
  session: Ort.InferenceSession;
  input: string;
  prob: string;
  reg: string;
}

/** Checks the settings a frame brings; the message names the field. */
export function checkFinderSettings(s: FaceFinderSettings): void {
  if (typeof s.minFace !== 'number' || !(s.minFace > 0) || !Number.isFinite(s.minFace)) {
    throw new Error(`minFace must be a positive fraction of the shorter side, got ${String(s.minFace)}`);
  }
  if (!Array.isArray(s.thresholds) || s.thresholds.length !== 2 || !s.thresholds.every((t) => typeof t === 'number' && t >= 0 && t <= 1)) {
    throw new Error(`thresholds must be two numbers between 0 and 1, got ${JSON.stringify(s.thresholds)}`);
  }
}

async function loadNet(ort: typeof Ort, dir: string, name: string, outputs: { prob: string; reg: string }): Promise<Net> {
  const prototxt = join(dir, `${name}.prototxt`);
  const model = await importCaffe({ prototxt, caffemodel: join(dir, `${name}.caffemodel`) });
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model.onnx, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      // The networks are small: one thread avoids contention with the classifier and the UI.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
  } catch (e) {
    throw new Error(`${prototxt}: onnxruntime cannot load the converted net (${(e as Error).message.split('\n')[0]})`);
  }
  for (const out of [outputs.prob, outputs.reg]) {
    if (!session.outputNames.includes(out)) {
      await session.release();
      throw new Error(`${prototxt}: expected an output '${out}' (has ${session.outputNames.join(', ')})`);
    }
  }
  return { session, input: session.inputNames[0], ...outputs };
}

export class FaceFinder {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly pnet: Net,
    private readonly rnet: Net,
  ) {}

  /** Loads det1 (P-Net) and det2 (R-Net) .prototxt + .caffemodel from `dir`; errors name the file. */
  static async load(dir: string): Promise<FaceFinder> {
    const ort = (await import('onnxruntime-node')) as typeof Ort;
    const pnet = await loadNet(ort, dir, 'det1', { prob: 'prob1', reg: 'conv4-2' });
    try {
      const rnet = await loadNet(ort, dir, 'det2', { prob: 'prob1', reg: 'conv5-2' });
      return new FaceFinder(ort, pnet, rnet);
    } catch (e) {
      await pnet.session.release();
      throw e;
    }
  }

  /** The faces in an RGBA picture, largest first. */
  async find(rgba: Uint8Array, width: number, height: number, settings: FaceFinderSettings): Promise<FoundFaces> {
    const t0 = performance.now();
    checkFinderSettings(settings);
    const picture = new Picture(width, height, rgba);
    const candidates = await this.propose(picture, settings.minFace * Math.min(width, height), settings.thresholds[0]);
    const refined = candidates.length ? await this.refine(picture, candidates, settings.thresholds[1]) : [];
    const confirmed = refined.length ? await this.confirm(picture, refined, settings.thresholds[1]) : [];
    const faces = confirmed
      .sort((a, b) => boxArea(b) - boxArea(a))
      .map((b) => ({ x: b.x1 / width, y: b.y1 / height, w: (b.x2 - b.x1) / width, h: (b.y2 - b.y1) / height, score: b.score }));
    return { faces, ms: performance.now() - t0 };
  }

  /** Stage 1: P-Net over the pyramid → merged, regressed, squared candidates. */
  private async propose(picture: Picture, minFacePx: number, threshold: number): Promise<Box[]> {
    const { width, height } = picture;
    let all: Box[] = [];
    for (const scale of pyramidScales(width, height, minFacePx)) {
      const sw = Math.ceil(width * scale);
      const sh = Math.ceil(height * scale);
      const data = new Float32Array(3 * sw * sh);
      picture.sample(0, 0, width, height, sw, sh, data);
      const out = await this.pnet.session.run({ [this.pnet.input]: new this.ort.Tensor('float32', data, [1, 3, sw, sh]) });
      const prob = out[this.pnet.prob];
      const reg = out[this.pnet.reg];
      const [, , sx, sy] = prob.dims;
      const plane = sx * sy;
      // Channel 1 of the softmax is "face".
      const faceProb = (prob.data as Float32Array).subarray(plane, 2 * plane);
      const level = proposals({ prob: faceProb, reg: reg.data as Float32Array, sx, sy }, sw / width, sh / height, threshold);
      all = all.concat(nms(level, NMS_LEVEL));
    }
    return nms(all, NMS_ALL).map((b) => squared(regressed(b)));
  }

  /** R-Net's face probability and regression for each box, from a 24×24 crop of it. */
  private async rescore(picture: Picture, boxes: readonly Box[]): Promise<Box[]> {
    const plane = 3 * RNET_SIZE * RNET_SIZE;
    const out: Box[] = [];
    for (let start = 0; start < boxes.length; start += RNET_BATCH) {
      const batch = boxes.slice(start, start + RNET_BATCH);
      const data = new Float32Array(batch.length * plane);
      batch.forEach((b, n) => picture.sample(b.x1, b.y1, b.x2, b.y2, RNET_SIZE, RNET_SIZE, data, n * plane));
      const res = await this.rnet.session.run({ [this.rnet.input]: new this.ort.Tensor('float32', data, [batch.length, 3, RNET_SIZE, RNET_SIZE]) });
      const prob = res[this.rnet.prob].data as Float32Array;
      const reg = res[this.rnet.reg].data as Float32Array;
      batch.forEach((b, n) => out.push({ ...b, score: prob[n * 2 + 1], reg: [reg[n * 4], reg[n * 4 + 1], reg[n * 4 + 2], reg[n * 4 + 3]] }));
    }
    return out;
  }

  /** Stage 2: R-Net on the candidates → re-scored, merged, regressed, squared faces. */
  private async refine(picture: Picture, candidates: readonly Box[], threshold: number): Promise<Box[]> {
    const scored = await this.rescore(picture, candidates.filter((b) => b.x2 > b.x1 && b.y2 > b.y1));
    return nms(scored.filter((b) => b.score >= threshold), NMS_REFINED).map((b) => squared(regressed(b)));
  }

  /**
   * In place of O-Net: R-Net looks again at its own refined box. On the test photos R-Net alone
   * passes dog and cat faces and hands with 0.9–0.98 on this second look, while human faces it has
   * centred score 0.997 or more; the boxes it confirms are refined once more, overlapping ones merged.
   */
  private async confirm(picture: Picture, faces: readonly Box[], threshold: number): Promise<Box[]> {
    const scored = await this.rescore(picture, faces);
    return nms(scored.filter((b) => b.score >= Math.max(CONFIRM, threshold)).map((b) => squared(regressed(b))), NMS_CONFIRMED);
  }

  async release(): Promise<void> {
    await this.pnet.session.release();
    await this.rnet.session.release();
  }
}
