#!/usr/bin/env bash
# Depthwise against ONNX Runtime on the six torchvision networks: the same .onnx files, the same input tensor, the
# same thread count, measured interleaved in one run so that machine noise (other jobs, thermal state) falls on both.
#
# usage: bench/compare.sh [--threads N] [--rounds K] [--budget SECONDS] [--models "NAME NAME..."] [--out FILE]
#   --threads N    threads per run for both engines (default 1)
#   --rounds K     rounds per model (default 5); each round runs ORT then Depthwise, or Depthwise then ORT on even
#                  rounds, each in a fresh process: warm-up, then R timed runs; each engine's time is the median
#                  over the rounds of its per-round median run time
#   --budget S     seconds of timed runs per engine per round (default 2): R = clamp(S / t, 3, 50) timed runs after
#                  W = clamp(1 s / t, 2, 100) warm-up runs (a second of warm-up lets .NET's tiered JIT settle, as
#                  `depthwise bench` does by default), t being the engine's run time in a short probe
#   --models "…"   which networks (default: all six); an entry may also be a path to an .onnx file, e.g. the int8
#                  ../shared/models/onnx/mobilenetv2-12-int8.onnx (shown by its file name)
#   --out FILE     also write the markdown table to FILE
# Environment: PEAK_GMACS = the machine's fp32 peak in GMAC/s per core; without it the peak is measured
# (bench/Depthwise.Bench fma-peak --json: one thread, the widest FMA, best of 9 repetitions).
# Prints progress on stderr and, on stdout, the machine and a markdown table: model, MACs, ORT ms, Depthwise ms,
# ratio (Depthwise / ORT: the median of the per-round ratios, each round's two runs being back to back), ORT and
# Depthwise GMAC/s at their medians, and Depthwise's % of the machine's peak (peak per core × threads).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The fp32 FMA peak per core of the machine kind we run on, used only when measuring it fails: bench/Depthwise.Bench fma-peak
# measured 126 GMAC/s with 512-bit FMAs on this AMD EPYC (CPU family 26 = Zen 5: two full-width 512-bit FMA pipes,
# 32 MACs per cycle at ~3.9 GHz); 64 with 256-bit and 32 with 128-bit vectors. (The 50 GMAC/s per core once noted
# for this machine is about the 256-bit figure under load; ONNX Runtime alone runs MobileNetV2 at ~75 GMAC/s on one
# thread here, which a 50 peak could not allow.)
FALLBACK_PEAK_GMACS_PER_CORE=126

threads=1 rounds=5 budget=2 out=""
models="mobilenet_v2 mobilenet_v3_small mobilenet_v3_large efficientnet_b0 lraspp_mobilenet_v3_large deeplabv3_mobilenet_v3_large"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --budget) budget="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for v in threads rounds; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --$v must be a positive integer" >&2; exit 2; }
done
[[ "$budget" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "compare.sh: --budget must be a number of seconds" >&2; exit 2; }

log() { echo "compare: $*" >&2; }

# Prerequisites: PyTorch to export, ONNX Runtime (npm) as the peer.
if [ ! -f tools/ort/node_modules/onnxruntime-node/package.json ] || ! /usr/bin/python3 -c "import torch, torchvision, onnx, numpy" 2>/dev/null; then
  log "installing prerequisites (tools/install-prereqs.sh)"
  tools/install-prereqs.sh
fi
mkdir -p .cache/models
missing=0
for m in $models; do [[ "$m" == *.onnx ]] || [ -f ".cache/models/$m.onnx" ] || missing=1; done
if [ "$missing" -eq 1 ]; then
  log "exporting the torchvision networks into .cache/models (tools/export_torchvision.py --all)"
  /usr/bin/python3 tools/export_torchvision.py --all --out-dir .cache/models >&2
fi
log "building the CLI (Release)"
./depthwise --help >/dev/null
if [ -n "${PEAK_GMACS:-}" ]; then
  peak_per_core="$PEAK_GMACS"; peak_source="PEAK_GMACS"
elif probe="$(dotnet run -c Release --project bench/Depthwise.Bench -- fma-peak --json 2>/dev/null | tail -1)" && [[ "$probe" == *'"gmacs"'* ]]; then
  peak_per_core="$(node -e 'const j = JSON.parse(process.argv[1]); console.log(j.gmacs)' "$probe")"
  peak_source="measured by bench/Depthwise.Bench fma-peak: one thread, $(node -e 'console.log(JSON.parse(process.argv[1]).width_bits)' "$probe")-bit FMA, best of 9"
else
  peak_per_core="$FALLBACK_PEAK_GMACS_PER_CORE"; peak_source="not measured (bench/Depthwise.Bench fma-peak failed): the constant in compare.sh"
fi
[[ "$peak_per_core" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "compare.sh: PEAK_GMACS must be a number" >&2; exit 2; }
log "peak: $peak_per_core GMAC/s per core ($peak_source)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# json FILE KEY: a number from a one-object JSON file.
json() { node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const v = j[process.argv[2]]; if (typeof v !== "number") { console.error(`no number "${process.argv[2]}" in ${process.argv[1]}`); process.exit(1); } console.log(v);' "$1" "$2"; }
# median NUMBER...: the middle value (upper middle for an even count, as the per-round medians are taken).
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int(NR / 2) + 1] }'; }
# runs_for MS_PER_RUN: "RUNS WARMUP" for the budget and a second of warm-up.
runs_for() { awk -v t="$1" -v b="$budget" 'BEGIN { s = t / 1000; if (s <= 0) s = 1e-6;
  r = int(b / s + 0.5); if (r < 3) r = 3; if (r > 50) r = 50;
  w = int(1 / s + 0.999); if (w < 2) w = 2; if (w > 100) w = 100; print r, w }'; }

ort() { # ort MODEL INPUT RUNS WARMUP OUTJSON
  node tools/ort/run.js "$1" "$work/ort-out" --input "$2" --threads "$threads" --bench "$3" --warmup "$4" > "$5"
}
dw() { # dw MODEL INPUT RUNS WARMUP OUTJSON
  ./depthwise bench "$1" --input "$2" --threads "$threads" --runs "$3" --warmup "$4" --json > "$5"
}

rows=()
for m in $models; do
  if [[ "$m" == *.onnx ]]; then model="$m"; m="$(basename "$m" .onnx)"; else model=".cache/models/$m.onnx"; fi
  input="$work/$m.input.npy"
  # One seeded random input of the model's declared shape (unknown dims = 1), fed to both engines.
  /usr/bin/python3 - "$model" "$input" <<'PY'
import sys, numpy as np, onnx
m = onnx.load(sys.argv[1], load_external_data=False)
inits = {i.name for i in m.graph.initializer}
inp = [i for i in m.graph.input if i.name not in inits]
if len(inp) != 1: sys.exit(f"{sys.argv[1]}: expected one input, found {len(inp)}")
shape = [d.dim_value if d.HasField("dim_value") else 1 for d in inp[0].type.tensor_type.shape.dim]
np.save(sys.argv[2], np.random.default_rng(0).random(shape, dtype=np.float32))
PY
  log "$m: probing"
  ort "$model" "$input" 3 2 "$work/probe-ort.json"
  dw "$model" "$input" 3 2 "$work/probe-dw.json"
  read -r ort_runs ort_warm <<<"$(runs_for "$(json "$work/probe-ort.json" median_ms)")"
  read -r dw_runs dw_warm <<<"$(runs_for "$(json "$work/probe-dw.json" median_ms)")"
  macs="$(json "$work/probe-dw.json" macs)"
  log "$m: $rounds rounds of ORT ($ort_warm warm-up + $ort_runs runs) and Depthwise ($dw_warm warm-up + $dw_runs runs)"
  ort_medians=() dw_medians=() ratios=()
  for ((k = 1; k <= rounds; k++)); do
    if ((k % 2 == 1)); then
      ort "$model" "$input" "$ort_runs" "$ort_warm" "$work/ort.json"
      dw "$model" "$input" "$dw_runs" "$dw_warm" "$work/dw.json"
    else
      dw "$model" "$input" "$dw_runs" "$dw_warm" "$work/dw.json"
      ort "$model" "$input" "$ort_runs" "$ort_warm" "$work/ort.json"
    fi
    ort_medians+=("$(json "$work/ort.json" median_ms)")
    dw_medians+=("$(json "$work/dw.json" median_ms)")
    ratios+=("$(awk -v o="${ort_medians[-1]}" -v d="${dw_medians[-1]}" 'BEGIN { print d / o }')")
    log "$m: round $k/$rounds: ORT ${ort_medians[-1]} ms, Depthwise ${dw_medians[-1]} ms"
  done
  ort_ms="$(median "${ort_medians[@]}")"
  dw_ms="$(median "${dw_medians[@]}")"
  ratio="$(median "${ratios[@]}")"
  rows+=("$(awk -v m="$m" -v macs="$macs" -v o="$ort_ms" -v d="$dw_ms" -v r="$ratio" -v peak="$peak_per_core" -v t="$threads" \
    'BEGIN {
      g = macs / (d * 1e6);
      printf "| %s | %.1f M | %.2f | %.1f | %.1f× | %.1f | %.2f | %.1f %% |\n", m, macs / 1e6, o, d, r, macs / (o * 1e6), g, 100 * g / (peak * t) }')")
done

cpu="$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//')"
family="$(grep -m1 '^cpu family' /proc/cpuinfo | sed 's/.*:[[:space:]]*//')"
[ -n "$family" ] && cpu+=" (family $family model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | sed 's/.*:[[:space:]]*//'))"
flags="$(grep -m1 '^flags' /proc/cpuinfo)"
isa=""
for f in avx512f avx512bw avx512vl avx512_vnni avx_vnni avx2 fma; do [[ " $flags " == *" $f "* ]] && isa+="${isa:+ }$f"; done
ort_version="$(node -e 'console.log(require("./tools/ort/node_modules/onnxruntime-node/package.json").version)')"
{
  echo "- Machine: ${cpu:-unknown CPU}, $(nproc) cores ($isa); $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "- Peer: ONNX Runtime $ort_version (onnxruntime-node, native CPU, graph optimizations all). .NET $(dotnet --version 2>/dev/null || echo '?')."
  echo "- Threads: $threads per engine. Each time is the median of $rounds interleaved rounds' median run (the declared input shape, one seeded random input file for both)."
  echo "- Peak: $peak_per_core GMAC/s per core ($peak_source) × $threads thread(s)."
  echo "- Ratio: median over the rounds of Depthwise ms / ORT ms within the round."
  echo
  echo "| model | MACs | ORT ms | Depthwise ms | ratio (Depthwise/ORT) | ORT GMAC/s | Depthwise GMAC/s | Depthwise % of peak |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
} | tee ${out:+"$out"}
