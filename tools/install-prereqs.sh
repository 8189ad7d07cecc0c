#!/usr/bin/env bash
# Installs what the test suite and tools need on a fresh Debian machine, skipping what is already there:
#  - ONNX backend node tests (libonnx-testdata), PyTorch/torchvision/onnx for exporting reference networks (Debian);
#  - ONNX Runtime 1.30 native CPU from npm (onnxruntime-node, --ignore-scripts) as the numerics peer;
#  - Chromium (headless, for the TFLite oracle in ../shared/tools/tflite-oracle: tools/tflite-references.sh installs
#    the oracle itself), PIL and libjpeg-turbo's tools for preparing reference inputs from images;
#  - gcc with stb_image and libyuv headers for the image reference programs (tools/build-image-refs.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for p in libonnx-testdata python3-torch python3-torchvision python3-onnx python3-numpy; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
# Only the TFLite and image reference outputs need these: if they cannot be installed, those tests skip (with the
# reason) instead of the whole suite failing.
optional=()
for p in chromium libjpeg-turbo-progs python3-pil gcc libc6-dev libstb-dev libyuv-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || optional+=("$p")
done
if [ ${#optional[@]} -gt 0 ]; then
  echo "installing Debian packages for the reference outputs: ${optional[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${optional[@]}"; } >&2 \
    || echo "warning: could not install ${optional[*]}; the TFLite and image reference tests will skip" >&2
fi
if [ ! -f tools/ort/node_modules/onnxruntime-node/package.json ]; then
  echo "installing onnxruntime-node (npm, --ignore-scripts)" >&2
  (cd tools/ort && npm ci --ignore-scripts --no-audit --no-fund >&2)
fi
