#!/usr/bin/python3
"""Exports torchvision's mobile vision networks to ONNX with seeded random weights (no downloads).

usage: /usr/bin/python3 tools/export_torchvision.py --model NAME --out PATH [--seed S] [--size H,W] [--opset N]
       /usr/bin/python3 tools/export_torchvision.py --all --out-dir DIR [--seed S] [--size H,W] [--opset N]

NAME is one of: mobilenet_v2, mobilenet_v3_small, mobilenet_v3_large, efficientnet_b0,
lraspp_mobilenet_v3_large, deeplabv3_mobilenet_v3_large (--all writes DIR/NAME.onnx for each).

No pretrained weights can be downloaded here, so the networks get random weights that still make a meaningful test
of an inference engine:
  * torch is seeded, the network is built with weights=None (and weights_backbone=None);
  * every BatchNorm gets random running_mean ~ N(0, 0.1), running_var ~ U(0.5, 1.5), weight ~ U(0.5, 1.5),
    bias ~ N(0, 0.1), and every conv/linear bias ~ N(0, 0.1), so a wrong BatchNorm fold or a dropped bias shows;
  * activations are kept O(1) through the 50+ layers: one calibration pass on a seeded random input rescales each
    conv/linear weight (and bias) by a power of two so that its output has a standard deviation in [0.7, 1.4]
    (a power of two keeps the scaling exact and the exported bytes independent of float noise in the pass).
The model is exported in eval mode with torch.onnx.export at opset 13 (default; --opset to change), input "input"
of shape [batch, 3, H, W] (default 224x224) with a symbolic batch dimension, do_constant_folding=True. Classifiers
have the output "output" [batch, 1000]; segmentation models only "out" [batch, 21, H, W] (no aux head).
Prints one line per model: path, size in bytes, max |output| on the calibration input, seconds.
"""
import argparse
import math
import os
import sys
import time
import warnings

import onnx
import torch
import torchvision
from torch import nn

CLASSIFIERS = ["mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0"]
SEGMENTERS = ["lraspp_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large"]
MODELS = CLASSIFIERS + SEGMENTERS


class OutOnly(nn.Module):
    """Segmentation models return a dict; export only its 'out' tensor."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(x)["out"]


def build(name):
    if name in CLASSIFIERS:
        return getattr(torchvision.models, name)(weights=None)
    seg = torchvision.models.segmentation
    if name == "lraspp_mobilenet_v3_large":
        return OutOnly(seg.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None))
    if name == "deeplabv3_mobilenet_v3_large":
        return OutOnly(seg.deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None, aux_loss=False))
    raise ValueError(f"unknown model {name}; one of {', '.join(MODELS)}")


def randomize(model, gen):
    """Random BatchNorm statistics and affine parameters, random conv/linear biases (seeded by gen)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                n = m.num_features
                m.running_mean.copy_(torch.randn(n, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
                m.weight.copy_(torch.rand(n, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(n, generator=gen) * 0.1)
            elif isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)


def calibrate(model, x):
    """
    One forward pass that rescales every conv/linear layer by a power of two so its output std is about 1.
    Layers run in order, so each hook sees inputs already produced by the rescaled layers before it; the hook scales
    the weights and returns the scaled output, which equals what the rescaled layer computes (the layer is linear).
    """
    def hook(module, inputs, output):
        std = output.float().std().item()
        if not math.isfinite(std) or std == 0.0:
            return None
        scale = 2.0 ** round(-math.log2(std))
        with torch.no_grad():
            module.weight.mul_(scale)
            if module.bias is not None:
                module.bias.mul_(scale)
        return output * scale

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()


def declare_output_shape(path, output_name, dims):
    """The exporter names the Resize output's dims symbolically; the mask has the input's height and width."""
    m = onnx.load(path)
    (o,) = [o for o in m.graph.output if o.name == output_name]
    shape = o.type.tensor_type.shape
    del shape.dim[:]
    for d in dims:
        if isinstance(d, str):
            shape.dim.add().dim_param = d
        else:
            shape.dim.add().dim_value = d
    onnx.save(m, path)


def export(name, out, seed, size, opset):
    t0 = time.time()
    torch.manual_seed(seed)
    model = build(name)
    gen = torch.Generator().manual_seed(seed)
    randomize(model, gen)
    model.eval()
    h, w = size
    x = torch.randn(2, 3, h, w, generator=gen)
    calibrate(model, x)
    with torch.no_grad():
        y = model(x)
    peak = y.abs().max().item()
    if not math.isfinite(peak) or not 1e-2 <= peak <= 1e3:
        raise RuntimeError(f"{name}: max |output| is {peak} on the calibration input; activations are out of range")
    output_name = "out" if name in SEGMENTERS else "output"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = f"{out}.tmp{os.getpid()}"
    try:
        torch.onnx.export(
            model, x[:1], tmp, export_params=True, opset_version=opset, do_constant_folding=True,
            input_names=["input"], output_names=[output_name],
            dynamic_axes={"input": {0: "batch"}, output_name: {0: "batch"}})
        if name in SEGMENTERS:
            declare_output_shape(tmp, output_name, ["batch", 21, h, w])
        os.replace(tmp, out)  # atomic: a reader never sees a half-written model
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    print(f"{out} {os.path.getsize(out)} bytes max|output|={peak:.3g} {time.time() - t0:.1f}s", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=MODELS)
    p.add_argument("--out", help="output .onnx path (with --model)")
    p.add_argument("--all", action="store_true", help="export every model into --out-dir as NAME.onnx")
    p.add_argument("--out-dir", help="output directory (with --all)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--size", default="224,224", help="input height,width (default 224,224)")
    p.add_argument("--opset", type=int, default=13)
    a = p.parse_args()
    # torch 1.13 warns about prim::Constant shape inference on the interpolate size computation; harmless.
    warnings.filterwarnings("ignore", message="The shape inference of prim::Constant type is missing")
    try:
        size = tuple(int(s) for s in a.size.split(","))
        if len(size) != 2 or min(size) < 32:
            raise ValueError
    except ValueError:
        p.error(f"--size must be H,W with both at least 32, got {a.size!r}")
    if a.all == bool(a.model) or (a.all and not a.out_dir) or (a.model and not a.out):
        p.error("give either --model NAME --out PATH or --all --out-dir DIR")
    jobs = [(n, os.path.join(a.out_dir, n + ".onnx")) for n in MODELS] if a.all else [(a.model, a.out)]
    for name, out in jobs:
        export(name, out, a.seed, size, a.opset)


if __name__ == "__main__":
    sys.exit(main())
