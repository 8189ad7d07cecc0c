#!/usr/bin/env bash
# Reference outputs from the real TensorFlow Lite runtime for the synthetic per-operator models (see
# docs/tflite-references.md, "The synthetic operator suite").
#
#   tools/tflite-synthetic-references.sh [--force]
#
# Needs the built conformance tests (dotnet build -c Release; test.sh runs this after its build) and the oracle that
# tools/tflite-references.sh installs into .cache/tflite-oracle (test.sh runs that first). It
#   1. writes the models: `dotnet tests/Depthwise.Conformance/bin/<config>/net10.0/Depthwise.Conformance.dll
#      write-tflite-synthetic .cache/tflite-synthetic` (the catalogue is tests/Depthwise.Conformance/TfLiteSynthetic;
#      a file is rewritten only when its bytes change), with models.tsv listing "name<TAB>oracle options";
#   2. runs the oracle once per model (seed 1, the model's options, --profile so oracle.log shows which kernels ran):
#      .cache/tflite-synthetic-ref/<name>/seed1/{input_<i>.npy, output_<i>.npy, meta.json, oracle.log}.
# A model is skipped while its STAMP (model sha256, this script's hash, the oracle's hash, the options) matches, so a
# rerun costs about a second. A failed case is listed in the model's FAILED file with its reason (the tests skip it,
# quoting that); the model gets no STAMP unless the oracle called it invalid or unsupported (exit code 3).
# Without the shared oracle, Chromium, node, the installed oracle or the built tests it prints why, records it in
# .cache/tflite-synthetic-ref/STATUS and exits 0: the tests then skip.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${DEPTHWISE_SHARED:-$root/../shared}
models=$root/.cache/tflite-synthetic
out=$root/.cache/tflite-synthetic-ref
oracle_dir=$root/.cache/tflite-oracle
force=0; [ "${1:-}" = "--force" ] && force=1
mkdir -p "$out"

status() { echo "$*" >"$out/STATUS"; }
skip() { echo "tflite synthetic references: skipped: $*" >&2; status "skipped: $*"; exit 0; }

[ -f "$shared/tools/tflite-oracle/oracle.js" ] || skip "no TFLite oracle at $shared/tools/tflite-oracle (set DEPTHWISE_SHARED to the shared folder)"
chromium=${TFLITE_ORACLE_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no Chromium at $chromium (apt-get install chromium; tools/install-prereqs.sh does)"
command -v node >/dev/null || skip "node not found"
command -v dotnet >/dev/null || skip "dotnet not found"

exec 9>"$out/.lock"
flock 9 2>/dev/null || true

# The same identity of the oracle as tools/tflite-references.sh, which installs it.
oracle_hash=$(cd "$shared/tools/tflite-oracle" && find . -path ./node_modules -prune -o -type f -print | LC_ALL=C sort \
  | xargs sha256sum | sha256sum | cut -c1-16)
[ "$(cat "$oracle_dir/.installed" 2>/dev/null)" = "$oracle_hash" ] \
  || skip "the oracle in .cache/tflite-oracle is missing or older than $shared/tools/tflite-oracle: run tools/tflite-references.sh first (it installs it; test.sh does)"

dll=""
for config in Release Debug; do
  candidate=$root/tests/Depthwise.Conformance/bin/$config/net10.0/Depthwise.Conformance.dll
  [ -f "$candidate" ] && { [ -z "$dll" ] || [ "$candidate" -nt "$dll" ]; } && dll=$candidate
done
[ -n "$dll" ] || skip "the conformance tests are not built (dotnet build tests/Depthwise.Conformance -c Release)"
dotnet "$dll" write-tflite-synthetic "$models" >"$out/.write.log" 2>&1 \
  || skip "writing the models failed: $(tail -3 "$out/.write.log" | tr '\n' ' ')"
[ -f "$models/models.tsv" ] || skip "the model writer made no $models/models.tsv"

gen_hash=$(sha256sum tools/tflite-synthetic-references.sh | cut -c1-16)
# Forget models that are no longer in the catalogue.
for d in "$out"/*/; do
  [ -d "$d" ] || continue
  grep -q "^$(basename "$d")	" "$models/models.tsv" || rm -rf "$d"
done

start=$SECONDS
made=0 cached=0 count=0
while IFS=$'\t' read -r name args; do
  [ -n "$name" ] || continue
  count=$((count + 1))
  model=$models/$name.tflite
  dir=$out/$name
  want="$(sha256sum "$model" | cut -d' ' -f1) $gen_hash $oracle_hash $args"
  if [ $force -eq 0 ] && [ "$(cat "$dir/STAMP" 2>/dev/null)" = "$want" ]; then cached=$((cached + 1)); continue; fi
  rm -rf "$dir"; mkdir -p "$dir"
  case=seed1 tmp=$dir/.seed1.tmp
  mkdir -p "$tmp"
  # shellcheck disable=SC2086  # args are the oracle's options, split on purpose
  if TFLITE_ORACLE_TMP="$oracle_dir/.tmp" "$oracle_dir/tflite-oracle" "$model" "$tmp" --seed 1 $args --profile --timeout 120 >"$tmp/oracle.log" 2>&1; then
    mv "$tmp" "$dir/$case"; made=$((made + 1))
    echo "$want" >"$dir/STAMP"
  else
    rc=$?
    echo "$case: tflite-oracle exited with $rc: $(grep -iE 'error|fail|unsupported' "$tmp/oracle.log" | tail -3 | tr '\n' ' ')" >>"$dir/FAILED"
    mv "$tmp/oracle.log" "$dir/$case.failed.log"; rm -rf "$tmp"
    [ $rc -eq 3 ] && echo "$want" >"$dir/STAMP"
    echo "tflite synthetic references: $name: FAILED (exit $rc), see $dir/$case.failed.log" >&2
  fi
done <"$models/models.tsv"
failed=$(cat "$out"/*/FAILED 2>/dev/null | wc -l)
summary="$count models: $made cases generated in $((SECONDS - start)) s, $cached cached, $failed failed"
echo "tflite synthetic references: $summary" >&2
if [ "$failed" -gt 0 ]; then status "failed: $summary (see .cache/tflite-synthetic-ref/*/FAILED)"; else status "ok: $summary"; fi
exit 0
