#!/usr/bin/env bash
# The one test command (README's second command; .ci/run calls it). Installs prerequisites, builds everything
# in Release with warnings as errors, runs every test project, and ends with the totals on their own line.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
tools/install-prereqs.sh || { echo "prerequisites failed to install"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# Reference outputs of the real models in ../shared (TFLite in headless Chromium, ONNX Runtime), cached in .cache/,
# made while the build runs (about a minute the first time, under a second once cached); when they cannot be made,
# the tests that need them skip and say why (docs/tflite-references.md).
refs_log=$(mktemp)
( tools/tflite-references.sh || echo "tflite references: generator failed; the TFLite oracle tests will skip"
  tools/ort-references.sh || echo "ort references: generator failed; the ORT reference tests will skip" ) >"$refs_log" 2>&1 &
refs_pid=$!
dotnet build Depthwise.slnx -c Release -nologo -v q; build=$?
wait "$refs_pid"; cat "$refs_log"; rm -f "$refs_log"
# TFLite's outputs on the synthetic per-operator models (written by the built conformance tests, run through the oracle
# installed above; about 40 s the first time, a few seconds once cached; without the oracle or Chromium it says why and
# TfLiteSyntheticTests skip quoting it).
[ "$build" -eq 0 ] && { tools/tflite-synthetic-references.sh || echo "tflite synthetic references: generator failed; TfLiteSyntheticTests will skip"; }
# The installed oracle also runs live in one vision test (BlazeFace pre/post-processing around the real TFLite).
[ -x .cache/tflite-oracle/tflite-oracle ] && export DEPTHWISE_TFLITE_ORACLE=$PWD/.cache/tflite-oracle/tflite-oracle
if [ "$build" -ne 0 ]; then
  echo "build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
passed=0; failed=0; skipped=0; status=0
log=$(mktemp)
run() { # run NAME ENV... -- PROJECT [FILTER]
  local name=$1; shift
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  local proj=$1 filter=${2:-}
  echo "== $name"
  local args=(test "$proj" -c Release --no-build --nologo --logger "console;verbosity=detailed")
  [ -n "$filter" ] && args+=(--filter "$filter")
  env "${envs[@]}" dotnet "${args[@]}" >"$log" 2>&1
  local rc=$?
  # Show failures and skips (with their reasons); passing tests stay quiet.
  awk '/^ *(Failed|Skipped) [A-Za-z]/{show=1} /^ *Passed [A-Za-z]/{show=0} /^Test Run|^Total tests/{show=0} show' "$log" | head -300
  local p f s
  p=$(sed -nE 's/^ +Passed: +([0-9]+)$/\1/p' "$log" | tail -1)
  f=$(sed -nE 's/^ +Failed: +([0-9]+)$/\1/p' "$log" | tail -1)
  s=$(sed -nE 's/^ +Skipped: +([0-9]+)$/\1/p' "$log" | tail -1)
  if ! grep -q "^Total tests:" "$log"; then
    echo "no test summary from $proj (exit $rc)"; tail -30 "$log"; failed=$((failed+1)); status=1; return
  fi
  passed=$((passed+${p:-0})); failed=$((failed+${f:-0})); skipped=$((skipped+${s:-0}))
  echo "   ${p:-0} passed, ${f:-0} failed, ${s:-0} skipped"
  [ "$rc" -ne 0 ] && status=1
}
for proj in tests/*/*.csproj; do
  run "$(basename "$proj" .csproj)" DOTNET_TieredPGO=0 -- "$proj"
done
# DESIGN convention 8: every SIMD path runs on this one machine by switching the wider ISAs off.
# (.NET 10 reads DOTNET_EnableAVX512; the older DOTNET_EnableAVX512F name is ignored.)
kernels="FullyQualifiedName~Depthwise.Tests.Kernels"
run "kernels without AVX-512" DOTNET_EnableAVX512=0 -- tests/Depthwise.Tests/Depthwise.Tests.csproj "$kernels"
# (the AVX-VNNI kernels' own tests are left out of the rows that switch AVX-VNNI off, instead of skipping there)
run "kernels without AVX2 (Vector128 path)" DOTNET_EnableAVX2=0 -- tests/Depthwise.Tests/Depthwise.Tests.csproj "$kernels&FullyQualifiedName!~Vnni"
run "kernels without hardware intrinsics (scalar path)" DOTNET_EnableHWIntrinsic=0 -- tests/Depthwise.Tests/Depthwise.Tests.csproj "$kernels&FullyQualifiedName!~Vnni"
# The int8 kernels also have AVX-VNNI (vpdpbusd) and AVX-512 VBMI (vpermt2b) variants, picked first when present:
# switch those off to run the plain AVX-512BW and AVX2 int8 paths (.NET 10: EnableAVX512v2 covers VBMI).
quant="FullyQualifiedName~Depthwise.Tests.Kernels.Quantized|FullyQualifiedName~QLinear|FullyQualifiedName~Q8"
run "int8 kernels on AVX-512 without VBMI and AVX-VNNI" DOTNET_EnableAVX512v2=0 DOTNET_EnableAVXVNNI=0 -- tests/Depthwise.Tests/Depthwise.Tests.csproj "($quant)&FullyQualifiedName!~Vnni"
# Whole networks against ONNX Runtime and TensorFlow Lite, and the ONNX node tests, on every ISA path too.
whole="FullyQualifiedName~TorchvisionModelTests.AgreesWithOnnxRuntime|FullyQualifiedName~OnnxNodeConformanceTests"
whole+="|FullyQualifiedName~TfLiteOracleTests.AgreesWithTfLite|FullyQualifiedName~OrtReferenceTests.AgreesWithOnnxRuntime"
whole+="|FullyQualifiedName~TfLiteSyntheticTests.AgreesWithTfLite"
run "ORT/TFLite agreement and node tests without AVX-512" DOTNET_EnableAVX512=0 -- tests/Depthwise.Conformance/Depthwise.Conformance.csproj "$whole"
run "ORT/TFLite agreement and node tests without AVX2" DOTNET_EnableAVX2=0 -- tests/Depthwise.Conformance/Depthwise.Conformance.csproj "$whole"
run "ORT/TFLite agreement and node tests without hardware intrinsics" DOTNET_EnableHWIntrinsic=0 -- tests/Depthwise.Conformance/Depthwise.Conformance.csproj "$whole"
qmodels="FullyQualifiedName~TfLiteOracleTests.AgreesWithTfLite|FullyQualifiedName~OrtReferenceTests.AgreesWithOnnxRuntime"
qmodels+="|FullyQualifiedName~TfLiteSyntheticTests.AgreesWithTfLite"
run "quantized models on AVX-512 without VBMI and AVX-VNNI" DOTNET_EnableAVX512v2=0 DOTNET_EnableAVXVNNI=0 -- tests/Depthwise.Conformance/Depthwise.Conformance.csproj "$qmodels"
run "quantized models on AVX2 without AVX-VNNI" DOTNET_EnableAVX512=0 DOTNET_EnableAVXVNNI=0 -- tests/Depthwise.Conformance/Depthwise.Conformance.csproj "$qmodels"
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
