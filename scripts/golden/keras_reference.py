#!/usr/bin/python3
"""Independent per-layer reference for Keras models: a plain numpy forward pass in Keras's own
layout (NHWC), reading the model with h5py / zipfile / json straight from the file.

It shares no code with ConvScope's TypeScript converter: every layer is computed the direct way
(sliding windows, explicit padding as TensorFlow pads, loops over kernel taps), in float64.

    /usr/bin/python3 scripts/golden/keras_reference.py MODEL INPUT.npy OUT_DIR

MODEL is a Keras 2 .h5/.hdf5, a Keras 3 .keras or a TF.js model.json. INPUT.npy is float32 in the
model's input layout (NHWC, batch first). OUT_DIR gets outputs.f32 (every layer's output, float32,
Keras layout, concatenated) and outputs.json ([{name, type, shape, offset}] in float32 units).
Needs only Debian's python3-numpy and python3-h5py.
"""
import io
import json
import math
import os
import re
import sys
import zipfile

import h5py
import numpy as np


# ---------------------------------------------------------------- reading the three file kinds

def snake(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class Layer:
    def __init__(self, entry, store):
        self.cls = entry["class_name"]
        self.cfg = entry.get("config") or {}
        self.name = entry.get("name") or self.cfg.get("name")
        self.store = store
        self.inputs = []
        self.model = None


def tensors_in(node):
    """[(layer, tensor index)] of one call node, Keras 2 or Keras 3 spelling."""
    out = []
    if isinstance(node, dict):
        def walk(v):
            if isinstance(v, dict):
                if v.get("class_name") == "__keras_tensor__":
                    h = v["config"]["keras_history"]
                    out.append((h[0], h[2]))
                else:
                    for x in v.values():
                        walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
        walk(node.get("args", []))
    else:
        if node and isinstance(node[0], str):
            node = [node]
        for r in node:
            out.append((r[0], r[2] if len(r) > 2 else 0))
    return out


def refs(v):
    if not v:
        return []
    if isinstance(v[0], str):
        return [(v[0], v[2])]
    return [(r[0], r[2]) for r in v]


class Model:
    def __init__(self, spec, prefix):
        cls = spec["class_name"]
        cfg = spec["config"]
        base = (prefix + "/layers") if prefix else "layers"
        used = {}

        def store(c):
            s = snake(c)
            if s in used:
                used[s] += 1
                return "%s/%s_%d" % (base, s, used[s])
            used[s] = 0
            return "%s/%s" % (base, s)

        self.layers = []
        if cls == "Sequential":
            entries = cfg if isinstance(cfg, list) else cfg["layers"]
            for e in entries:
                self.layers.append(self._layer(e, store))
            if self.layers[0].cls != "InputLayer":
                first = self.layers[0].cfg
                shape = first.get("batch_input_shape") or first.get("batch_shape")
                inp = Layer({"class_name": "InputLayer", "config": {"batch_input_shape": shape}, "name": self.layers[0].name + "_input"}, None)
                self.layers.insert(0, inp)
            for a, b in zip(self.layers, self.layers[1:]):
                b.inputs = [(a.name, 0)]
            self.inputs = [(self.layers[0].name, 0)]
            self.outputs = [(self.layers[-1].name, 0)]
        else:
            for e in cfg["layers"]:
                layer = self._layer(e, store)
                nodes = e.get("inbound_nodes") or []
                if nodes:
                    layer.inputs = tensors_in(nodes[0])
                self.layers.append(layer)
            self.inputs = refs(cfg["input_layers"])
            self.outputs = refs(cfg["output_layers"])

    def _layer(self, e, store):
        layer = Layer(e, store(e["class_name"]))
        if layer.cls in ("Sequential", "Functional", "Model"):
            layer.model = Model({"class_name": layer.cls, "config": layer.cfg}, layer.store)
        return layer


VARIABLES = {
    "Dense": ["kernel", "bias"], "Conv2D": ["kernel", "bias"], "Conv2DTranspose": ["kernel", "bias"],
    "SeparableConv2D": ["depthwise_kernel", "pointwise_kernel", "bias"], "DepthwiseConv2D": ["depthwise_kernel", "bias"],
    "BatchNormalization": ["gamma", "beta", "moving_mean", "moving_variance"], "LayerNormalization": ["gamma", "beta"],
    "PReLU": ["alpha"], "Normalization": ["mean", "variance", "count"],
}


def wanted(layer):
    """The variables this layer has, in Keras's order."""
    c = layer.cfg
    names = list(VARIABLES.get(layer.cls, []))
    if "bias" in names and not c.get("use_bias", True):
        names.remove("bias")
    if layer.cls == "BatchNormalization":
        if not c.get("scale", True):
            names.remove("gamma")
        if not c.get("center", True):
            names.remove("beta")
    if layer.cls == "LayerNormalization":
        rms = c.get("rms_scaling", False)
        if not (c.get("scale", True) or rms):
            names.remove("gamma")
        if not c.get("center", True) or rms:
            names.remove("beta")
    if layer.cls == "Normalization" and c.get("mean") is not None:
        names = []
    return names


class H5Weights:
    """Keras 2 .h5: model_weights/<top layer>/<weight name> listed in weight_names."""

    def __init__(self, f):
        self.root = f["model_weights"] if "model_weights" in f else f

    def get(self, path, names):
        g = self.root[path[0].name]
        stored = [n.decode() if isinstance(n, bytes) else n for n in g.attrs["weight_names"]]
        leaf = path[-1].name
        out = {}
        for i, n in enumerate(names):
            hits = [s for s in stored if s.split(":")[0].split("/")[-1] in (n, "kernel" if n == "depthwise_kernel" else n)
                    and (len(path) == 1 or s.split("/")[-2] == leaf)]
            if not hits and len(path) == 1 and len(stored) == len(names):
                hits = [stored[i]]
            out[n] = np.array(g[hits[0]], dtype=np.float64)
        return out


class VarsWeights:
    """Keras 3 model.weights.h5: <layers/snake_case_class[_N]>/vars/<i> by position."""

    def __init__(self, f):
        self.f = f

    def get(self, path, names):
        g = self.f[path[-1].store + "/vars"]
        return {n: np.array(g[str(i)], dtype=np.float64) for i, n in enumerate(names)}


class TfjsWeights:
    def __init__(self, model_json, manifest):
        self.w = {}
        folder = os.path.dirname(model_json)
        for group in manifest:
            data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
            off = 0
            for w in group["weights"]:
                n = int(np.prod(w["shape"])) if w["shape"] else 1
                arr = np.frombuffer(data, dtype="<f4" if w["dtype"] == "float32" else "<i4", count=n, offset=off)
                off += 4 * n
                self.w[w["name"]] = arr.reshape(w["shape"]).astype(np.float64)

    def get(self, path, names):
        leaf = path[-1].name
        out = {}
        for n in names:
            for k, v in self.w.items():
                parts = k.split("/")
                if parts[-2] == leaf and parts[-1] in (n, "kernel" if n == "depthwise_kernel" else n):
                    out[n] = v
        return out


def load(path):
    """(model, weights, keras major version, is_tfjs)."""
    if path.endswith(".json"):
        j = json.load(open(path))
        topo = j["modelTopology"]
        spec = topo.get("model_config", topo)
        return Model(spec, ""), TfjsWeights(path, j["weightsManifest"]), 2, True
    if zipfile.is_zipfile(path):
        z = zipfile.ZipFile(path)
        spec = json.loads(z.read("config.json"))
        f = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
        version = json.loads(z.read("metadata.json")).get("keras_version", "3")
        return Model(spec, ""), VarsWeights(f), int(version.split(".")[0]), False
    f = h5py.File(path, "r")
    cfg = f.attrs["model_config"]
    version = f.attrs.get("keras_version", b"2")
    version = version.decode() if isinstance(version, bytes) else str(version)
    spec = json.loads(cfg.decode() if isinstance(cfg, bytes) else cfg)
    return Model(spec, ""), H5Weights(f), int(version.split(".")[0]), False


# ---------------------------------------------------------------- layers, NHWC, float64

def pair(v):
    return [v, v] if isinstance(v, int) else list(v)


def tf_same(size, window, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def pad_nhwc(x, k, s, padding, value=0.0):
    """Pads as TensorFlow does for 'same' (the odd pixel at the bottom/right)."""
    if padding == "valid":
        return x, np.ones(x.shape[1:3])
    (t, b), (l, r) = tf_same(x.shape[1], k[0], s[0]), tf_same(x.shape[2], k[1], s[1])
    mask = np.pad(np.ones(x.shape[1:3]), ((t, b), (l, r)))
    return np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=value), mask


def windows(x, k, s, d):
    """Yields (i, j, view) for each kernel tap: the input values that tap sees for every output."""
    oh = (x.shape[1] - (k[0] - 1) * d[0] - 1) // s[0] + 1
    ow = (x.shape[2] - (k[1] - 1) * d[1] - 1) // s[1] + 1
    for i in range(k[0]):
        for j in range(k[1]):
            y0, x0 = i * d[0], j * d[1]
            yield i, j, x[:, y0:y0 + (oh - 1) * s[0] + 1:s[0], x0:x0 + (ow - 1) * s[1] + 1:s[1], :]


def conv2d(x, kernel, strides, dilation, padding, groups=1):
    k = kernel.shape[:2]
    eff = [(k[a] - 1) * dilation[a] + 1 for a in range(2)]
    xp, _ = pad_nhwc(x, eff, strides, padding)
    cin = kernel.shape[2]
    outs = []
    for g in range(groups):
        kg = kernel[..., g * (kernel.shape[3] // groups):(g + 1) * (kernel.shape[3] // groups)]
        acc = 0
        for i, j, v in windows(xp[..., g * cin:(g + 1) * cin], k, strides, dilation):
            acc = acc + v @ kg[i, j]
        outs.append(acc)
    return np.concatenate(outs, axis=-1)


def depthwise(x, kernel, strides, dilation, padding):
    k = kernel.shape[:2]
    eff = [(k[a] - 1) * dilation[a] + 1 for a in range(2)]
    xp, _ = pad_nhwc(x, eff, strides, padding)
    m = kernel.shape[3]
    acc = 0
    for i, j, v in windows(xp, k, strides, dilation):
        acc = acc + v[..., :, None] * kernel[i, j][None, None, None]
    return acc.reshape(acc.shape[:3] + (-1,))  # channel c, multiplier q -> c*m + q


def conv_transpose(x, kernel, strides, dilation, padding, output_padding):
    kh, kw, cout, cin = kernel.shape
    n, h, w, _ = x.shape
    eff = [(kernel.shape[a] - 1) * dilation[a] + 1 for a in range(2)]
    sizes, starts = [], []
    for a, size in enumerate((h, w)):
        s, op = strides[a], None if output_padding is None else output_padding[a]
        if padding == "valid":
            o = size * s + max(eff[a] - s, 0) if op is None else (size - 1) * s + eff[a] + op
        else:
            o = size * s if op is None else (size - 1) * s + eff[a] % 2 + op
        full = (size - 1) * s + eff[a]
        starts.append(max(full - o, 0) // 2 if padding == "same" else 0)
        sizes.append(o)
    full = np.zeros((n, (h - 1) * strides[0] + eff[0], (w - 1) * strides[1] + eff[1], cout))
    for i in range(kh):
        for j in range(kw):
            y0, x0 = i * dilation[0], j * dilation[1]
            full[:, y0:y0 + (h - 1) * strides[0] + 1:strides[0], x0:x0 + (w - 1) * strides[1] + 1:strides[1], :] += x @ kernel[i, j].T
    out = np.zeros((n, sizes[0], sizes[1], cout))
    part = full[:, starts[0]:starts[0] + sizes[0], starts[1]:starts[1] + sizes[1], :]
    out[:, :part.shape[1], :part.shape[2], :] = part
    return out


def pool(x, cfg, kind):
    k = pair(cfg.get("pool_size", 2))
    s = pair(cfg.get("strides") or k)
    padding = cfg.get("padding", "valid").lower()
    if kind == "max":
        xp, _ = pad_nhwc(x, k, s, padding, -np.inf)
        return np.max(np.stack([v for _, _, v in windows(xp, k, s, [1, 1])]), axis=0)
    xp, mask = pad_nhwc(x, k, s, padding)
    total = sum(v for _, _, v in windows(xp, k, s, [1, 1]))
    count = sum(v for _, _, v in windows(mask[None, :, :, None], k, s, [1, 1]))
    return total / count


def resize_bilinear(x, sh, sw, half_pixel):
    n, h, w, c = x.shape

    def grid(size, scale):
        out = np.arange(size * scale, dtype=np.float64)
        src = (out + 0.5) / scale - 0.5 if half_pixel else out / scale
        src = np.clip(src, 0, size - 1)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, size - 1)
        return lo, hi, src - lo
    y0, y1, fy = grid(h, sh)
    x0, x1, fx = grid(w, sw)
    top = x[:, y0][:, :, x0] * (1 - fx)[None, None, :, None] + x[:, y0][:, :, x1] * fx[None, None, :, None]
    bot = x[:, y1][:, :, x0] * (1 - fx)[None, None, :, None] + x[:, y1][:, :, x1] * fx[None, None, :, None]
    return top * (1 - fy)[None, :, None, None] + bot * fy[None, :, None, None]


def activation(x, name, major):
    if isinstance(name, dict):
        name = name["config"]
    if name in (None, "linear"):
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "relu6":
        return np.clip(x, 0, 6)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "hard_sigmoid":
        return np.clip(x / 6 + 0.5 if major >= 3 else 0.2 * x + 0.5, 0, 1)
    if name == "tanh":
        return np.tanh(x)
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if name == "elu":
        return np.where(x > 0, x, np.expm1(x))
    if name == "selu":
        return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))
    if name == "softplus":
        return np.logaddexp(0, x)
    if name == "softsign":
        return x / (1 + np.abs(x))
    if name in ("swish", "silu"):
        return x / (1 + np.exp(-x))
    if name == "gelu":
        erf = np.vectorize(math.erf)
        return 0.5 * x * (1 + erf(x / math.sqrt(2)))
    if name == "exponential":
        return np.exp(x)
    raise ValueError("activation " + str(name))


def keras_relu(x, c):
    ns, mx, th = c.get("negative_slope", 0) or 0, c.get("max_value"), c.get("threshold", 0) or 0
    y = np.where(x > th, x, 0) if th != 0 else np.maximum(x, 0)
    if mx is not None:
        y = np.clip(y, 0, mx)
    if ns != 0:
        y = y - ns * np.maximum(th - x, 0)
    return y


def norm_axes(c, rank, key="axis"):
    a = c.get(key, -1)
    a = a if isinstance(a, list) else [a]
    return sorted(x % rank for x in a)


def run_layer(layer, xs, w, major, tfjs, keras_version):
    c, cls = layer.cfg, layer.cls
    x = xs[0]
    act = lambda y: activation(y, c.get("activation", "linear"), major)
    if cls in ("Conv2D", "Convolution2D"):
        y = conv2d(x, w["kernel"], pair(c.get("strides", 1)), pair(c.get("dilation_rate", 1)), c.get("padding", "valid").lower(), c.get("groups", 1))
        return act(y + w["bias"] if "bias" in w else y)
    if cls == "DepthwiseConv2D":
        y = depthwise(x, w["depthwise_kernel"], pair(c.get("strides", 1)), pair(c.get("dilation_rate", 1)), c.get("padding", "valid").lower())
        return act(y + w["bias"] if "bias" in w else y)
    if cls == "SeparableConv2D":
        y = depthwise(x, w["depthwise_kernel"], pair(c.get("strides", 1)), pair(c.get("dilation_rate", 1)), c.get("padding", "valid").lower())
        y = y @ w["pointwise_kernel"][0, 0]
        return act(y + w["bias"] if "bias" in w else y)
    if cls == "Conv2DTranspose":
        op = c.get("output_padding")
        y = conv_transpose(x, w["kernel"], pair(c.get("strides", 1)), pair(c.get("dilation_rate", 1)), c.get("padding", "valid").lower(), None if op is None else pair(op))
        return act(y + w["bias"] if "bias" in w else y)
    if cls == "Dense":
        y = x @ w["kernel"]
        return act(y + w["bias"] if "bias" in w else y)
    if cls == "Activation":
        return act(x)
    if cls == "ReLU":
        return keras_relu(x, c)
    if cls == "LeakyReLU":
        a = c.get("negative_slope", c.get("alpha", 0.3))
        return np.where(x > 0, x, a * x)
    if cls == "PReLU":
        return np.maximum(x, 0) + w["alpha"][None] * np.minimum(x, 0)
    if cls == "ELU":
        return np.where(x > 0, x, c.get("alpha", 1.0) * np.expm1(x))
    if cls == "Softmax":
        a = c.get("axis", -1)
        a = a[0] if isinstance(a, list) else a
        e = np.exp(x - x.max(axis=a, keepdims=True))
        return e / e.sum(axis=a, keepdims=True)
    if cls in ("MaxPooling2D", "MaxPool2D"):
        return pool(x, c, "max")
    if cls in ("AveragePooling2D", "AvgPool2D"):
        return pool(x, c, "avg")
    if cls in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        y = x.mean(axis=(1, 2), keepdims=True) if "Average" in cls else x.max(axis=(1, 2), keepdims=True)
        return y if c.get("keepdims", False) else y[:, 0, 0, :]
    if cls == "BatchNormalization":
        a = norm_axes(c, x.ndim)[0]
        n = w["moving_mean"].size
        shape = [1] * x.ndim
        shape[a] = n
        g = w.get("gamma", np.ones(n)).reshape(shape)
        b = w.get("beta", np.zeros(n)).reshape(shape)
        return (x - w["moving_mean"].reshape(shape)) / np.sqrt(w["moving_variance"].reshape(shape) + c.get("epsilon", 1e-3)) * g + b
    if cls == "LayerNormalization":
        axes = tuple(norm_axes(c, x.ndim))
        shape = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]
        mean = x.mean(axis=axes, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
        if c.get("rms_scaling", False):
            return x / np.sqrt(var + c.get("epsilon", 1e-3)) * w["gamma"].reshape(shape)
        y = (x - mean) / np.sqrt(var + c.get("epsilon", 1e-3))
        if "gamma" in w:
            y = y * w["gamma"].reshape(shape)
        if "beta" in w:
            y = y + w["beta"].reshape(shape)
        return y
    if cls == "Add":
        return sum(xs)
    if cls == "Subtract":
        return xs[0] - xs[1]
    if cls == "Multiply":
        y = xs[0]
        for v in xs[1:]:
            y = y * v
        return y
    if cls == "Average":
        return sum(xs) / len(xs)
    if cls == "Maximum":
        return np.maximum.reduce(xs)
    if cls == "Minimum":
        return np.minimum.reduce(xs)
    if cls == "Concatenate":
        return np.concatenate(xs, axis=c.get("axis", -1))
    if cls == "ZeroPadding2D":
        p = c.get("padding", 1)
        p = [[p, p], [p, p]] if isinstance(p, int) else [[p[0], p[0]], [p[1], p[1]]] if isinstance(p[0], int) else p
        return np.pad(x, ((0, 0), tuple(p[0]), tuple(p[1]), (0, 0)))
    if cls == "Cropping2D":
        p = c.get("cropping", 0)
        p = [[p, p], [p, p]] if isinstance(p, int) else [[p[0], p[0]], [p[1], p[1]]] if isinstance(p[0], int) else p
        return x[:, p[0][0]:x.shape[1] - p[0][1], p[1][0]:x.shape[2] - p[1][1], :]
    if cls == "UpSampling2D":
        sh, sw = pair(c.get("size", 2))
        if c.get("interpolation", "nearest") == "nearest":
            return x.repeat(sh, axis=1).repeat(sw, axis=2)
        half = not tfjs and (major >= 3 or keras_version.endswith("-tf") or tuple(int(v) for v in keras_version.split(".")[:2]) >= (2, 4))
        return resize_bilinear(x, sh, sw, half)
    if cls == "Flatten":
        return x.reshape(x.shape[0], -1)
    if cls == "Reshape":
        return x.reshape((x.shape[0],) + tuple(c["target_shape"]))
    if cls == "Permute":
        return np.transpose(x, [0] + list(c["dims"]))
    if cls == "RepeatVector":
        return np.repeat(x[:, None, :], c["n"], axis=1)
    if cls in ("Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "ActivityRegularization", "AlphaDropout"):
        return x
    if cls == "Rescaling":
        return x * np.asarray(c["scale"]) + np.asarray(c.get("offset", 0))
    if cls == "Normalization":
        mean = np.asarray(c["mean"], dtype=np.float64) if c.get("mean") is not None else w["mean"]
        var = np.asarray(c["variance"], dtype=np.float64) if c.get("variance") is not None else w["variance"]
        axes = norm_axes(c, x.ndim)
        shape = [x.shape[i] if i in axes else 1 for i in range(x.ndim)]
        mean, std = mean.reshape(shape), np.maximum(np.sqrt(var.reshape(shape)), 1e-7)
        return mean + x * std if c.get("invert", False) else (x - mean) / std
    raise ValueError("layer class " + cls)


def forward(model, weights, inputs, major, tfjs, version, prefix="", path=(), record=None):
    values = {}
    done = set()
    pending = list(model.layers)
    while pending:
        for layer in list(pending):
            if not all(r[0] in values for r in layer.inputs):
                continue
            pending.remove(layer)
            full = prefix + layer.name
            if layer.cls == "InputLayer":
                values[layer.name] = [inputs[[r[0] for r in model.inputs].index(layer.name)]]
                continue
            xs = [values[r[0]][r[1]] for r in layer.inputs]
            if layer.model is not None:
                y = forward(layer.model, weights, xs, major, tfjs, version, full + "/", path + (layer,), record)[0]
            else:
                names = wanted(layer)
                w = weights.get(path + (layer,), names) if names else {}
                y = run_layer(layer, xs, w, major, tfjs, version)
            values[layer.name] = [y]
            if record is not None:
                record.append((full, layer.cls, y))
    return [values[r[0]][r[1]] for r in model.outputs]


def reference(model_path, x):
    model, weights, major, tfjs = load(model_path)
    version = "3" if major >= 3 else "2.4" if not tfjs else "tfjs"
    if not tfjs and not zipfile.is_zipfile(model_path):
        v = h5py.File(model_path, "r").attrs.get("keras_version", b"2.4")
        version = v.decode() if isinstance(v, bytes) else str(v)
    record = []
    forward(model, weights, [x.astype(np.float64)], major, tfjs, version, record=record)
    return record


def write(record, out_dir, max_values=None):
    """outputs.f32 + outputs.json; with max_values, every stride-th value (flat order) of larger layers."""
    os.makedirs(out_dir, exist_ok=True)
    meta, off = [], 0
    with open(os.path.join(out_dir, "outputs.f32"), "wb") as f:
        for name, cls, y in record:
            a = np.ascontiguousarray(y, dtype="<f4")
            stride = 1 if max_values is None else max(1, -(-a.size // max_values))
            kept = a.reshape(-1)[::stride]
            f.write(kept.tobytes())
            meta.append({"name": name, "type": cls, "shape": list(a.shape), "offset": off, "stride": stride})
            off += kept.size
    json.dump(meta, open(os.path.join(out_dir, "outputs.json"), "w"))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    write(reference(sys.argv[1], np.load(sys.argv[2])), sys.argv[3])
