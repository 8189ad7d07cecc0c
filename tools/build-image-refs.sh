#!/usr/bin/env bash
# Builds the image reference programs the vision tests compare with (test-time references like djpeg; Depthwise
# never links them):
#   .cache/image-refs/stb-decode     tools/image-refs/stb-decode.c: stb_image's stbi_load (Debian libstb-dev)
#   .cache/image-refs/libyuv-resize  tools/image-refs/libyuv-resize.c: libyuv ARGBScale (Debian libyuv-dev)
# A program is rebuilt when its source or this script is newer. One that cannot be built (no gcc, header or
# library) is left out with the reason in .cache/image-refs/<name>.missing, and the tests that need it skip quoting
# that reason. Exits 0 either way; prints what it did to stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
out=.cache/image-refs
mkdir -p "$out"

build() { # build NAME HEADER DEBIAN-PACKAGE LIBS...
  local name=$1 header=$2 package=$3; shift 3
  local src=tools/image-refs/$name.c bin=$out/$name
  if [ -x "$bin" ] && [ "$bin" -nt "$src" ] && [ "$bin" -nt "$0" ]; then return; fi
  rm -f "$bin" "$out/$name.missing"
  local why=""
  if ! command -v gcc >/dev/null; then why="gcc is not installed"
  elif [ ! -f "/usr/include/$header" ]; then why="/usr/include/$header is missing (install Debian $package)"
  fi
  if [ -z "$why" ]; then
    local log
    if log=$(gcc -O2 -o "$bin.tmp" "$src" "$@" 2>&1); then
      mv "$bin.tmp" "$bin"; echo "image refs: built $bin" >&2; return
    fi
    why="gcc failed: $log"
  fi
  rm -f "$bin.tmp"
  echo "$why" >"$out/$name.missing"
  echo "image refs: $name not built: $why" >&2
}

build stb-decode stb/stb_image.h libstb-dev -lm
build libyuv-resize libyuv.h libyuv-dev -lyuv
exit 0
