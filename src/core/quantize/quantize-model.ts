/**
 * quantizeModel: the one entry point of post-training quantization. Full-integer modes (int8, int16x8) calibrate on
 * the runtime and rewrite the graph; float16 and dynamic-range modes only touch weights and need no data.
 */
import type { Dataset } from '../data/dataset';
import { writeModel, type Model } from '../tflite/index';
import { calibrate } from './calibrate';
import { QuantizeError, throwIfAborted } from './errors';
import { float16Weights } from './float16-weights';
import { dynamicRangeWeights } from './dynamic-range';
import { checkQuantizable } from './preflight';
import { quantizeIntegerGraph, tensorsToCalibrate } from './integer-graph';
import { INT16_ACTIVATION, INT8_ACTIVATION } from './quant-math';
import { checkDataset } from './tensor-io';
import { evaluateQuantization } from './evaluate';
import { tflmReport } from './tflm-report';
import { applyBiasCorrection } from './bias-correction';
import type { QuantizationReport, QuantizeHooks, QuantizeOptions, QuantizeResult } from './types';

/** Fewer calibration samples than this draws a warning: ranges from a handful of samples clip real data. */
export const RECOMMENDED_CALIBRATION_SAMPLES = 100;

export async function quantizeModel(model: Model, calibration: Dataset, options: QuantizeOptions = {}, hooks: QuantizeHooks = {}): Promise<QuantizeResult> {
  const t0 = performance.now();
  const name = options.modelName ?? 'the model';
  const mode = options.mode ?? 'int8';
  const io = options.io ?? 'int8';
  const warnings: string[] = [];
  const floatGraph = checkQuantizable(model, { mode, keepUnsupportedInFloat: !!options.keepUnsupportedInFloat, name });
  const sizeBefore = writeModel(model).byteLength;
  throwIfAborted(hooks.signal, 'Quantization');

  let quantized: Model;
  let report: QuantizationReport;
  // Weights stored as float16 or int8 (behind DEQUANTIZE or in hybrid kernels) become float constants first.
  const prepared = floatGraph.model;
  if (mode === 'float16' || mode === 'dynamic') {
    const r = mode === 'float16' ? float16Weights(prepared) : dynamicRangeWeights(prepared, { minElements: options.dynamicMinElements ?? 1024, perChannelFullyConnected: !!options.perChannelFullyConnected });
    quantized = r.model;
    warnings.push(...r.warnings);
    report = { mode, io: 'float', sizeBefore, sizeAfter: 0, operators: r.operators, activations: [], totalMs: 0 };
  } else {
    const activation = mode === 'int16x8' ? 'int16' : 'int8';
    checkDataset(prepared, calibration, 'calibration');
    if (calibration.samples.length < RECOMMENDED_CALIBRATION_SAMPLES) {
      warnings.push(`Only ${calibration.samples.length} calibration sample(s) in ${calibration.source}; ${RECOMMENDED_CALIBRATION_SAMPLES} or more give ranges that hold on new data.`);
    }
    const method = options.calibration ?? 'minmax';
    const cal = await calibrate(prepared, calibration, tensorsToCalibrate(prepared, activation), {
      method, intRange: activation === 'int16' ? INT16_ACTIVATION : INT8_ACTIVATION, symmetric: activation === 'int16', name,
      ...(options.percentile !== undefined ? { percentile: options.percentile } : {}),
    }, hooks);
    const graph = quantizeIntegerGraph(prepared, cal.ranges, {
      activation, io, uint8Input: !!options.uint8Input, perChannelFullyConnected: !!options.perChannelFullyConnected,
      keepUnsupportedInFloat: !!options.keepUnsupportedInFloat, name, int8Origins: floatGraph.int8Origins,
    });
    quantized = graph.model;
    if (options.biasCorrection) {
      hooks.onProgress?.(0, calibration.samples.length, 'bias correction');
      quantized = await applyBiasCorrection(prepared, quantized, calibration, hooks);
    }
    warnings.push(...graph.warnings);
    const sourceInt8 = floatGraph.hybridOps || floatGraph.int8Origins.size
      ? { hybridOps: floatGraph.hybridOps, weightsKept: graph.int8Weights.kept, weightsRequantized: graph.int8Weights.requantized }
      : undefined;
    report = {
      ...(sourceInt8 ? { sourceInt8 } : {}),
      mode, io, sizeBefore, sizeAfter: 0, operators: graph.operators, activations: graph.activations, totalMs: 0,
      calibration: { method, samples: cal.samples, source: calibration.source, forwardMs: cal.forwardMs, batch: cal.batch },
    };
  }
  const bytes = writeModel(quantized);
  report.sizeAfter = bytes.byteLength;
  if (mode === 'dynamic') {
    warnings.push('Dynamic-range models keep float activations and use hybrid kernels: TFLite Micro cannot run them. Use int8 for microcontrollers.');
  }
  const tflm = tflmReport(quantized);
  if (tflm) report.tflm = tflm;
  report.totalMs = performance.now() - t0;
  if (options.heldOut) {
    throwIfAborted(hooks.signal, 'Quantization');
    report.accuracy = await evaluateQuantization(writeModel(model), bytes, options.heldOut, hooks);
    if (floatGraph.hybridOps) report.accuracy.reference = 'hybrid';
  }
  return { model: quantized, bytes, report, warnings };
}
