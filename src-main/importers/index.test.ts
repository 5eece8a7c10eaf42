import { describe, expect, it } from 'vitest';
import { classifyModelFiles } from './index';

describe('model file dispatch', () => {
  it('recognises each format by extension', () => {
    expect(classifyModelFiles(['/m/net.onnx'])).toEqual({ format: 'onnx', model: '/m/net.onnx' });
    expect(classifyModelFiles(['/m/w.caffemodel', '/m/deploy.prototxt'])).toEqual({ format: 'caffe', prototxt: '/m/deploy.prototxt', caffemodel: '/m/w.caffemodel' });
    expect(classifyModelFiles(['/m/deploy.prototxt', '/m/w.caffemodel', '/m/mean.binaryproto'])).toMatchObject({ format: 'caffe', mean: '/m/mean.binaryproto' });
    expect(classifyModelFiles(['/m/gender.H5'])).toEqual({ format: 'keras', model: '/m/gender.H5' });
    expect(classifyModelFiles(['/m/net.onnx', '/m/net.json'])).toEqual({ format: 'onnx', model: '/m/net.onnx' });
  });

  it('says what is missing or extra', () => {
    expect(() => classifyModelFiles(['/m/deploy.prototxt'])).toThrow('deploy.prototxt: a Caffe net also needs its trained weights (.caffemodel)');
    expect(() => classifyModelFiles(['/m/w.caffemodel'])).toThrow('w.caffemodel: a Caffe model also needs its deploy .prototxt');
    expect(() => classifyModelFiles(['/m/a.onnx', '/m/b.onnx'])).toThrow('several .onnx files given (a.onnx, b.onnx); open one model at a time');
    expect(() => classifyModelFiles(['/m/photo.jpg'])).toThrow(/^photo\.jpg: not a model file ConvScope can open/);
    expect(() => classifyModelFiles([])).toThrow('no model file given');
  });
});
