#!/usr/bin/python3
"""Golden per-layer outputs of the Keras gender model (mini-Xception, Keras 2.0.5) on real faces.

    /usr/bin/python3 scripts/golden/keras_golden.py

Reads ../shared/data/keras/gender_mini_XCEPTION.21-0.95.hdf5 with h5py and computes every layer
with keras_reference.py (plain numpy, NHWC, float64; nothing of ConvScope's converter) on two face
crops from ../shared/data/faces, prepared as the model was trained: 64x64 grayscale, x/255, then
(x - 0.5) * 2. Writes src-main/importers/keras/golden/gender/<crop>/{input.f32, outputs.f32,
outputs.json} and meta.json. Needs Debian's python3-numpy, python3-h5py and python3-opencv.
"""
import json
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_reference import reference, write  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(REPO, "..", "shared", "data")
MODEL = os.path.join(DATA, "keras", "gender_mini_XCEPTION.21-0.95.hdf5")
OUT = os.path.join(REPO, "src-main", "importers", "keras", "golden", "gender")

# Square face boxes (x, y, side) in the original images, chosen by eye; the second crop keeps
# every stride-th value of its larger layers (at most MAX_VALUES each) to keep the files small.
CROPS = {
    "obama_small": ("faces/obama_small.jpg", (100, 48, 116), None),
    "rose_leslie": ("faces/rose_leslie_img1.jpg", (620, 30, 290), 4096),
}


def crop(path, box):
    gray = cv2.cvtColor(cv2.imread(os.path.join(DATA, path)), cv2.COLOR_BGR2GRAY)
    x, y, s = box
    face = cv2.resize(gray[y:y + s, x:x + s], (64, 64), interpolation=cv2.INTER_AREA).astype(np.float32)
    return ((face / 255.0 - 0.5) * 2.0).reshape(1, 64, 64, 1).astype(np.float32)


def main():
    meta = {"model": "keras/gender_mini_XCEPTION.21-0.95.hdf5", "labels": ["woman", "man"], "crops": {}}
    for name, (path, box, max_values) in CROPS.items():
        x = crop(path, box)
        record = reference(MODEL, x)
        d = os.path.join(OUT, name)
        write(record, d, max_values)
        x.tofile(os.path.join(d, "input.f32"))
        probs = record[-1][2][0]
        meta["crops"][name] = {"image": path, "box": box, "probabilities": [float(p) for p in probs]}
        print(name, "layers", len(record), "p(woman, man) =", probs)
    json.dump(meta, open(os.path.join(OUT, "meta.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
