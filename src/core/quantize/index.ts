/**
 * Post-training quantization of float .tflite models: int8 / int16x8 full integer, float16 and dynamic-range.
 *
 *   const { model } = loadModel(bytes);
 *   const { dataset } = await loadDataset('data/calib.npy', inputs);          // src/core/data
 *   const { calibration, heldOut } = splitHeldOut(dataset, 0.2);
 *   const result = await quantizeModel(model, calibration, { heldOut }, { onProgress, signal });
 *   fs.writeFileSync('model_int8.tflite', result.bytes);
 *   console.log(formatQuantizationReport(result.report, result.warnings));
 *
 * Calibration runs the float model on LiteRT; a cancelled run throws QuantizeError('cancelled') and returns nothing.
 */
export { quantizeModel, RECOMMENDED_CALIBRATION_SAMPLES } from './quantize-model';
export { evaluateQuantization } from './evaluate';
export { checkQuantizable, quantizeBlockers, type PreflightOptions, type QuantizeBlocker } from './preflight';
export { QuantizeError, type QuantizeErrorKind } from './errors';
export type { RangeMethod } from './range-estimation';
export type {
  AccuracyReport, LayerAccuracy, SourceInt8Report, OperatorReport, OutputAccuracy, QuantizationReport, QuantizeHooks, QuantizeMode, QuantizeOptions,
  QuantizeResult, Recipe, RecipeCandidate, RecipeMethod, RecipeReport, TensorReport, WeightRounding,
} from './types';
export { asymmetricParams, sqnr } from './quant-math';
export { formatQuantizationReport, HELD_OUT_FROM_DATA_NOTE, indexOutputText, liteRtComparisonText, mixedPrecisionCostText, mixedPrecisionKeptText, mixedPrecisionReportedText, mixedPrecisionTargetText, perTensorSummary, referenceModelText, sourceInt8Text, widenedOutputText, perChannelFcSkippedText, recipeLabel, recipeRuleText } from './report-text';
export { isTargetSqnrDb, MAX_TARGET_SQNR_DB, parseTargetSqnrDb, PER_CHANNEL_FC_MARGIN_DB, RANGE_METHOD_MARGIN_DB, RANGE_METHOD_MIN_T, SQNR_FLOOR_DB, SUGGESTED_TARGET_SQNR_DB } from './types';
export { TFLM_INT16_KERNELS, hasTflmInt16Kernel } from './int16-kernels';
export { applyPrecision, searchMixedPrecision, type HigherPrecision, type KeptLayer, type MixedPrecisionReport } from './mixed-precision';
export { equalizeChannels, type EqualizationReport } from './channel-equalization';
export { deviceMissed, targetMet } from './mixed-precision-report';
export { quantizedFileName, reportFileNames } from './output-names';
export { parseSavedReport, savedReportJson, type SavedQuantizationReport } from './saved-report';
