#!/usr/bin/env bash
# Reference outputs from the real TensorFlow Lite runtime for every model in SHARED/models/tflite, for the
# conformance tests and `depthwise verify MODEL --expected DIR` (see docs/tflite-references.md).
#
#   tools/tflite-references.sh [--force]
#
# SHARED is $DEPTHWISE_SHARED, else ../shared next to the repository; without it (or without Chromium, node or
# PIL) the script prints why, records it in .cache/tflite-ref/STATUS and exits 0: the tests then skip.
# The oracle (SHARED/tools/tflite-oracle: TFLite compiled to WebAssembly, in headless Chromium) is copied into
# .cache/tflite-oracle and npm-installed there once. Per model and case it writes
#   .cache/tflite-ref/<model stem>/<case>/{input_<i>.npy, output_<i>.npy, meta.json, oracle.log}
# with cases seed1, seed2 (the oracle's seeded inputs in the model's input range) and one real image prepared by
# tools/reference_inputs.py. A model is skipped while its STAMP (model sha256 + generator and oracle hashes)
# matches. A failed case is listed with its reason in the model's FAILED file (the tests skip it, quoting that);
# the model gets no STAMP, so it is tried again next time, unless every failure was the oracle's exit code 3 (model
# invalid or unsupported: the same next time).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${DEPTHWISE_SHARED:-$root/../shared}
out=$root/.cache/tflite-ref
oracle_dir=$root/.cache/tflite-oracle
python=/usr/bin/python3
force=0; [ "${1:-}" = "--force" ] && force=1
mkdir -p "$out"

status() { echo "$*" >"$out/STATUS"; }
skip() { echo "tflite references: skipped: $*" >&2; status "skipped: $*"; exit 0; }

[ -d "$shared/models/tflite" ] || skip "no shared models folder $shared/models/tflite (set DEPTHWISE_SHARED to the shared folder)"
[ -f "$shared/tools/tflite-oracle/oracle.js" ] || skip "no TFLite oracle at $shared/tools/tflite-oracle"
chromium=${TFLITE_ORACLE_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no Chromium at $chromium (apt-get install chromium; tools/install-prereqs.sh does)"
command -v node >/dev/null && command -v npm >/dev/null || skip "node/npm not found"
$python -c 'import numpy, PIL' 2>/dev/null || skip "$python lacks numpy or PIL (apt-get install python3-numpy python3-pil)"

# One generator at a time per checkout (test.sh runs in parallel would otherwise race on the same folders).
exec 9>"$out/.lock"
flock 9 2>/dev/null || true

# The oracle's own files (not node_modules) decide whether the copy is current.
oracle_hash=$(cd "$shared/tools/tflite-oracle" && find . -path ./node_modules -prune -o -type f -print | LC_ALL=C sort \
  | xargs sha256sum | sha256sum | cut -c1-16)
if [ "$(cat "$oracle_dir/.installed" 2>/dev/null)" != "$oracle_hash" ]; then
  echo "tflite references: installing the TFLite oracle into .cache/tflite-oracle (npm ci --ignore-scripts)" >&2
  rm -rf "$oracle_dir"
  # Copy the contents into a new real folder, following links (-L): the shared folder itself (or whatever a link
  # points at) must never be written to.
  mkdir -p "$oracle_dir" && cp -RL "$shared/tools/tflite-oracle/." "$oracle_dir/" && rm -rf "$oracle_dir/node_modules" \
    && chmod -R u+w "$oracle_dir" || skip "cannot copy the oracle into $oracle_dir"
  (cd "$oracle_dir" && npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund >npm.log 2>&1) \
    || skip "npm ci in .cache/tflite-oracle failed: $(tail -3 "$oracle_dir/npm.log" | tr '\n' ' ')"
  echo "$oracle_hash" >"$oracle_dir/.installed"
fi
gen_hash=$(cat tools/tflite-references.sh tools/reference_inputs.py | sha256sum | cut -c1-16)

# Forget models that are no longer in the shared folder.
for d in "$out"/*/; do
  [ -d "$d" ] || continue
  [ -f "$shared/models/tflite/$(basename "$d").tflite" ] || rm -rf "$d"
done

start=$SECONDS
made=0 cached=0 failed=0 models=0
for model in "$shared"/models/tflite/*.tflite; do
  stem=$(basename "$model" .tflite)
  dir=$out/$stem
  models=$((models + 1))
  want="$(sha256sum "$model" | cut -d' ' -f1) $gen_hash $oracle_hash"
  if [ $force -eq 0 ] && [ "$(cat "$dir/STAMP" 2>/dev/null)" = "$want" ]; then cached=$((cached + 1)); continue; fi
  rm -rf "$dir"; mkdir -p "$dir/.inputs"
  t0=$SECONDS
  if ! cases=$($python tools/reference_inputs.py tflite "$stem" "$shared" "$dir/.inputs" 2>"$dir/.inputs/log"); then
    echo "inputs: $(tail -3 "$dir/.inputs/log" | tr '\n' ' ')" >>"$dir/FAILED"; failed=$((failed + 1)); continue
  fi
  ok=1 permanent=1
  while read -r case args; do
    [ -n "$case" ] || continue
    tmp=$dir/.$case.tmp
    rm -rf "$tmp"; mkdir -p "$tmp"
    # shellcheck disable=SC2086  # args are the oracle's options, split on purpose
    if TFLITE_ORACLE_TMP="$oracle_dir/.tmp" "$oracle_dir/tflite-oracle" "$model" "$tmp" $args --timeout 180 >"$tmp/oracle.log" 2>&1; then
      mv "$tmp" "$dir/$case"; made=$((made + 1))
    else
      rc=$?; ok=0; failed=$((failed + 1)); [ $rc -eq 3 ] || permanent=0
      echo "$case: tflite-oracle exited with $rc: $(grep -iE 'error|fail' "$tmp/oracle.log" | tail -3 | tr '\n' ' ')" >>"$dir/FAILED"
      mv "$tmp/oracle.log" "$dir/$case.failed.log"; rm -rf "$tmp"
    fi
  done <<<"$cases"
  runtime=$(sed -nE 's/.*"name": "(tfjs-tflite|litert)".*/\1/p' "$dir"/*/meta.json 2>/dev/null | sort -u | tr '\n' ' ')
  echo "tflite references: $stem: $(($SECONDS - t0)) s, runtime ${runtime:-?}$([ $ok -eq 1 ] || echo ", FAILED: see $dir/FAILED")" >&2
  { [ $ok -eq 1 ] || [ $permanent -eq 1 ]; } && echo "$want" >"$dir/STAMP"
done
failed=$(cat "$out"/*/FAILED 2>/dev/null | wc -l)   # also the failures kept from earlier runs
summary="$models models: $made cases generated in $((SECONDS - start)) s, $cached models cached, $failed cases failed"
echo "tflite references: $summary" >&2
if [ $failed -gt 0 ]; then status "failed: $summary (see .cache/tflite-ref/*/FAILED)"; else status "ok: $summary"; fi
exit 0
