// Writes the digits video for the fake camera once (it is deterministic; kept between runs).
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { firstOfEachClass, loadMnistTest } from './support/mnist';
import { artifactsDir, digitsVideo, videoDir } from './support/paths';
import { CAMERA, DIGIT_VIDEO, digitFrames } from './support/scene';
import { writeY4m } from './support/y4m';

export default function globalSetup(): void {
  mkdirSync(artifactsDir, { recursive: true });
  mkdirSync(videoDir, { recursive: true });
  if (existsSync(digitsVideo)) return;
  const set = loadMnistTest();
  const tmp = `${digitsVideo}.${process.pid}.tmp`;
  const n = writeY4m(tmp, CAMERA.width, CAMERA.height, DIGIT_VIDEO.fps, digitFrames(set, firstOfEachClass(set)));
  renameSync(tmp, digitsVideo);
  console.log(`fake camera: ${digitsVideo} (${n} frames)`);
}
