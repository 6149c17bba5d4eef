#!/usr/bin/env bash
# Regenerates src/core/tflite/generated/ from the upstream TFLite schema with flatc (Debian: flatbuffers-compiler).
# flatc 2.0.8 cannot parse the `(deprecated)` attribute on an enum value and on a union member, so those two
# attributes are dropped on a temporary copy first; the generated code is committed so a clone builds without flatc.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
schema=${1:-"$here/../shared/tflite/schema.fbs"}
out="$here/src/core/tflite/generated"
command -v flatc >/dev/null || { echo "flatc not found: apt-get install flatbuffers-compiler" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -E -e 's/^(\s*REDUCE_WINDOW = 205) \(deprecated\)/\1/' -e 's/^(\s*ReduceWindowOptions) \(deprecated\)/\1/' \
  "$schema" > "$tmp/schema.fbs"
flatc --ts -o "$tmp/ts" "$tmp/schema.fbs"
rm -rf "$out"
mkdir -p "$out"
cp -r "$tmp/ts/." "$out/"
echo "generated $(find "$out" -name '*.ts' | wc -l) files into src/core/tflite/generated"
mkdir -p "$here/src/core/tflite/generated-meta"
node "$here/scripts/gen-table-schema.mjs" "$tmp/schema.fbs" "$here/src/core/tflite/generated-meta/table-schema.ts"
