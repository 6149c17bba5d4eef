#!/usr/bin/env bash
# firmware-check.sh OUT_DIR VARIANT MODEL... : exports each model with `tinyml export --boilerplate` into
# OUT_DIR/<name>, then, with real TFLite Micro (../shared/tflm/fw_check.sh, TFLM_OUT set):
#   1. the runner + the firmware-style main (fw/main.cc), -Wall -Wextra, built and run on VARIANT (x86_64 | arm);
#   2. the generated host test (host_test/, its CMakeLists.txt), built and run on VARIANT;
#   3. a too-small -D<PREFIX>_TENSOR_ARENA_SIZE=<minimum - 16>, which must fail to compile naming the minimum.
# Warnings are counted in our files only (TFLite Micro's own headers warn under -Wextra when not -isystem).
# Env: TFLM_OUT (the build of ../shared/tflm/build.sh), SHARED (default: ../shared beside the repository).
set -uo pipefail
: "${TFLM_OUT:?set TFLM_OUT to the TFLite Micro build (see ../shared/tflm/README.md)}"
HERE=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$HERE/../shared}
OUT=$1; V=$2; shift 2
SRC=$(cat "$TFLM_OUT/src_root")
mkdir -p "$OUT"
for MODEL in "$@"; do
  NAME=$(basename "$MODEL" .tflite); D=$OUT/$NAME
  rm -rf "$D"; mkdir -p "$D"
  node "$HERE/dist/cli.js" export "$MODEL" --out "$D" --boilerplate > "$D/export.log" 2>&1 || { echo "$NAME: export failed"; cat "$D/export.log"; continue; }
  cp "$SHARED/tflm/fw/main.cc" "$D/"
  MIN=$(sed -n 's/^#define MODEL_TENSOR_ARENA_MIN_SIZE \([0-9]*\)$/\1/p' "$D/model_runner.h" | tr '\n' ' ')
  echo "== $NAME ($V): minimum arena (32-bit, 64-bit): $MIN"
  bash "$SHARED/tflm/fw_check.sh" "$D" "$V" "-Wextra" > "$D/runner-$V.log" 2>&1
  echo "runner: $(grep -E 'model_setup ->|model_invoke ->|model_get_output0 ->|exit=' "$D/runner-$V.log" | tr '\n' ' ')"
  echo "runner warnings in our files: $(grep 'warning:' "$D/build-$V-x/build.log" | grep -vc "^$SRC")"
  if [ -d "$D/host_test" ]; then
    bash "$SHARED/tflm/fw_check.sh" "$D/host_test" "$V" > "$D/host-test-$V.log" 2>&1
    echo "host test: $(grep -E '^(PASS|FAIL)|exit=' "$D/host-test-$V.log" | tr '\n' ' ')"
    echo "host test warnings: $(grep -c 'warning:' "$D/host_test/build-$V/build.log")"
  else
    echo "host test: none ($(grep 'No host test' "$D/export.log"))"
  fi
  if [ "$V" = arm ]; then SMALL=$(( $(echo "$MIN" | awk '{print $1}') - 16 )); else SMALL=$(( $(echo "$MIN" | awk '{print $NF}') - 16 )); fi
  bash "$SHARED/tflm/fw_check.sh" "$D" "$V" "-DMODEL_TENSOR_ARENA_SIZE=$SMALL" > "$D/small-$V.log" 2>&1
  echo "override $SMALL: $(grep -m1 -o 'static assertion failed: .*' "$D/build-$V-x/build.log" || echo 'COMPILED (unexpected)')"
done
