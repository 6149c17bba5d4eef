#!/usr/bin/env bash
# Makes the folder of spoken keyword clips that bench/quantize-pairs.bench.ts reads for the MLPerf Tiny KWS pair
# (TINYML_BENCH_SPEECH=OUT_DIR): the ten Speech Commands keywords and ten of its "unknown" words, spoken by Debian's
# two speech synthesizers (espeak-ng: 31 voice variants × 2 speeds × 2 pitches; flite: 5 voices × 3 speeds × 3
# pitches for the keywords; one variant per voice for the unknown words), as 16 kHz mono 16-bit 1 s clips like the Speech
# Commands ones (bench/speech-clips-16k.ts, built here first, resamples, trims the silence and pads to 16000 samples,
# reading the WAV files with the project's own decoder). Nothing of it is committed here; the .deb files are downloaded with apt-get (no root needed) and unpacked into a scratch folder.
#   bash scripts/make-speech-clips.sh <out dir>
# File names: <word>__<engine>-<voice>-s<speed>-p<pitch>.wav (one utterance per file).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 <out dir>" >&2; exit 2; }
OUT="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
( cd "$WORK" && apt-get download espeak-ng espeak-ng-data libespeak-ng1 libpcaudio0 libsonic0 flite libflite1 >/dev/null 2>&1 ) || { echo "apt-get download failed (run apt-get update once?)" >&2; exit 1; }
for d in "$WORK"/*.deb; do dpkg-deb -x "$d" "$WORK/root"; done
LIB="$(dirname "$(find "$WORK/root" -name 'libespeak-ng.so.1*' | head -1)")"
ESPEAK_DATA="$(dirname "$(find "$WORK/root" -name phontab | head -1)")/.."
LIBS="$LIB:$(dirname "$(find "$WORK/root" -name 'libflite.so.1*' | head -1)")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The unpacked programs, found as the libraries are (wherever the packages put them).
program() { find "$WORK/root" -type f -name "$1" -perm -u+x | head -1; }
ESPEAK_BIN="$(program espeak-ng)"
FLITE_BIN="$(program flite)"
# They still need the system's own libraries (ALSA, PulseAudio client), which are not downloaded here.
for bin in "$ESPEAK_BIN" "$FLITE_BIN"; do
  [ -n "$bin" ] || { echo "the unpacked packages hold no espeak-ng or flite program" >&2; exit 1; }
  missing="$(LD_LIBRARY_PATH="$LIBS" ldd "$bin" | awk '/not found/ {print $1}' | tr '\n' ' ')"
  [ -z "$missing" ] || { echo "$(basename "$bin") needs $missing- install the packages that provide them (e.g. apt-get install libasound2 libpulse0; the name may end in t64), then run this again" >&2; exit 1; }
done
ESPEAK() { LD_LIBRARY_PATH="$LIBS" "$ESPEAK_BIN" --path="$ESPEAK_DATA" "$@"; }
FLITE() { LD_LIBRARY_PATH="$LIBS" "$FLITE_BIN" "$@"; }

KEYWORDS="yes no up down left right on off stop go"
UNKNOWN="bed bird cat dog happy house marvin sheila tree wow"
VOICES="m1 m2 m3 m4 m5 m6 m7 m8 f1 f2 f3 f4 f5 klatt klatt2 klatt3 Andy Annie Michael grandma grandpa linda john david edward max aunty norbert steph robert travis"
RAW="$WORK/raw"
mkdir -p "$RAW"
for w in $KEYWORDS $UNKNOWN; do
  case " $KEYWORDS " in *" $w "*) speeds="120 175"; pitches="35 70"; fspeeds="0.85 1.1 1.4"; fpitches="90 120 160";;
                                *) speeds="150"; pitches="50"; fspeeds="1.1"; fpitches="120";; esac
  for v in $VOICES; do
    for s in $speeds; do for p in $pitches; do
      ESPEAK -v "en+$v" -s "$s" -p "$p" -w "$RAW/${w}__espeak-$v-s$s-p$p.wav" "$w"
    done; done
  done
  for v in kal awb rms slt kal16; do
    for s in $fspeeds; do for p in $fpitches; do
      FLITE -voice "$v" --setf duration_stretch="$s" --setf int_f0_target_mean="$p" -t "$w" -o "$RAW/${w}__flite-$v-s$s-p$p.wav"
    done; done
  done
done
mkdir -p "$OUT"
( cd "$HERE/.." && node scripts/build-tests.mjs >/dev/null )
node "$HERE/../out/bench/speech-clips-16k.js" "$RAW" "$OUT"
