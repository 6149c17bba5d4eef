/** Post-training quantization of float .tflite models: int8 / int16x8 full integer, float16 and dynamic-range. */
export { quantizeModel, RECOMMENDED_CALIBRATION_SAMPLES } from './quantize-model';
export { evaluateQuantization } from './evaluate';
export { QuantizeError, type QuantizeErrorKind } from './errors';
export type { RangeMethod } from './range-estimation';
export type {
  AccuracyReport, LayerAccuracy, OperatorReport, OutputAccuracy, QuantizationReport, QuantizeHooks, QuantizeMode, QuantizeOptions,
  QuantizeResult, TensorReport,
} from './types';
export { asymmetricParams, sqnr } from './quant-math';
export { formatQuantizationReport } from './report-text';
