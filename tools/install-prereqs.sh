#!/usr/bin/env bash
# Installs what the test suite and tools need on a fresh Debian machine, skipping what is already there:
#  - ONNX backend node tests (libonnx-testdata), PyTorch/torchvision/onnx for exporting reference networks (Debian);
#  - ONNX Runtime 1.30 native CPU from npm (onnxruntime-node, --ignore-scripts) as the numerics peer.
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
if [ ! -f tools/ort/node_modules/onnxruntime-node/package.json ]; then
  echo "installing onnxruntime-node (npm, --ignore-scripts)" >&2
  (cd tools/ort && npm ci --ignore-scripts --no-audit --no-fund >&2)
fi
