#!/usr/bin/python3
"""Inputs for the reference outputs of the real models in ../shared/models (see docs/tflite-references.md).

usage: reference_inputs.py tflite|onnx STEM SHARED_DIR INPUT_DIR

Writes the image inputs of model STEM (file name without extension) as .npy files into INPUT_DIR and prints one
line per reference case: `CASE ARGS...`, where ARGS are the oracle arguments that make the case's input:
  seed1 --seed 1 [--range LO,HI]          (TFLite: the oracle makes a seeded input itself)
  burger --input INPUT_DIR/burger.npy     (a real image, resized and normalized as the model expects)
For ONNX models every case is an --input file (ONNX Runtime's runner makes no inputs of its own).
A model missing from the tables below gets the oracle's default seeded inputs only (a note goes to stderr).

Images are converted to RGB and resized to the model's input size with PIL's bilinear filter (aspect ratio not
kept: these are test inputs, not a task pipeline). Needs Debian's python3-pil and python3-numpy (/usr/bin/python3).
"""
import os
import sys

import numpy as np
from PIL import Image

# stem -> (input height/width, image under SHARED_DIR/images, input encoding).
# Encodings: "uint8" raw pixels (quantized models whose input scale/zero point map 0..255 to [-1,1]),
# "[-1,1]" (x - 127.5) / 127.5 float32, "[0,1]" x / 255 float32. The seeded cases use the same range.
TFLITE = {
    "coco_ssd_mobilenet_v1_1.0_quant_2018_06_29": (300, "tflite-support/cats_and_dogs.jpg", "uint8"),
    "deeplabv3": (257, "tflite-support/segmentation_input_rotation0.jpg", "[-1,1]"),
    "face_detection_full_range": (192, "mediapipe/sergey.png", "[-1,1]"),
    "face_detection_short_range": (128, "mediapipe/sergey.png", "[-1,1]"),
    "mobilenet_v1_0.25_224_1_metadata_1": (224, "tflite-support/burger.jpg", "[-1,1]"),
    "mobilenet_v1_0.25_224_quant": (224, "tflite-support/burger.jpg", "uint8"),
    "mobilenet_v2_035_96_embedder_with_metadata": (96, "tflite-support/burger.jpg", "[-1,1]"),
    "mobilenet_v2_1.0_224_quant": (224, "tflite-support/burger.jpg", "uint8"),
    "selfie_segmentation": (256, "mediapipe/sergey.png", "[0,1]"),
}
SEEDS = (1, 2)
RANGES = {"uint8": None, "[-1,1]": "-1,1", "[0,1]": "0,1"}

# ONNX models: torchvision-style preprocessing (shorter side to 256, center crop 224, mean/std, NCHW float32).
ONNX = {
    "mobilenetv2-12-int8": "tflite-support/burger.jpg",
}
MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def case_name(image):
    return os.path.splitext(os.path.basename(image))[0].replace(".", "_")


def load_rgb(path):
    with Image.open(path) as im:
        return im.convert("RGB")


def encode(pixels, encoding):
    """pixels: uint8 HWC -> [1,H,W,3] in the model's encoding."""
    x = pixels[np.newaxis]
    if encoding == "uint8":
        return np.ascontiguousarray(x, dtype=np.uint8)
    x = x.astype(np.float32)
    if encoding == "[-1,1]":
        return (x - 127.5) / 127.5
    if encoding == "[0,1]":
        return x / 255.0
    raise ValueError(f"unknown encoding {encoding}")


def tflite_cases(stem, shared, out):
    if stem not in TFLITE:
        print(f"reference_inputs.py: no input spec for {stem}; seeded inputs with the oracle's default ranges only",
              file=sys.stderr)
        for s in SEEDS:
            print(f"seed{s} --seed {s}")
        return
    size, image, encoding = TFLITE[stem]
    rng = RANGES[encoding]
    for s in SEEDS:
        print(f"seed{s} --seed {s}" + (f" --range {rng}" if rng else ""))
    pixels = np.asarray(load_rgb(os.path.join(shared, "images", image)).resize((size, size), Image.BILINEAR))
    name = case_name(image)
    target = os.path.join(out, name + ".npy")
    np.save(target, encode(pixels, encoding).astype(np.uint8 if encoding == "uint8" else np.float32))
    print(f"{name} --input {target}")


def torchvision_normalize(rgb01_hwc):
    x = (rgb01_hwc - MEAN) / STD
    return np.ascontiguousarray(x.transpose(2, 0, 1)[np.newaxis], dtype=np.float32)


def onnx_cases(stem, shared, out):
    if stem not in ONNX:
        sys.exit(f"reference_inputs.py: no input spec for ONNX model {stem}")
    for s in SEEDS[:1]:
        # A random "image" in [0,1) through the same normalization, so values have the range the model was made for.
        x = torchvision_normalize(np.random.default_rng(s).random((224, 224, 3), dtype=np.float32))
        target = os.path.join(out, f"seed{s}.npy")
        np.save(target, x)
        print(f"seed{s} --input {target}")
    image = ONNX[stem]
    im = load_rgb(os.path.join(shared, "images", image))
    w, h = im.size
    scale = 256 / min(w, h)
    im = im.resize((max(256, round(w * scale)), max(256, round(h * scale))), Image.BILINEAR)
    w, h = im.size
    left, top = (w - 224) // 2, (h - 224) // 2
    pixels = np.asarray(im.crop((left, top, left + 224, top + 224)), dtype=np.float32) / 255.0
    name = case_name(image)
    target = os.path.join(out, name + ".npy")
    np.save(target, torchvision_normalize(pixels))
    print(f"{name} --input {target}")


def main(argv):
    if len(argv) != 5 or argv[1] not in ("tflite", "onnx"):
        sys.exit(__doc__.strip().splitlines()[2])
    kind, stem, shared, out = argv[1:]
    os.makedirs(out, exist_ok=True)
    (tflite_cases if kind == "tflite" else onnx_cases)(stem, shared, out)


if __name__ == "__main__":
    main(sys.argv)
