#!/usr/bin/python3
"""Per-layer reference activations for the Caffe importer tests.

An independent implementation computes every layer: OpenCV's DNN module (Debian python3-opencv,
4.6) reading the original Caffe files, with layer fusion disabled and the plain OpenCV backend, so
`net.forward(names)` returns each layer's own output (in-place layers included: OpenCV keeps
"conv1" pre-ReLU and "relu1" post-ReLU). Where OpenCV departs from Caffe's semantics, the layer is
compared against a numpy implementation of Caffe's definition instead (see `numpy_checks`).

Writes src-main/importers/caffe/golden/<model>/{meta.json, input.npy, <layer>.npy}. Large tensors
are sampled (every `stride`-th element, stride prime, and max|ref| of the full tensor is kept) so
the committed files stay small. Run: /usr/bin/python3 scripts/golden/caffe_golden.py
"""
import json
import os
import re
import struct
import sys
import tempfile

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(os.path.dirname(ROOT), 'shared', 'data')
CAFFE = os.path.join(DATA, 'caffe')
OUT = os.path.join(ROOT, 'src-main', 'importers', 'caffe', 'golden')
CAP = 4096  # elements kept per layer before sampling


# ---------------------------------------------------------------- deterministic "random" numbers
# Integer-only hash (identical in src-main/importers/caffe/testing/synthetic.ts): values are
# k / 2^23 - 1 for a 24-bit k, times a power-of-two scale, so float32 results are bit-identical.
def hash32(x):
    x = x.astype(np.uint32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x7FEB352D)
    x ^= x >> np.uint32(15)
    x *= np.uint32(0x846CA68B)
    x ^= x >> np.uint32(16)
    return x


def synthetic(seed, n, scale):
    i = (np.arange(n, dtype=np.uint64) + np.uint64((seed * 0x9E3779B9) & 0xFFFFFFFF)) & np.uint64(0xFFFFFFFF)
    k = hash32(i.astype(np.uint32)) >> np.uint32(8)
    u = (k.astype(np.float32) - np.float32(2 ** 23)) / np.float32(2 ** 23)
    return (u * np.float32(scale)).astype(np.float32)


# ---------------------------------------------------------------- minimal caffemodel writer
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_len(num, payload):
    return varint((num << 3) | 2) + varint(len(payload)) + payload


def field_varint(num, v):
    return varint(num << 3) + varint(v)


def blob_bytes(arr, v1):
    data = field_len(5, arr.astype('<f4').tobytes())
    if v1:  # legacy num/channels/height/width
        dims = [1] * (4 - arr.ndim) + list(arr.shape)
        return b''.join(field_varint(i + 1, d) for i, d in enumerate(dims)) + data
    shape = field_len(1, b''.join(varint(d) for d in arr.shape))
    return field_len(7, shape) + data


def caffemodel_bytes(layers, v1):
    """layers: [(name, [np arrays])] → NetParameter with V1 `layers` (2) or V2 `layer` (100)."""
    out = b''
    for name, blobs in layers:
        body = field_len(4 if v1 else 1, name.encode())
        for b in blobs:
            body += field_len(6 if v1 else 7, blob_bytes(b, v1))
        out += field_len(2 if v1 else 100, body)
    return out


# ---------------------------------------------------------------- golden writing
def sanitize(name):
    return re.sub(r'[^A-Za-z0-9_.-]', '_', name)


def next_prime(n):
    n = max(2, n)
    while any(n % p == 0 for p in range(2, int(n ** 0.5) + 1)):
        n += 1
    return n


def save_npy(path, arr):
    np.save(path, np.ascontiguousarray(arr, dtype=np.float32))


def write_layers(model_dir, outputs):
    """outputs: [(our layer name, reference array)] → npy files + meta entries."""
    entries = []
    for name, ref in outputs:
        ref = np.asarray(ref, dtype=np.float32)
        flat = ref.reshape(-1)
        stride = 1 if flat.size <= CAP else next_prime(-(-flat.size // CAP))
        file = sanitize(name) + '.npy'
        save_npy(os.path.join(model_dir, file), flat[::stride])
        entries.append({
            'name': name, 'file': file, 'shape': list(ref.shape), 'stride': stride,
            'maxAbs': float(np.max(np.abs(flat))) if flat.size else 0.0,
        })
    return entries


def opencv_net(prototxt, caffemodel):
    net = cv2.dnn.readNetFromCaffe(prototxt, caffemodel)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    net.enableFusion(False)
    return net


def run_opencv(prototxt, caffemodel, x, names):
    net = opencv_net(prototxt, caffemodel)
    net.setInput(x)
    outs = net.forward(names)
    return dict(zip(names, [np.array(o) for o in outs]))


def case(model, prototxt, caffemodel, x, layer_names, extra=None, note=None, input_file=True, sub=''):
    """One golden set: OpenCV outputs for `layer_names` (our names = OpenCV layer names unless
    mapped by `extra`, a callable (outputs) → [(our name, array)] for layers computed otherwise)."""
    model_dir = os.path.join(OUT, model, sub) if sub else os.path.join(OUT, model)
    os.makedirs(model_dir, exist_ok=True)
    outs = run_opencv(prototxt, caffemodel, x, layer_names)
    pairs = [(n, outs[n]) for n in layer_names]
    if extra:
        pairs = extra(outs, pairs)
    meta = {
        'generator': f'OpenCV {cv2.__version__} DNN (fusion off, OpenCV backend), scripts/golden/caffe_golden.py',
        'inputShape': list(x.shape),
        'layers': write_layers(model_dir, pairs),
    }
    if input_file:
        save_npy(os.path.join(model_dir, 'input.npy'), x)
        meta['input'] = 'input.npy'
    if note:
        meta['note'] = note
    with open(os.path.join(model_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print(f'{model}/{sub}: {len(pairs)} layers, input {x.shape}')
    return outs


# ---------------------------------------------------------------- numpy Caffe semantics
def caffe_pool(x, method, k, s, p):
    """Caffe's PoolingLayer forward (ceil rounding, last window dropped when it starts in the
    padding, AVE divisor = window clipped to input+padding)."""
    n, c, h, w = x.shape

    def size(d):
        o = int(np.ceil((d + 2 * p - k) / s)) + 1
        if p > 0 and (o - 1) * s >= d + p:
            o -= 1
        return o
    oh, ow = size(h), size(w)
    out = np.zeros((n, c, oh, ow), np.float64)
    for i in range(oh):
        for j in range(ow):
            hs, ws = i * s - p, j * s - p
            he, we = min(hs + k, h + p), min(ws + k, w + p)
            area = (he - hs) * (we - ws)
            hs0, ws0, he0, we0 = max(hs, 0), max(ws, 0), min(he, h), min(we, w)
            win = x[:, :, hs0:he0, ws0:we0]
            out[:, :, i, j] = win.max(axis=(2, 3)) if method == 'MAX' else win.sum(axis=(2, 3)) / area
    return out.astype(np.float32)


def caffe_lrn_within(x, size, alpha, beta):
    """Caffe WITHIN_CHANNEL LRN: x · (1 + α/n² · Σ_{n×n, zero padded} x²)^−β."""
    pad = (size - 1) // 2
    sq = np.pad(x.astype(np.float64) ** 2, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    h, w = x.shape[2:]
    acc = np.zeros_like(x, dtype=np.float64)
    for dy in range(size):
        for dx in range(size):
            acc += sq[:, :, dy:dy + h, dx:dx + w]
    return (x * (1 + alpha / size ** 2 * acc) ** -beta).astype(np.float32)


def caffe_lrn_across(x, size, alpha, beta, k):
    """Caffe ACROSS_CHANNELS LRN: x · (k + α/n · Σ_{n channels, zero padded} x²)^−β."""
    pad = (size - 1) // 2
    sq = np.pad(x.astype(np.float64) ** 2, ((0, 0), (pad, pad), (0, 0), (0, 0)))
    acc = sum(sq[:, i:i + x.shape[1]] for i in range(size))
    return (x * (k + alpha / size * acc) ** -beta).astype(np.float32)


def check_close(what, ours, ref):
    err = float(np.max(np.abs(ours - ref)) / max(np.max(np.abs(ref)), 1e-30))
    print(f'  numpy vs OpenCV {what}: rel {err:.2e}')
    return err


# ---------------------------------------------------------------- models
def mnist_first(n):
    import gzip
    with gzip.open(os.path.join(DATA, 'mnist', 't10k-images-idx3-ubyte.gz')) as f:
        raw = f.read()
    return np.frombuffer(raw, np.uint8, count=n * 784, offset=16).reshape(n, 1, 28, 28).astype(np.float32)


def lenet():
    d = os.path.join(CAFFE, 'lenet')
    x = mnist_first(10) * np.float32(0.00390625)
    names = ['conv1', 'pool1', 'conv2', 'pool2', 'ip1', 'relu1', 'ip2', 'loss']
    case('lenet', os.path.join(d, 'mnist_deploy.prototxt'), os.path.join(d, 'lenet_iter_10000.caffemodel'), x, names,
         note='first 10 MNIST t10k images × 1/256')


def cifar():
    d = os.path.join(CAFFE, 'cifar10_quick')
    # OpenCV cannot run the train-style file (IMAGE_DATA head, ACCURACY/SOFTMAX_LOSS/ARGMAX): give
    # it the same layers behind a plain input; ConvScope converts the original file.
    txt = open(os.path.join(d, 'prediction_example.prototxt')).read()
    blocks = re.split(r'\n(?=layers\s*\{|layers\s*\n\{)', txt)
    keep = [b for b in blocks[1:] if not re.search(r'type: (IMAGE_DATA|ACCURACY|SOFTMAX_LOSS|ARGMAX)', b)]
    deploy = 'name: "cifar10_quick"\ninput: "data"\ninput_dim: 3\ninput_dim: 3\ninput_dim: 32\ninput_dim: 32\n' + '\n'.join(keep)
    tmp = tempfile.NamedTemporaryFile('w', suffix='.prototxt', delete=False)
    tmp.write(deploy)
    tmp.close()
    imgs = []
    for f in ['cat10.png', 'dog10.png', 'truck10.png']:
        bgr = cv2.imread(os.path.join(d, f), cv2.IMREAD_COLOR).astype(np.float32)
        rgb = bgr[:, :, ::-1].transpose(2, 0, 1)  # the net was trained on R, G, B planes
        imgs.append(rgb - np.array([125.3, 123.0, 113.9], np.float32)[:, None, None])
    x = np.stack(imgs).astype(np.float32)
    names = ['conv1', 'pool1', 'relu1', 'conv2', 'relu2', 'pool2', 'conv3', 'relu3', 'pool3', 'ip1', 'ip2', 'prob']
    outs = case('cifar10_quick', tmp.name, os.path.join(d, 'cifar10_quick_iter_5000.caffemodel'), x, names,
                note='cat10, dog10, truck10 as RGB planes minus (125.3, 123.0, 113.9)')
    check_close('cifar pool2 (AVE, ceil overhang)', caffe_pool(outs['relu2'], 'AVE', 3, 2, 0), outs['pool2'])
    check_close('cifar pool3 (AVE, ceil overhang)', caffe_pool(outs['relu3'], 'AVE', 3, 2, 0), outs['pool3'])
    os.unlink(tmp.name)


def face_crop(size_hw):
    img = cv2.imread(os.path.join(DATA, 'faces', 'obama_small.jpg'), cv2.IMREAD_COLOR)
    face = img[40:190, 90:240]  # roughly the face in this 320×240 photo
    h, w = size_hw
    # MTCNN: RGB, (x − 127.5) · 0.0078125, and H/W transposed (MATLAB-trained): resize to (w, h)
    # in image terms, then transpose so the tensor is h × w.
    r = cv2.resize(face, (h, w), interpolation=cv2.INTER_AREA)[:, :, ::-1].astype(np.float32)
    t = ((r - 127.5) * 0.0078125).transpose(2, 1, 0)
    return t[None].astype(np.float32)


def mtcnn():
    d = os.path.join(CAFFE, 'mtcnn')
    pnet = ['conv1', 'PReLU1', 'pool1', 'conv2', 'PReLU2', 'conv3', 'PReLU3', 'conv4-1', 'conv4-2', 'prob1']
    rnet = ['conv1', 'prelu1', 'pool1', 'conv2', 'prelu2', 'pool2', 'conv3', 'prelu3', 'conv4', 'prelu4', 'conv5-1', 'conv5-2', 'prob1']
    for sub, hw in [('12x12', (12, 12)), ('37x29', (37, 29))]:
        case('mtcnn_pnet', os.path.join(d, 'det1.prototxt'), os.path.join(d, 'det1.caffemodel'), face_crop(hw), pnet, sub=sub)
    # R-Net ends in fully connected layers; 23×25 reaches the same 3×3 conv3 output as 24×24.
    for sub, hw in [('24x24', (24, 24)), ('23x25', (23, 25))]:
        case('mtcnn_rnet', os.path.join(d, 'det2.prototxt'), os.path.join(d, 'det2.caffemodel'), face_crop(hw), rnet, sub=sub)


def pow2_scale(fan_in):
    return float(2.0 ** -round(np.log2(np.sqrt(fan_in))))


def gender():
    d = os.path.join(CAFFE, 'gender_net')
    spec = [  # (layer, weight shape, fan-in); V1 blobs, weights then bias
        ('conv1', [96, 3, 7, 7], 3 * 49), ('conv2', [256, 96, 5, 5], 96 * 25), ('conv3', [384, 256, 3, 3], 256 * 9),
        ('fc6', [512, 18816], 18816), ('fc7', [512, 512], 512), ('fc8', [2, 512], 512),
    ]
    weights = []
    layers_meta = []
    for i, (name, shape, fan) in enumerate(spec):
        n = int(np.prod(shape))
        ws, bs = pow2_scale(fan) * 2, 0.125
        w = synthetic(100 + 2 * i, n, ws).reshape(shape)
        b = synthetic(101 + 2 * i, shape[0], bs)
        weights.append((name, [w, b]))
        layers_meta.append({'name': name, 'blobs': [
            {'shape': shape, 'seed': 100 + 2 * i, 'scale': ws}, {'shape': [shape[0]], 'seed': 101 + 2 * i, 'scale': bs}]})
    model_dir = os.path.join(OUT, 'gender_net')
    os.makedirs(model_dir, exist_ok=True)
    tmp = tempfile.NamedTemporaryFile(suffix='.caffemodel', delete=False)
    tmp.write(caffemodel_bytes(weights, v1=True))
    tmp.close()
    x = synthetic(7, 3 * 227 * 227, 128.0).reshape(1, 3, 227, 227)
    names = ['conv1', 'relu1', 'pool1', 'norm1', 'conv2', 'relu2', 'pool2', 'norm2', 'conv3', 'relu3', 'pool5',
             'fc6', 'relu6', 'drop6', 'fc7', 'relu7', 'drop7', 'fc8', 'prob']
    case('gender_net', os.path.join(d, 'deploy_gender.prototxt'), tmp.name, x, names, input_file=False,
         note='random V1 weights and input from the integer hash (see weights in meta.json)')
    meta_path = os.path.join(model_dir, 'meta.json')
    meta = json.load(open(meta_path))
    meta['weights'] = {'format': 'V1', 'layers': layers_meta}
    meta['syntheticInput'] = {'seed': 7, 'scale': 128.0}
    json.dump(meta, open(meta_path, 'w'), indent=1)
    os.unlink(tmp.name)


def v2net():
    model_dir = os.path.join(OUT, 'v2net')
    proto = os.path.join(model_dir, 'v2net.prototxt')
    seed = [200]

    def rnd(shape, scale):
        seed[0] += 1
        return synthetic(seed[0], int(np.prod(shape)), scale).reshape(shape)
    weights = [
        ('conv1', [rnd([8, 3, 3, 3], 0.25), rnd([8], 0.125)]),
        # BatchNorm stores running sums and a scale factor: mean·f, var·f, f (f = 2 here).
        ('bn1', [rnd([8], 0.5) * 2, (np.abs(rnd([8], 1.0)) + 0.25) * 2, np.array([2.0], np.float32)]),
        ('scale1', [rnd([8], 1.0) + 1, rnd([8], 0.5)]),
        ('prelu1', [rnd([8], 0.5)]),
        ('gconv', [rnd([8, 4, 3, 3], 0.25), rnd([8], 0.125)]),
        ('deconv', [rnd([8, 6, 4, 4], 0.25), rnd([6], 0.125)]),
        ('bias', [rnd([4], 0.5)]),
        ('scale_nb', [rnd([4], 2.0)]),
        ('fc', [rnd([5, 4], 1.0), rnd([5], 0.25)]),
    ]
    model = os.path.join(model_dir, 'v2net.caffemodel')
    with open(model, 'wb') as f:
        f.write(caffemodel_bytes(weights, v1=False))
    names = ['conv1', 'bn1', 'scale1', 'prelu1', 'pool_max', 'pool_ave', 'sum', 'prod', 'emax', 'concat', 'gconv', 'leaky',
             'lrn_within', 'lrn_across', 'deconv', 'crop', 'slice', 'sigmoid', 'elu', 'tanh', 'absval', 'power', 'log', 'exp',
             'bnll', 'bias', 'scale_nb', 'permute', 'gpool', 'flatten', 'fc', 'drop', 'reshape', 'softmax']

    def extra(outs, pairs):
        res = []
        for n, a in pairs:
            if n == 'slice':  # OpenCV returns a layer's first top only; the second is a numpy slice
                res.append(('slice/slice_a', a))
                res.append(('slice/slice_b', outs['crop'][:, 2:]))
            elif n == 'lrn_within':
                # Checked against Caffe's definition; OpenCV agrees (k = 1 here), see the printout.
                ref = caffe_lrn_within(outs['leaky'], 3, 0.5, 0.75)
                check_close('v2net lrn_within', ref, a)
                res.append((n, ref))
            elif n == 'lrn_across':
                check_close('v2net lrn_across (k = 2)', caffe_lrn_across(outs['lrn_within'], 5, 0.3, 0.75, 2.0), a)
                res.append((n, a))
            elif n == 'log':
                check_close('v2net log (Caffe log_2(0.5 + 1.5x))', (np.log(0.5 + 1.5 * outs['power'].astype(np.float64)) / np.log(2)).astype(np.float32), a)
                res.append((n, a))
            elif n in ('pool_max', 'pool_ave'):
                ref = caffe_pool(outs['prelu1'], 'MAX' if n == 'pool_max' else 'AVE', 3 if n == 'pool_ave' else 2, 2, 1)
                check_close(f'v2net {n}', ref, a)
                res.append((n, ref))
            else:
                res.append((n, a))
        return res
    # OpenCV 4.6 has no Bias layer: it runs the same net with that layer written as the equivalent
    # Scale(bias_term, scale = 1). ConvScope converts the original file.
    text = open(proto).read()
    bias_line = 'layer { name: "bias" type: "Bias" bottom: "bnll" top: "bias" }'
    assert bias_line in text
    # OpenCV 4.6's Log ignores base/scale/shift (it computes ln x): it gets Caffe's definition
    # log_2(0.5 + 1.5·x) spelled out as Power → Log → Power; the result is also checked against numpy.
    log_line = 'layer { name: "log" type: "Log" bottom: "power" top: "log" log_param { base: 2 scale: 1.5 shift: 0.5 } }'
    assert log_line in text
    log_parts = (
        'layer { name: "log_affine" type: "Power" bottom: "power" top: "log_affine" power_param { scale: 1.5 shift: 0.5 } }\n'
        'layer { name: "log_ln" type: "Log" bottom: "log_affine" top: "log_ln" }\n'
        f'layer {{ name: "log" type: "Power" bottom: "log_ln" top: "log" power_param {{ scale: {1 / np.log(2):.9g} }} }}'
    )
    # OpenCV 4.6 also ignores LRN's k (uses 1): x·(k + α/n·Σx²)^−β = k^−β · x·(1 + (α/k)/n·Σx²)^−β,
    # so it runs LRN(α/k) → Power(scale k^−β); numpy checks the result against Caffe's formula.
    lrn_line = 'layer { name: "lrn_across" type: "LRN" bottom: "lrn_within" top: "lrn_across" lrn_param { local_size: 5 alpha: 0.3 beta: 0.75 k: 2 } }'
    assert lrn_line in text
    lrn_parts = (
        'layer { name: "lrn_k1" type: "LRN" bottom: "lrn_within" top: "lrn_k1" lrn_param { local_size: 5 alpha: 0.15 beta: 0.75 } }\n'
        f'layer {{ name: "lrn_across" type: "Power" bottom: "lrn_k1" top: "lrn_across" power_param {{ scale: {2 ** -0.75:.9g} }} }}'
    )
    text = text.replace(lrn_line, lrn_parts)
    cv_proto = tempfile.NamedTemporaryFile('w', suffix='.prototxt', delete=False)
    cv_proto.write(text.replace(bias_line, 'layer { name: "bias" type: "Scale" bottom: "bnll" top: "bias" scale_param { bias_term: true } }')
                   .replace(log_line, log_parts))
    cv_proto.close()
    cv_weights = [(n, [np.ones(4, np.float32), b[0]] if n == 'bias' else b) for n, b in weights]
    cv_model = tempfile.NamedTemporaryFile(suffix='.caffemodel', delete=False)
    cv_model.write(caffemodel_bytes(cv_weights, v1=False))
    cv_model.close()
    for sub, hw in [('17x14', (17, 14)), ('12x15', (12, 15))]:
        x = rnd([1, 3, *hw], 2.0)
        case('v2net', cv_proto.name, cv_model.name, x, names, extra=extra, sub=sub)
    os.unlink(cv_proto.name)
    os.unlink(cv_model.name)


if __name__ == '__main__':
    which = sys.argv[1:] or ['lenet', 'cifar', 'mtcnn', 'gender', 'v2net']
    for w in which:
        globals()[w]()
