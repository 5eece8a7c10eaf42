// A small hand-described model for layout tests that do not need a real network (grid placement,
// file validation, subscription merging). Default-layout tests use real models instead.
import type { LayerInfo, ModelInfo } from '../../../../src-shared/contract';

export function smallModel(): ModelInfo {
  const shapes: [string, string, number[]][] = [
    ['conv1', 'Conv', [20, 24, 24]],
    ['pool1', 'MaxPool', [20, 12, 12]],
    ['conv2', 'Conv', [50, 8, 8]],
    ['pool2', 'MaxPool', [50, 4, 4]],
    ['ip1', 'Gemm', [500]],
    ['relu1', 'Relu', [500]],
    ['ip2', 'Gemm', [10]],
    ['prob', 'Softmax', [10]],
  ];
  const layers: LayerInfo[] = shapes.map(([name, op, shape], index) => ({ name, op, shape, kind: shape.length === 3 ? 'maps' : 'vector', index }));
  return {
    id: 'small',
    name: 'Small LeNet-like',
    format: 'onnx',
    manifest: {
      id: 'small',
      name: 'Small LeNet-like',
      format: 'onnx',
      files: { model: 'small.onnx' },
      input: { shape: [1, 1, 28, 28], layout: 'NCHW' },
      preprocess: { colour: 'gray', digit: true },
      labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    },
    labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    input: { c: 1, h: 28, w: 28 },
    layers,
    provider: 'cpu',
    source: 'bundled',
  };
}
