#!/usr/bin/env bash
# Extracts the MLPerf Tiny float/int8 pairs and their real inputs that bench/quantize-pairs.bench.ts reads
# (TINYML_BENCH_MLPERF=OUT_DIR) from a clone of github.com/mlcommons/tiny (bare or not). Nothing of it is committed here.
#   bash scripts/extract-mlperf-pairs.sh <mlcommons/tiny git dir> <out dir>
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 <mlcommons/tiny git dir> <out dir>" >&2; exit 2; }
GIT="git --git-dir=$1"
mkdir -p "$2"
for p in \
  benchmark/training/visual_wake_words/trained_models/vww_96_float.tflite \
  benchmark/training/visual_wake_words/trained_models/vww_96_int8.tflite \
  benchmark/training/image_classification/trained_models/pretrainedResnet_large_float.tflite \
  benchmark/training/image_classification/trained_models/pretrainedResnet_large_int8.tflite \
  benchmark/training/anomaly_detection/trained_models/ToyCar/baseline_tf23/model/model_ToyCar.tflite \
  benchmark/training/anomaly_detection/trained_models/ToyCar/baseline_tf23/model/model_ToyCar_quant_fullint.tflite \
  benchmark/training/anomaly_detection/trained_models/ToyCar/baseline_tf23/model/model_ToyCar_quant_fullint_micro_intio.tflite \
  benchmark/reference_submissions/anomaly_detection/datasets/dcase01/normal_id_01_00000000_hist_librosa.bin \
  benchmark/training/keyword_spotting/trained_models/kws_ref_model_float32.tflite \
  benchmark/training/keyword_spotting/trained_models/kws_ref_model.tflite \
  benchmark/runner/sd_card/short_wav_easy10s.wav \
  benchmark/runner/sd_card/marvin_617de221_0.wav; do
  $GIT show "HEAD:$p" > "$2/$(basename "$p")"
done
ls -l "$2"
