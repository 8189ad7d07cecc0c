#!/usr/bin/env bash
# Cold start-up of the depthwise CLI: session creation + first run, with and without the background warm-up.
#
#   bench/startup.sh [MODEL] [PAIRS]      (default .cache/models/mobilenet_v2.onnx, 14 pairs)
#
# Each pair runs two fresh processes, `depthwise bench MODEL --runs 3 --warmup 0 --json`, one with the background
# warm-up (SessionOptions.BackgroundWarmup, the default) and one with --no-background-warmup, alternating which goes
# first. The figure per process is load_ms + compile_ms + first_run_ms (the process's own start is not included).
# Prints each side's sorted figures and medians. Run it on an otherwise idle machine: the warm-up uses a second core.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-.cache/models/mobilenet_v2.onnx}
pairs=${2:-14}
./depthwise --help >/dev/null # build once, outside the measurements
out=$(mktemp)
trap 'rm -f "$out"' EXIT
on=(); off=()
measure() { # measure FLAG...
  ./depthwise bench "$model" --runs 3 --warmup 0 --json "$@" >"$out" 2>/dev/null
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(round(d['load_ms']+d['compile_ms']+d['first_run_ms'],1))" "$out"
}
for i in $(seq 1 "$pairs"); do
  if [ $((i % 2)) -eq 1 ]; then on+=("$(measure)"); off+=("$(measure --no-background-warmup)")
  else off+=("$(measure --no-background-warmup)"); on+=("$(measure)"); fi
done
report() { # report NAME VALUES...
  local name=$1; shift
  local sorted; sorted=$(printf '%s\n' "$@" | sort -n)
  local median; median=$(printf '%s\n' "$sorted" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  echo "$name median $median ms: $(echo $sorted)"
}
echo "$model, $pairs pairs of cold processes, load + compile + first run:"
report "background warm-up    " "${on[@]}"
report "no background warm-up " "${off[@]}"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
