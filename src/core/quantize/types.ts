import type { ArenaFigureSource } from '../arena/figures';
import type { DatasetSplit } from '../data/dataset';
import type { ImageOptions } from '../data/options';
/** Options, progress hooks and results of quantizeModel / evaluateQuantization. */
import type { Dataset } from '../data/dataset';
import type { Model } from '../tflite/model';
import type { ArenaOptions } from '../arena/types';
import type { MixedPrecisionReport } from './mixed-precision-report';
import type { RangeMethod } from './range-estimation';
import type { ForwardPasses } from './forward-pass';
import type { FloatGraph } from './hybrid';

export type QuantizeMode = 'int8' | 'int16x8' | 'float16' | 'dynamic';

export interface QuantizeOptions {
  /** Default 'int8' (full integer). */
  mode?: QuantizeMode;
  /**
   * Type of the model's inputs and outputs: 'int8' (default; int16 in int16x8 mode) is what firmware feeds, 'float'
   * keeps float32 with QUANTIZE/DEQUANTIZE operators at the boundary.
   */
  io?: 'int8' | 'float';
  /** Inputs as uint8 (zero point + 128), for cameras that deliver bytes. Integer modes only. */
  uint8Input?: boolean;
  /**
   * How activation ranges are estimated from the calibration data. Unset: chosen per model with the rest of the
   * recipe (recipe.ts), by accuracy on `heldOut` (or on the calibration data when there is none).
   */
  calibration?: RangeMethod;
  /** For 'percentile': the percentile kept on each side (default 99.99). */
  percentile?: number;
  /** Per-channel weight scales for FULLY_CONNECTED (the TF converter: off). Unset: chosen with the recipe. */
  perChannelFullyConnected?: boolean;
  /** Shift biases by the mean error quantization causes on the calibration data. Unset: chosen with the recipe. */
  biasCorrection?: boolean;
  /**
   * How int8 weights are rounded: 'nearest', or 'gptq' (each layer's output error minimized against its input
   * moments from the calibration pass, weight-rounding.ts). Unset: nearest, and with an accuracy target chosen with the recipe.
   */
  weightRounding?: WeightRounding;
  /**
   * Rescale channels that stay far below their tensor's range before calibrating (channel-equalization.ts; the float
   * function is unchanged). Unset: on with an accuracy target, off otherwise.
   */
  equalizeChannels?: boolean;
  /** Keep operators that cannot be quantized in float, with QUANTIZE/DEQUANTIZE around them, instead of failing. */
  keepUnsupportedInFloat?: boolean;
  /**
   * What checkQuantizable returned for this model with the same mode, keepUnsupportedInFloat and kernels, when the
   * caller checked before loading any data (the CLI): not prepared again. Ignored for another model object.
   */
  checked?: FloatGraph;
  /** Dynamic-range mode: weights with fewer elements stay float (default 1024, as the TF converter). */
  dynamicMinElements?: number;
  /**
   * int8 mode: the worst output's SQNR (dB) wanted on `heldOut` (or the calibration data). Short of it, the most
   * sensitive layers are kept in int16x8 (float where TFLite Micro has no int16 kernel) — mixed-precision.ts.
   */
  targetSqnrDb?: number;
  /**
   * The firmware's TFLite Micro build (`--kernels`, `--margin`; in VS Code the `tinyml.arena.*` settings the hover
   * reads): its kernel set decides which int16x8 kernels exist (mixed precision, `--mode int16x8`), and the report's
   * arena figure is for it. Defaults: reference kernels, cortex-m, dsp, a 20% margin.
   */
  build?: ArenaOptions;
  /** Samples for the accuracy part of the report; they should not be the calibration samples. */
  heldOut?: Dataset;
  /** Names the model in messages, e.g. its file name. */
  modelName?: string;
}

export interface QuantizedArena extends ArenaFigureSource {
  target: string;
  kernels: string;
  /** CMSIS-NN's code path, with CMSIS-NN kernels. */
  isa?: string;
  exact: boolean;
}

/**
 * How activation ranges are set: one range method for every tensor, or 'per-tensor' (the method with the smallest
 * expected quantization error over each tensor's own histogram, see range-estimation.ts perTensorRange).
 */
export type RecipeMethod = RangeMethod | 'per-tensor';

/** One full-integer quantization recipe. */
export interface Recipe {
  method: RecipeMethod;
  perChannelFullyConnected: boolean;
  biasCorrection: boolean;
  /** Weights rounded against the layers' input moments (GPTQ) instead of to nearest; absent: nearest. */
  gptq?: true;
}

export type WeightRounding = 'nearest' | 'gptq';

export interface RecipeCandidate {
  recipe: Recipe;
  /** SQNR of each float output vs the reference on the scoring samples, dB. */
  outputsDb: number[];
  /** The worst output's SQNR: what candidates are ranked by. */
  scoreDb: number;
  /**
   * Bias correction or a range method tried against the incumbent: the paired t statistic of the noise it saves per
   * scoring sample on the worst output (recipe.ts pairedScoreGain). At RANGE_METHOD_MIN_T or more either way the scoring samples decide alone.
   */
  pairedT?: number;
  /** When the held-out samples left a range method's decision open: the worst-output SQNR on the leading calibration samples. */
  calibrationDb?: number;
  /** And the paired t there, against the incumbent. */
  calibrationPairedT?: number;
}

export interface RecipeReport {
  chosen: Recipe;
  /** Which parts the user fixed by options; the rest were chosen. */
  forced: ('method' | 'perChannelFullyConnected' | 'biasCorrection' | 'weightRounding')[];
  /** Every candidate scored, in the order tried (the chosen one included); empty when options fixed everything. */
  candidates: RecipeCandidate[];
  /** The samples candidates were scored on. */
  scoredOn?: {
    source: string; samples: number; /** False: no held-out data was given, the calibration samples scored. */ heldOut: boolean;
    /** The second view (recipe.ts calibrationView): how many leading calibration samples scored an open range decision. */
    calibrationSamples?: number;
    /** Held out, but too few calibration samples for the second view: an open range decision keeps per-tensor. */
    noCalibrationView?: true;
  };
  /** Per-channel FULLY_CONNECTED was not tried: its weights bound its gain to this (dB), below its margin. */
  perChannelFcBoundDb?: number;
  /** When the chosen method is 'per-tensor': how many tensors took each range method. */
  perTensor?: Partial<Record<RangeMethod, number>>;
}

export interface QuantizeHooks {
  /** Called between samples and between stages; `stage` is a short human label ("calibrating", ...). */
  onProgress?(done: number, total: number, stage: string): void;
  /** Checked between samples; an aborted run throws QuantizeError('cancelled') and returns nothing. */
  signal?: AbortSignal;
  /** Runs part of each forward pass on another thread (forward-helper.ts); quantizeModel starts its own. */
  forward?: ForwardPasses;
}

export interface OutputAccuracy {
  name: string;
  /** Signal-to-quantization-noise ratio of the quantized output vs the float output, dB. */
  sqnrDb: number;
  maxAbsError: number;
  meanAbsError: number;
  /**
   * A sample of (reference, quantized) output value pairs from the held-out run, at most OUTPUT_POINTS, spread over
   * the samples and the output's elements: what the inspector's scatter plot draws.
   */
  points?: { reference: number[]; quantized: number[] };
}

/** Value pairs kept per output for the scatter plot. */
export const OUTPUT_POINTS = 400;

export interface LayerAccuracy {
  /** Tensor name (shared by the float and the quantized model). */
  tensor: string;
  /** The operator that produces it, e.g. "CONV_2D #3". */
  producer: string;
  sqnrDb: number;
  maxAbsError: number;
  /** Size of one quantization step of the tensor, to read maxAbsError against; 0 for a layer kept in float. */
  scale: number;
}

export interface AccuracyReport {
  source: string;
  /** What the quantized outputs are compared with: the float model, or the hybrid model the user gave. */
  reference?: 'float' | 'hybrid';
  samples: number;
  outputs: OutputAccuracy[];
  /** Fraction of samples whose arg-max agrees, for outputs that look like class scores (rank ≤ 2, > 1 class). */
  top1Agreement?: number;
  /** Per intermediate tensor, in execution order: where the quantization error comes from. */
  layers: LayerAccuracy[];
  /** When the layers were compared on fewer samples than the outputs: the first this many (TFLM_EVAL_MAC_BUDGET). */
  layerSamples?: number;
  /** Names of the outputs whose SQNR is below SQNR_FLOOR_DB: the quantized model is not a faithful copy there. */
  belowFloor?: string[];
  /** The same comparison with the quantized model's outputs as TFLite Micro's reference kernels compute them. */
  tflm?: TflmAccuracy;
  /**
   * Outputs that hold indices (an ARG_MAX / ARG_MIN of the values named `of`, index-heads.ts): `outputs` scores those
   * values in their place; this counts how often the written model's indices equal the float model's.
   */
  indexOutputs?: { name: string; op: string; of: string; agree: number; values: number }[];
}

/** One output as TFLite Micro computes it, beside LiteRT's figure on the same samples. */
export interface TflmOutputAccuracy extends OutputAccuracy {
  /**
   * LiteRT's SQNR of this output on the same samples (absent in reports saved before it was added). The TFLite Micro
   * figure covers only the first samples; against the all-sample figure a gap could be the subset's, not the device's.
   */
  liteRtSqnrDb?: number;
}

/**
 * Accuracy as a microcontroller computes it: the quantized model run by tflm-reference.ts (bit-exact with TFLite
 * Micro's reference kernels), against the same reference outputs as AccuracyReport.outputs (which come from LiteRT,
 * whose int8 kernels round differently).
 */
export interface TflmAccuracy {
  /** Why it was not computed (an operator or type the reference evaluator does not cover); nothing else is then set. */
  notComputed?: string;
  /** The first `samples` held-out samples (capped by TFLM_EVAL_MAC_BUDGET: the evaluator is plain JS). */
  samples: number;
  outputs: TflmOutputAccuracy[];
  top1Agreement?: number;
  /** LiteRT's top-1 agreement on the same `samples`: with liteRtSqnrDb, what tells the device's loss from the subset's. */
  liteRtTop1Agreement?: number;
  /** Largest |TFLite Micro − LiteRT| over the integer outputs, in quantization steps, and the fraction of values that differ. */
  maxLsbVsLiteRt: number;
  fractionDifferVsLiteRt: number;
  /**
   * How many integer output values those two figures cover: 0 when every output is float (`--io float`), where
   * they say nothing. Absent in reports saved before it was counted (their outputs were integer ones).
   */
  integerValues?: number;
  /** Float outputs (`--io float`): how many values were compared, and the share TFLite Micro computes unlike LiteRT. */
  floatValues?: number;
  floatDifferVsLiteRt?: number;
}

/**
 * Below this output SQNR (dB) a quantized model is not a usable copy of its reference (the noise is a sixth of the
 * signal's amplitude or more); the report and the CLI say so loudly instead of exiting quietly.
 */
export const SQNR_FLOOR_DB = 15;

/**
 * The accuracy target suggested where an output falls below the floor with none set (the CLI's warning, VS Code's
 * "Quantize again with a 20 dB target", the first target of VS Code's pick): noise a tenth of the signal.
 */
export const SUGGESTED_TARGET_SQNR_DB = 20;

/** The largest accuracy target (--target-sqnr, tinyml.quantize.targetSqnrDb); package.json states the same bounds. */
export const MAX_TARGET_SQNR_DB = 100;

/** Whether `db` is a usable accuracy target: above 0 dB (0 is met by any model) and at most MAX_TARGET_SQNR_DB. */
export const isTargetSqnrDb = (db: number): boolean => Number.isFinite(db) && db > 0 && db <= MAX_TARGET_SQNR_DB;

/**
 * An accuracy target as a user types it (--target-sqnr, VS Code's input box): a decimal number of dB, with an
 * optional '+' and unit ("20", "+20", "20 dB", "22.5dB"); undefined when it is not one or not a usable target
 * (isTargetSqnrDb). Decimal only: Number() would also take "0x14" or "1e1".
 */
export function parseTargetSqnrDb(text: string): number | undefined {
  const m = /^\s*\+?(\d+(?:\.\d*)?|\.\d+)\s*(?:db)?\s*$/i.exec(text);
  const db = m ? Number(m[1]) : NaN;
  return isTargetSqnrDb(db) ? db : undefined;
}

/** How much better (dB) per-channel FULLY_CONNECTED must score to be chosen when the user left it open (recipe.ts). */
export const PER_CHANNEL_FC_MARGIN_DB = 0.5;

/**
 * How much better (dB) a single range method for every tensor must score than the per-tensor choice to replace it
 * (recipe.ts): a few scoring samples swing scores by tenths of a dB, the per-tensor choice rests on all calibration values.
 */
export const RANGE_METHOD_MARGIN_DB = 0.1;

/**
 * A paired t statistic of the per-sample noise saved on the worst output (recipe.ts pairedScoreGain) this large either way makes the
 * scoring samples clear: they decide a range method alone, and bias correction is dropped only at -t or below
 * (recipe.ts decide, keepsBiasCorrection). Below it a range method also needs the calibration view.
 */
export const RANGE_METHOD_MIN_T = 2;

/** The calibration view scores this many leading calibration samples (all there are, when fewer). */
export const CALIBRATION_VIEW_SAMPLES = 32;

export interface OperatorReport {
  index: number;
  op: string;
  /** 'quantized', 'float' (kept float on request) or 'unchanged' (no float data to quantize). */
  status: 'quantized' | 'float' | 'unchanged';
  version: number;
}

export interface TensorReport {
  name: string;
  type: string;
  /** Observed range (activations) or value range (weights); absent for fixed-parameter outputs. */
  min?: number;
  max?: number;
  scale: number[];
  zeroPoint: number[];
}

/** What the source model already had quantized: a hybrid model (int8 weights in float kernels) or int8 weights behind DEQUANTIZE. */
export interface SourceInt8Report {
  /** Operators of the source model that run hybrid kernels (int8 weights, float activations). */
  hybridOps: number;
  /** Weight tensors whose int8 values and scales went into the result unchanged. */
  weightsKept: number;
  /** Weight tensors that had to be quantized again, each with the reason. */
  weightsRequantized: string[];
}

export interface QuantizationReport {
  mode: QuantizeMode;
  io: 'int8' | 'float';
  /** Present when the source model was not all float. Accuracy is then measured against the source model as given. */
  sourceInt8?: SourceInt8Report;
  calibration?: {
    method: RecipeMethod; samples: number; source: string; forwardMs: number; /** Samples per runtime call. */ batch: number;
    /** When the held-out samples were split off the calibration data: what the user gave and how it was split. */
    split?: DatasetSplit;
    /** The image options the data was read with, when not the defaults (Compare reads the held-out part the same way). */
    image?: ImageOptions;
  };
  /** The full-integer recipe used and, when it was chosen automatically, the score of every alternative. */
  recipe?: RecipeReport;
  sizeBefore: number;
  sizeAfter: number;
  operators: OperatorReport[];
  activations: TensorReport[];
  accuracy?: AccuracyReport;
  /** Present when a target SQNR was asked for: the layers kept in higher precision, what they cost, and whether it was met. */
  mixedPrecision?: MixedPrecisionReport;
  /** Channels rescaled before calibration (channel-equalization.ts), when any were. */
  equalization?: EqualizationReport;
  /** What TFLite Micro can do with the result, when that analysis is available. */
  tflm?: { runs: boolean; notes: string[]; /** The three arena figures (core/arena/figures.ts) on the default build. */ arena?: QuantizedArena };
  /** quantizeModel's own time; the CLI replaces it with the whole command's, from process start (cli/commands/quantize.ts). */
  totalMs: number;
}

export interface QuantizeResult {
  model: Model;
  bytes: Uint8Array;
  report: QuantizationReport;
  warnings: string[];
}

/** What channel equalization (channel-equalization.ts) did: producer → consumer pairs rescaled, channels, largest scale. */
export interface EqualizationReport {
  layers: number;
  channels: number;
  maxScale: number;
}
