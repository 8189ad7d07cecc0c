#!/usr/bin/env bash
# Reference outputs from ONNX Runtime 1.30 (tools/ort, native CPU) for the real ONNX models in SHARED/models/onnx
# that tools/reference_inputs.py knows (mobilenetv2-12-int8), in the TFLite references' layout:
#   .cache/ort-ref/<model stem>/<case>/{input_<i>.npy, output_<i>.npy, meta.json}
# Cases: seed1 (a seeded random image) and burger (burger.jpg, torchvision preprocessing). Same rules as
# tools/tflite-references.sh: SHARED is $DEPTHWISE_SHARED or ../shared; anything missing → a reason in
# .cache/ort-ref/STATUS and exit 0; a model is regenerated only when its STAMP no longer matches.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${DEPTHWISE_SHARED:-$root/../shared}
out=$root/.cache/ort-ref
python=/usr/bin/python3
force=0; [ "${1:-}" = "--force" ] && force=1
mkdir -p "$out"

status() { echo "$*" >"$out/STATUS"; }
skip() { echo "ort references: skipped: $*" >&2; status "skipped: $*"; exit 0; }

[ -d "$shared/models/onnx" ] || skip "no shared models folder $shared/models/onnx (set DEPTHWISE_SHARED to the shared folder)"
[ -f tools/ort/node_modules/onnxruntime-node/package.json ] || skip "onnxruntime-node is not installed (tools/install-prereqs.sh)"
command -v node >/dev/null || skip "node not found"
$python -c 'import numpy, PIL' 2>/dev/null || skip "$python lacks numpy or PIL (apt-get install python3-numpy python3-pil)"
exec 9>"$out/.lock"
flock 9 2>/dev/null || true

ort_version=$(sed -nE 's/^ *"version": "([^"]+)".*/\1/p' tools/ort/node_modules/onnxruntime-node/package.json | head -1)
gen_hash=$(cat tools/ort-references.sh tools/reference_inputs.py tools/ort/run.js | sha256sum | cut -c1-16)
start=$SECONDS
made=0 cached=0 failed=0 models=0
for model in "$shared"/models/onnx/*.onnx; do
  [ -f "$model" ] || continue
  stem=$(basename "$model" .onnx)
  dir=$out/$stem
  want="$(sha256sum "$model" | cut -d' ' -f1) $gen_hash $ort_version"
  if [ $force -eq 0 ] && [ "$(cat "$dir/STAMP" 2>/dev/null)" = "$want" ]; then cached=$((cached + 1)); models=$((models + 1)); continue; fi
  rm -rf "$dir"; mkdir -p "$dir/.inputs"
  if ! cases=$($python tools/reference_inputs.py onnx "$stem" "$shared" "$dir/.inputs" 2>"$dir/.inputs/log"); then
    rm -rf "$dir"; continue    # not a model we make references for
  fi
  models=$((models + 1))
  ok=1
  while read -r case flag input; do
    [ -n "$case" ] && [ "$flag" = "--input" ] || continue
    tmp=$dir/.$case.tmp
    rm -rf "$tmp"; mkdir -p "$tmp"
    if report=$(node tools/ort/run.js "$model" "$tmp/out" --input "$input" 2>"$tmp/ort.log"); then
      # run.js names files after the outputs; rename them output_<i> in model order and write meta.json.
      if REPORT="$report" MODEL="$model" INPUT="$input" VERSION="$ort_version" TMP="$tmp" $python - <<'EOF'
import hashlib, json, os, shutil
import numpy as np
tmp = os.environ["TMP"]
names = json.loads(os.environ["REPORT"])["outputs"]
shutil.copy(os.environ["INPUT"], os.path.join(tmp, "input_0.npy"))
outputs = []
for i, n in enumerate(names):
    src = os.path.join(tmp, "out", "".join(c if c.isalnum() or c in "_.-" else "_" for c in n) + ".npy")
    os.replace(src, os.path.join(tmp, f"output_{i}.npy"))
    a = np.load(os.path.join(tmp, f"output_{i}.npy"))
    outputs.append({"index": i, "name": n, "shape": list(a.shape), "dtype": str(a.dtype)})
os.rmdir(os.path.join(tmp, "out"))
model = os.environ["MODEL"]
meta = {"tool": "tools/ort-references.sh",
        "model": {"path": model, "bytes": os.path.getsize(model),
                  "sha256": hashlib.sha256(open(model, "rb").read()).hexdigest()},
        "runtime": {"name": "onnxruntime", "package": "onnxruntime-node@" + os.environ["VERSION"],
                    "threads": 1, "graph_optimization_level": "all"},
        "inputs": [{"index": 0, "file": "input_0.npy", "source": os.environ["INPUT"]}],
        "outputs": outputs}
json.dump(meta, open(os.path.join(tmp, "meta.json"), "w"), indent=2)
EOF
      then mv "$tmp" "$dir/$case"; made=$((made + 1)); continue; fi
    fi
    ok=0; failed=$((failed + 1))
    echo "$case: ONNX Runtime failed: $(tail -3 "$tmp/ort.log" | tr '\n' ' ')" >>"$dir/FAILED"
    rm -rf "$tmp"
  done <<<"$cases"
  [ $ok -eq 1 ] && echo "$want" >"$dir/STAMP"
done
summary="$models models: $made cases generated in $((SECONDS - start)) s, $cached models cached, $failed cases failed"
echo "ort references: $summary" >&2
if [ $failed -gt 0 ]; then status "failed: $summary (see .cache/ort-ref/*/FAILED)"; else status "ok: $summary"; fi
exit 0
