/**
 * Public, measured TFLite Micro latencies on real boards, and the fit of the latency model to them.
 *
 * Sources: MLPerf Tiny results repositories (closed division, TFLM submissions on Cortex-M: the median throughput
 * of `performance/results.txt`, latency = 1000 / throughput) for the four reference models, whose `.tflite` files are
 * in github.com/mlcommons/tiny (benchmark/training/*\/trained_models); and the ESP-NN comparison table of
 * github.com/espressif/esp-tflite-micro (README, time of `Invoke()` for the person_detection example model).
 * The features are what `latencyFeatures(modelWork(model))` gives for those files (a unit test recomputes them for
 * the models in ../shared).
 *
 * The fit (docs/fit-calibration.md): per kernel family a cost shape (relative cycles of a fully-connected MAC, a
 * depthwise MAC, an output element, an operator) and per board a scale (cycles per conv MAC), least squares on
 * log(latency). Families with one measurement reuse the shape of `cmsis-dsp` and fit only the scale.
 */
import type { CostShape, LatencyFeatures } from './latency-features';
import { shapedCycles } from './latency-features';

export type CalibrationModel = 'ad01' | 'ic-resnet8' | 'kws-dscnn' | 'vww-mobilenet' | 'person_detect';

/** latencyFeatures of the calibration models (MLPerf Tiny reference .tflite files, TFLM person_detect.tflite). */
export const CALIBRATION_FEATURES: Readonly<Record<CalibrationModel, LatencyFeatures>> = {
  'ad01': { convMacs: 0, fcMacs: 264192, dwMacs: 0, elements: 1672, ops: 10 },
  'ic-resnet8': { convMacs: 12500992, fcMacs: 640, dwMacs: 0, elements: 86016 + 10 + 28672 + 4096 + 10, ops: 16 },
  'kws-dscnn': { convMacs: 2368000, fcMacs: 768, dwMacs: 288000, elements: 40000 + 32000 + 12 + 8000 + 12, ops: 13 },
  'vww-mobilenet': { convMacs: 6690816, fcMacs: 512, dwMacs: 798336, elements: 142848 + 88704 + 2 + 2304 + 2, ops: 31 },
  'person_detect': { convMacs: 6193664, fcMacs: 0, dwMacs: 964224, elements: 124418 + 107136 + 2304 + 2, ops: 31 },
};

/** Which model file each calibration model is. */
export const CALIBRATION_MODEL_FILES: Readonly<Record<CalibrationModel, string>> = {
  'ad01': 'mlcommons/tiny benchmark/training/anomaly_detection/trained_models/ad01_int8.tflite',
  'ic-resnet8': 'mlcommons/tiny benchmark/training/image_classification/trained_models/pretrainedResnet_quant.tflite',
  'kws-dscnn': 'mlcommons/tiny benchmark/training/keyword_spotting/trained_models/kws_ref_model.tflite',
  'vww-mobilenet': 'mlcommons/tiny benchmark/training/visual_wake_words/trained_models/vww_96_int8.tflite',
  'person_detect': 'tflite-micro tensorflow/lite/micro/models/person_detect.tflite',
};

/** A kernel family: the code path whose cost shape is shared by the boards that run it. */
export type KernelFamily = 'cmsis-dsp' | 'cmsis-mve' | 'reference-scalar' | 'esp-nn';

export interface Measurement {
  /** Our catalog id of the board (or the chip's dev kit). */
  board: string;
  clockMhz: number;
  family: KernelFamily;
  model: CalibrationModel;
  latencyMs: number;
  source: string;
}

const MLPERF_V05_REF = 'mlcommons/tiny_results_v0.5 closed/reference/results/Nucleo-L4R5ZI (TFLM 2.3.1 + CMSIS-NN, mbed-os, GCC 6)';
const MLPERF_V07_RA6M4 = 'mlcommons/tiny_results_v0.7 closed/renesas/results/EK-RA6M4 (tflite-micro + CMSIS-NN, GCC 8.3)';
const MLPERF_V12_RA8D1 = 'mlcommons/tiny_results_v1.2 closed/Renesas/results/EK-RA8D1 (TFLM + CMSIS-NN Helium, LLVM 17)';
const ESP_README = 'espressif/esp-tflite-micro README, ESP-NN performance comparison (person_detection Invoke())';

export const MEASUREMENTS: readonly Measurement[] = [
  { board: 'nucleo_l4r5zi', clockMhz: 120, family: 'cmsis-dsp', model: 'ad01', latencyMs: 1000 / 99.487, source: MLPERF_V05_REF },
  { board: 'nucleo_l4r5zi', clockMhz: 120, family: 'cmsis-dsp', model: 'ic-resnet8', latencyMs: 1000 / 1.420, source: MLPERF_V05_REF },
  { board: 'nucleo_l4r5zi', clockMhz: 120, family: 'cmsis-dsp', model: 'kws-dscnn', latencyMs: 1000 / 5.497, source: MLPERF_V05_REF },
  { board: 'nucleo_l4r5zi', clockMhz: 120, family: 'cmsis-dsp', model: 'vww-mobilenet', latencyMs: 1000 / 1.665, source: MLPERF_V05_REF },
  { board: 'ek-ra6m4', clockMhz: 200, family: 'cmsis-dsp', model: 'ad01', latencyMs: 1000 / 216.772, source: MLPERF_V07_RA6M4 },
  { board: 'ek-ra6m4', clockMhz: 200, family: 'cmsis-dsp', model: 'ic-resnet8', latencyMs: 1000 / 4.062, source: MLPERF_V07_RA6M4 },
  { board: 'ek-ra6m4', clockMhz: 200, family: 'cmsis-dsp', model: 'kws-dscnn', latencyMs: 1000 / 19.774, source: MLPERF_V07_RA6M4 },
  { board: 'ek-ra6m4', clockMhz: 200, family: 'cmsis-dsp', model: 'vww-mobilenet', latencyMs: 1000 / 6.159, source: MLPERF_V07_RA6M4 },
  { board: 'ek-ra8d1', clockMhz: 480, family: 'cmsis-mve', model: 'ad01', latencyMs: 1000 / 1884.138, source: MLPERF_V12_RA8D1 },
  { board: 'ek-ra8d1', clockMhz: 480, family: 'cmsis-mve', model: 'ic-resnet8', latencyMs: 1000 / 117.948, source: MLPERF_V12_RA8D1 },
  { board: 'ek-ra8d1', clockMhz: 480, family: 'cmsis-mve', model: 'kws-dscnn', latencyMs: 1000 / 288.611, source: MLPERF_V12_RA8D1 },
  { board: 'ek-ra8d1', clockMhz: 480, family: 'cmsis-mve', model: 'vww-mobilenet', latencyMs: 1000 / 74.665, source: MLPERF_V12_RA8D1 },
  { board: 'esp32-s3-devkitc-1', clockMhz: 240, family: 'esp-nn', model: 'person_detect', latencyMs: 54, source: ESP_README },
  { board: 'esp32dev', clockMhz: 240, family: 'esp-nn', model: 'person_detect', latencyMs: 380, source: ESP_README },
  { board: 'esp32-c3-devkitm-1', clockMhz: 160, family: 'esp-nn', model: 'person_detect', latencyMs: 426, source: ESP_README },
  { board: 'esp32-s3-devkitc-1', clockMhz: 240, family: 'reference-scalar', model: 'person_detect', latencyMs: 2300, source: ESP_README },
  { board: 'esp32dev', clockMhz: 240, family: 'reference-scalar', model: 'person_detect', latencyMs: 4084, source: ESP_README },
  { board: 'esp32-c3-devkitm-1', clockMhz: 160, family: 'reference-scalar', model: 'person_detect', latencyMs: 3355, source: ESP_README },
];

/** Candidate shapes the fit searches (a grid: few points, so a coarse, bounded search is safer than free optimisation). */
const FC_GRID = [0.5, 0.75, 1, 1.5, 2, 3, 4];
const DW_GRID = [1, 1.5, 2, 3, 4, 6];
const ELEMENT_GRID = [0, 5, 10, 20, 40, 80];
const OP_GRID = [0, 2000, 5000, 10000, 20000];

export interface FamilyFit {
  shape: CostShape;
  /** Cycles per conv MAC of each board in the data. */
  scales: Record<string, number>;
}

const cyclesOf = (m: Measurement) => m.latencyMs * 1e3 * m.clockMhz;

/** Least squares on log(cycles): for each grid shape the best per-board scale is the mean log ratio. */
export function fitFamily(data: readonly Measurement[], fixedShape?: CostShape): FamilyFit {
  const shapes: CostShape[] = fixedShape ? [fixedShape] : [];
  if (!fixedShape) {
    for (const fcPerMac of FC_GRID) for (const dwPerMac of DW_GRID) for (const perElement of ELEMENT_GRID) for (const perOp of OP_GRID) {
      shapes.push({ fcPerMac, dwPerMac, perElement, perOp });
    }
  }
  let best: { err: number; fit: FamilyFit } | undefined;
  for (const shape of shapes) {
    const byBoard = new Map<string, number[]>();
    for (const m of data) {
      const r = Math.log(cyclesOf(m) / shapedCycles(CALIBRATION_FEATURES[m.model], shape));
      byBoard.set(m.board, [...(byBoard.get(m.board) ?? []), r]);
    }
    let err = 0;
    const scales: Record<string, number> = {};
    for (const [board, rs] of byBoard) {
      const mean = rs.reduce((a, b) => a + b, 0) / rs.length;
      scales[board] = Math.exp(mean);
      err += rs.reduce((a, r) => a + (r - mean) ** 2, 0);
    }
    if (!best || err < best.err - 1e-12) best = { err, fit: { shape, scales } };
  }
  return best!.fit;
}

/** The fitted model: cmsis-dsp and cmsis-mve get their own shapes; one-point families reuse the cmsis-dsp shape. */
export function fitAll(data: readonly Measurement[] = MEASUREMENTS): Record<KernelFamily, FamilyFit> {
  const of = (f: KernelFamily) => data.filter((m) => m.family === f);
  const dsp = fitFamily(of('cmsis-dsp'));
  return {
    'cmsis-dsp': dsp,
    'cmsis-mve': fitFamily(of('cmsis-mve')),
    'reference-scalar': fitFamily(of('reference-scalar'), dsp.shape),
    'esp-nn': fitFamily(of('esp-nn'), dsp.shape),
  };
}

export interface HeldOutResult {
  measurement: Measurement;
  predictedMs: number;
  /** predicted / measured */
  ratio: number;
}

/**
 * Leave-one-out: every measurement of a family with more than one model per board is predicted by a fit that did
 * not see it (same family, same board's other models). Families with a single point per board cannot be held out.
 */
export function leaveOneOut(data: readonly Measurement[] = MEASUREMENTS): HeldOutResult[] {
  const out: HeldOutResult[] = [];
  for (const family of ['cmsis-dsp', 'cmsis-mve'] as const) {
    const fam = data.filter((m) => m.family === family);
    fam.forEach((m, i) => {
      const fit = fitFamily(fam.filter((_, j) => j !== i));
      const scale = fit.scales[m.board];
      if (scale === undefined) return;
      const predictedMs = (scale * shapedCycles(CALIBRATION_FEATURES[m.model], fit.shape)) / (m.clockMhz * 1e3);
      out.push({ measurement: m, predictedMs, ratio: predictedMs / m.latencyMs });
    });
  }
  return out;
}
