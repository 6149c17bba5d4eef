/**
 * quantizeModel: the one entry point of post-training quantization. Full-integer modes (int8, int16x8) calibrate on
 * the runtime and rewrite the graph; float16 and dynamic-range modes only touch weights and need no data.
 */
import { loud, LOUD } from './loud-warnings';
import { formatPercent } from '../common/format';
import { referenceModelText } from './report-text';
import { describeSplit, type Dataset } from '../data/dataset';
import { splitForTargetSearch } from '../data/split';
import { RuntimeError } from '../runtime/index';
import { builtinOperatorName, writeModel, type Model } from '../tflite/index';
import type { KernelLibrary } from '../arena/kernels/types';
import { gatherStatistics, type KeptValues } from './calibrate';
import { AUTO_METHODS, BIAS_CORRECTION_SAMPLES, buildRecipe, hasFullyConnected, scoringSet, scoringSetOf, searchRecipe, type RecipeChoices, type RecipeContext, type ScoringSet } from './recipe';
import { int8OutputGrids, OUTPUT_GRID_MARGIN_DB, searchMixedPrecision } from './mixed-precision';
import { deviceTarget } from './mixed-precision-report';
import { equalizeChannels, type EqualizationReport } from './channel-equalization';
import { QuantizeError, throwIfAborted } from './errors';
import { float16Weights } from './float16-weights';
import { dynamicRangeWeights } from './dynamic-range';
import { checkQuantizable } from './preflight';
import { tensorsToCalibrate, type IntegerGraph } from './integer-graph';
import { INT16X8_LIMITS } from './int16-kernels';
import { INT16_ACTIVATION, INT8_ACTIVATION } from './quant-math';
import { checkDataset } from './tensor-io';
import { evaluateQuantization, indexAgreement, indexAgreementOf, tflmEvalSamples } from './evaluate';
import { attachIndexHeads, indexOutputs, int64Heads, stripIndexHeads } from './index-heads';
import { givenNumbering } from './op-numbering';
import { tflmReport } from './tflm-report';
import { biasCorrectionTensors, channelMeans, weightedLayerInputs } from './bias-correction';
import { InputMoments, roundingLayers } from './weight-rounding';
import { ForwardHelper } from './forward-helper';
import { SQNR_FLOOR_DB, SUGGESTED_TARGET_SQNR_DB, type QuantizationReport, type QuantizeMode, type QuantizeHooks, type QuantizeOptions, type QuantizeResult, type RecipeReport } from './types';

/** Fewer calibration samples than this draws a warning: ranges from a handful of samples clip real data. */
export const RECOMMENDED_CALIBRATION_SAMPLES = 100;
/** Below this share of equal indices, an index output (ARG_MAX head) is a loud warning. */
export const INDEX_AGREEMENT_FLOOR = 0.9;

export async function quantizeModel(model: Model, calibration: Dataset, options: QuantizeOptions = {}, hooks: QuantizeHooks = {}): Promise<QuantizeResult> {
  const t0 = performance.now();
  // Full-integer modes run the float and quantized models over the data many times: a second thread takes part of
  // each pass where that pays (forward-helper.ts worthHelping), started once the model and the data passed their
  // checks (a model that cannot be quantized fails fast without one) so that its runtime is up by the first pass.
  // Same results either way; it ends with the call, however the call ends.
  let forward: ForwardHelper | undefined;
  const startForward = () => {
    if (!hooks.forward) forward ??= ForwardHelper.startFor(model, calibration.samples.length);
    return hooks.forward ?? forward;
  };
  try {
    return await quantizeWith(model, calibration, options, hooks, t0, startForward);
  } finally {
    forward?.close();
  }
}

async function quantizeWith(given: Model, calibration: Dataset, options: QuantizeOptions, hooks: QuantizeHooks, t0: number, startForward: () => QuantizeHooks['forward']): Promise<QuantizeResult> {
  const name = options.modelName ?? 'the model';
  const mode = options.mode ?? 'int8';
  const io = options.io ?? 'int8';
  const warnings: string[] = [];
  if (options.targetSqnrDb !== undefined && mode !== 'int8') {
    throw new QuantizeError('unsupported-model', `${name}: a target SQNR works with --mode int8 (it keeps some layers in int16x8 or float); ${mode} was asked for.`);
  }
  const checks = { mode, keepUnsupportedInFloat: !!options.keepUnsupportedInFloat, name, kernels: options.build?.kernels ?? 'reference' };
  // Errors name the operators of the model as given; then ARG_MAX / ARG_MIN outputs come off (index-heads.ts): the
  // values they index are scored in their place, and the heads go back on the quantized model at the end.
  let floatGraph = options.checked?.source === given ? options.checked : checkQuantizable(given, checks);
  if (floatGraph.foldedDensify) {
    warnings.push(`${floatGraph.foldedDensify} sparse weight tensor(s) are written dense: TFLite Micro has no DENSIFY kernel and `
      + 'its integer kernels read dense weights, so the file can be larger than the sparse one.');
  }
  const { model, heads } = mode === 'int8' ? stripIndexHeads(given) : { model: given, heads: [] };
  if (heads.length) floatGraph = checkQuantizable(model, checks);
  // The model as given (without index heads), serialized once: its size, and the reference the evaluation reads (its
  // LiteRT runs take sparse weights dense, calibrate.ts ObservedModel.load).
  const modelBytes = writeModel(model);
  const sizeBefore = heads.length ? writeModel(given).byteLength : modelBytes.byteLength;
  throwIfAborted(hooks.signal, 'Quantization');

  let quantized: Model;
  let report: QuantizationReport;
  // Whether the calibrated float graph (and so every quantized copy) runs batched, once calibration checked it.
  let batchable: boolean | undefined;
  // Weights stored as float16 or int8 (behind DEQUANTIZE or in hybrid kernels) become float constants first.
  let prepared = floatGraph.model;
  // The report and messages number operators as the user's file does (folded DEQUANTIZEs and index heads shift them).
  const numbering = givenNumbering(given, prepared);
  // The recipe search's reference outputs and its chosen model's outputs, on the scoring samples.
  let set: ScoringSet | undefined;
  let scoredOutputs: Float32Array[] | undefined;
  let floatDetail: KeptValues | undefined;
  // With a target, the searches select on one half of the held-out samples and the report scores the other half.
  const targetSplit = options.targetSqnrDb !== undefined && options.heldOut ? splitForTargetSearch(options.heldOut) : undefined;
  if (targetSplit?.warning) warnings.push(targetSplit.warning);
  const reported = targetSplit?.reported ?? options.heldOut;
  if (mode === 'float16' || mode === 'dynamic') {
    const r = mode === 'float16' ? float16Weights(prepared) : dynamicRangeWeights(prepared, { minElements: options.dynamicMinElements ?? 1024, perChannelFullyConnected: !!options.perChannelFullyConnected });
    quantized = r.model;
    warnings.push(...r.warnings);
    report = { mode, io: 'float', sizeBefore, sizeAfter: 0, operators: r.operators, activations: [], totalMs: 0 };
  } else {
    const activation = mode === 'int16x8' ? 'int16' : 'int8';
    checkDataset(prepared, calibration, 'calibration');
    const forward = startForward();
    if (forward) hooks = { ...hooks, forward };
    // A held-out split is counted as the user gave it: 108 given, 86 calibrating, is not "only 86".
    const split = calibration.split;
    if ((split?.given ?? calibration.samples.length) < RECOMMENDED_CALIBRATION_SAMPLES) {
      warnings.push(split
        ? `Only ${describeSplit(split)} (${split.source}); ${RECOMMENDED_CALIBRATION_SAMPLES} or more give ranges that hold on new data.`
        : `Only ${calibration.samples.length} calibration sample(s) in ${calibration.source}; ${RECOMMENDED_CALIBRATION_SAMPLES} or more give ranges that hold on new data.`);
    }
    // Channels far below their tensor's range, read by depthwise layers with large weights, lose everything to int8
    // rounding (measured: pose landmark); rescaled first, the float function unchanged. On by default with a target.
    let equalization: EqualizationReport | undefined;
    if (activation === 'int8' && (options.equalizeChannels ?? options.targetSqnrDb !== undefined)) {
      const eq = await equalizeChannels(prepared, calibration, name, hooks);
      if (eq.report.layers) {
        prepared = eq.model;
        equalization = eq.report;
      }
    }
    const intRange = activation === 'int16' ? INT16_ACTIVATION : INT8_ACTIVATION;
    const int16PerTensorFc = activation === 'int16' && options.build?.kernels === 'cmsis-nn' && hasFullyConnected(prepared);
    if (int16PerTensorFc && options.perChannelFullyConnected) {
      warnings.push(`Per-channel FULLY_CONNECTED weights were asked for, but ${INT16X8_LIMITS.perTensorFullyConnected}: they are written per tensor.`);
    }
    const choices: RecipeChoices = {
      methods: options.calibration ? [options.calibration] : AUTO_METHODS,
      // CMSIS-NN's int16 FULLY_CONNECTED takes per-tensor weights only (integer-graph.ts writes them so): nothing to choose.
      perChannelFullyConnected: int16PerTensorFc ? [false]
        : options.perChannelFullyConnected !== undefined || !hasFullyConnected(prepared) ? [!!options.perChannelFullyConnected] : [false, true],
      biasCorrection: options.biasCorrection !== undefined ? [options.biasCorrection] : [false, true],
      // GPTQ costs about 1 s of CPU on ad01 and ResNet-8 (its input moments and factorizations), which would put the
      // default command over its time budget (1.5x the float pass); a target's search takes minutes and tries it.
      gptq: options.weightRounding ? [options.weightRounding === 'gptq'] : options.targetSqnrDb !== undefined ? [false, true] : [false],
    };
    const roundable = choices.gptq.includes(true) ? roundingLayers(prepared) : [];
    if (!roundable.length) choices.gptq = [false];
    const correctable = [...new Set([...biasCorrectionTensors(prepared), ...weightedLayerInputs(prepared)])];
    if (!correctable.length) choices.biasCorrection = [false];
    const needsHistograms = choices.methods.some((m) => m !== 'minmax');
    // Scored against the model as given, on held-out samples: scoring on the calibration samples favours the
    // ranges fitted to them (measured: percentile over MSE on ResNet-8, the reverse on new data).
    const scoring = targetSplit?.search ?? options.heldOut ?? calibration;
    // When the model as given is the calibrated graph, the calibration pass also computes the reference outputs.
    const candidates = choices.methods.length * choices.perChannelFullyConnected.length * choices.biasCorrection.length * choices.gptq.length;
    const searches = candidates > 1 || options.targetSqnrDb !== undefined;
    if (searches && scoring !== calibration) checkDataset(prepared, scoring, 'evaluation');
    const stats = await gatherStatistics(prepared, calibration, tensorsToCalibrate(prepared, activation, checks.kernels), {
      name, minMaxOnly: !needsHistograms, ...(choices.biasCorrection.includes(true) ? { channelSums: correctable, channelSumSamples: BIAS_CORRECTION_SAMPLES } : {}),
      ...(roundable.length ? { moments: new InputMoments(roundable) } : {}),
      ...(searches && model === prepared && scoring !== calibration
        ? { outputsOf: scoring, ...(scoring === options.heldOut ? { keepOf: tflmEvalSamples(prepared, scoring.samples.length) } : {}) }
        : {}),
    }, hooks);
    if (model === prepared) batchable = stats.batchable;
    floatDetail = stats.kept;
    const ctx: RecipeContext = {
      floatModel: prepared, stats, calibration, intRange, symmetric: activation === 'int16',
      ...(options.percentile !== undefined ? { percentile: options.percentile } : {}),
      graphOptions: { activation, io, uint8Input: !!options.uint8Input, keepUnsupportedInFloat: !!options.keepUnsupportedInFloat, name, kernels: checks.kernels, int8Origins: floatGraph.int8Origins, numbering },
    };
    const forced: RecipeReport['forced'] = [];
    if (options.calibration) forced.push('method');
    if (options.perChannelFullyConnected !== undefined) forced.push('perChannelFullyConnected');
    if (options.biasCorrection !== undefined) forced.push('biasCorrection');
    if (options.weightRounding !== undefined) forced.push('weightRounding');
    const single = candidates === 1;
    let graph: IntegerGraph;
    let recipe: RecipeReport;
    const reference = async () => {
      checkDataset(prepared, scoring, 'evaluation');
      if (stats.outputsOf) return scoringSetOf(model, scoring, stats.outputsOf, stats.batchable);
      // The model as given is the reference (a hybrid model is what the user had); the float graph when LiteRT cannot run it.
      return scoringSet(model, scoring, hooks, stats.batchable, model === prepared).catch((e: unknown) => {
        if (e instanceof RuntimeError) return scoringSet(prepared, scoring, hooks, stats.batchable, true);
        throw e;
      });
    };
    if (single) {
      const only = { method: choices.methods[0]!, perChannelFullyConnected: choices.perChannelFullyConnected[0]!, biasCorrection: choices.biasCorrection[0]!, ...(choices.gptq[0] ? { gptq: true as const } : {}) };
      const built = await buildRecipe(ctx, only, hooks);
      graph = built.graph;
      quantized = built.model;
      recipe = { chosen: only, forced, candidates: [], ...(built.perTensor ? { perTensor: built.perTensor } : {}) };
    } else {
      set = await reference();
      const search = await searchRecipe(ctx, choices, set, hooks);
      graph = search.graph;
      quantized = search.model;
      scoredOutputs = search.scoredOutputs;
      recipe = {
        chosen: search.chosen, forced, candidates: search.candidates,
        scoredOn: {
          source: scoring.source, samples: scoring.samples.length, heldOut: !!options.heldOut,
          ...(search.calibrationSamples ? { calibrationSamples: search.calibrationSamples } : {}),
          ...(search.noCalibrationView ? { noCalibrationView: true as const } : {}),
        },
        ...(search.perTensor ? { perTensor: search.perTensor } : {}),
        ...(search.perChannelFcBoundDb !== undefined ? { perChannelFcBoundDb: search.perChannelFcBoundDb } : {}),
      };
    }
    warnings.push(...graph.warnings);
    let mixedPrecision: QuantizationReport['mixedPrecision'];
    if (options.targetSqnrDb !== undefined) {
      set ??= await reference();
      const tensors = prepared.subgraphs[0]!.tensors;
      const observedRanges = new Map([...stats.minmax].map(([t, r]) => [tensors[t]!.name, r]));
      const inputMeans = channelMeans(stats.channelSums);
      const mp = await searchMixedPrecision({ floatModel: prepared, int8Model: quantized, set, data: scoring, targetDb: options.targetSqnrDb, kernels: checks.kernels, ...(options.build ? { build: options.build } : {}), namingModel: given, observedRanges, inputMeans, int8Origins: floatGraph.int8Origins }, hooks);
      quantized = mp.model;
      mixedPrecision = mp.report;
      scoredOutputs = undefined;
      if (!mp.report.met) {
        warnings.unshift(loud(LOUD.targetMissed, `: the worst output reaches ${Math.min(...mp.report.outputsAfterDb).toFixed(1)} dB on ${scoring.source}, short of the `
          + `${options.targetSqnrDb} dB asked for${mp.report.note ? `; ${mp.report.note}` : ''}. The model written is the closest found.`));
      }
    }
    const sourceInt8 = floatGraph.hybridOps || floatGraph.int8Origins.size
      ? { hybridOps: floatGraph.hybridOps, weightsKept: graph.int8Weights.kept, weightsRequantized: graph.int8Weights.requantized }
      : undefined;
    const method = recipe.chosen.method;
    const cal = stats;
    report = {
      ...(sourceInt8 ? { sourceInt8 } : {}),
      mode, io, sizeBefore, sizeAfter: 0, operators: graph.operators, activations: graph.activations, totalMs: 0,
      calibration: { method, samples: cal.samples, source: calibration.source, forwardMs: cal.forwardMs, batch: cal.batch, ...(calibration.split ? { split: calibration.split } : {}), ...(calibration.image ? { image: calibration.image } : {}) }, recipe,
      ...(mixedPrecision ? { mixedPrecision } : {}),
      ...(equalization ? { equalization } : {}),
    };
  }
  report.operators = report.operators.map((o) => ({ ...o, index: numbering(o.index) }));
  // What the accuracy is measured on: the quantized model without its index heads, whose outputs are their values.
  const scoredBytes = heads.length ? writeModel(quantized) : undefined;
  const scoredModel = quantized;
  if (heads.length) {
    quantized = attachIndexHeads(quantized, heads);
    const wide = int64Heads(heads);
    if (wide.length) {
      warnings.push(`${wide.map((h) => `output "${h.indices.name}"`).join(', ')}: the model as given writes int64 indices; TFLite Micro's ${builtinOperatorName(wide[0]!.code)} writes int32 only, `
        + 'so the quantized model writes int32 (4 bytes per index): read them as int32_t in the firmware.');
    }
    report.operators = [...report.operators, ...heads.map((h) => ({ index: h.opIndex, op: builtinOperatorName(h.code), status: 'quantized' as const, version: operatorVersion(quantized, h.indices.name) }))]
      .sort((a, b) => a.index - b.index);
  }
  const bytes = writeModel(quantized);
  report.sizeAfter = bytes.byteLength;
  if (mode === 'dynamic') {
    warnings.push('Dynamic-range models keep float activations and use hybrid kernels: TFLite Micro cannot run them. Use int8 for microcontrollers.');
  }
  const tflm = tflmReport(quantized, { ...options.build, kernels: checks.kernels });
  if (tflm) report.tflm = tflm;
  if (reported) {
    throwIfAborted(hooks.signal, 'Quantization');
    // The recipe search scored the chosen model on these samples against the model as given: its outputs are reused.
    const known = scoredOutputs && set?.data === reported && set.referenceModel === model
      ? { reference: set.reference, quantized: scoredOutputs, ...(floatDetail ? { floatDetail } : {}) }
      : undefined;
    report.accuracy = await evaluateQuantization(modelBytes, scoredBytes ?? bytes, reported, hooks, { batchable, numbering: givenNumbering(given, model), ...(known ? { known } : {}) });
    const indexOuts = indexOutputs(given);
    if (indexOuts.length) {
      // From the outputs the evaluation reused, when it did: running both models again took 60–80 ms of a 0.5 s command
      // (ResNet-8 with an ARG_MAX head, 200 CIFAR-10 images).
      const agree = (known && set && indexAgreementOf(model, indexOuts, { outputs: set.outputs, reference: known.reference, quantized: known.quantized }))
        || await indexAgreement(given, quantized, reported, indexOuts.map((h) => h.output), hooks);
      report.accuracy.indexOutputs = indexOuts.map((h, j) => ({ name: h.name, op: builtinOperatorName(h.code), of: h.of, ...agree[j]! }));
      // SQNR on the scores can be high while a few classes' order flips (one outlier class sets the scale): say so.
      const flipped = report.accuracy.indexOutputs.filter((x) => x.values > 0 && x.agree < INDEX_AGREEMENT_FLOOR * x.values);
      if (flipped.length) {
        warnings.unshift(loud(LOUD.indicesDisagree, `: ${flipped.map((x) => `output "${x.name}" equals the float model's in ${x.agree} of ${x.values} (${formatPercent(x.agree, x.values)})`).join(', ')}, `
          + `below ${100 * INDEX_AGREEMENT_FLOOR}%, although "${flipped[0]!.of}" scores ${report.accuracy.outputs.find((o) => o.name === flipped[0]!.of)?.sqnrDb.toFixed(1) ?? '?'} dB: scores close to each other are rounded into a different order. Try --target-sqnr to keep the last layers in higher precision.`));
      }
    }
    const mp = report.mixedPrecision;
    if (mp && targetSplit) {
      const worst = Math.min(...report.accuracy.outputs.map((o) => o.sqnrDb));
      const device = deviceTarget(mp.targetDb, reported.samples.length, report.accuracy.outputs, report.accuracy.tflm);
      mp.reportedOn = { source: reported.source, samples: reported.samples.length, worstDb: worst, met: worst >= mp.targetDb, unseen: reported !== targetSplit.search, ...(device ? { device } : {}) };
      if (mp.met && !mp.reportedOn.met) {
        warnings.unshift(loud(LOUD.targetMissed, ` on the ${reported.samples.length} held-out samples the search did not see: the worst output reaches ${worst.toFixed(1)} dB there `
          + `(${Math.min(...mp.outputsAfterDb).toFixed(1)} dB on the ${mp.scoredOn.samples} it searched on), short of the ${mp.targetDb} dB asked for. More varied calibration data usually closes the gap.`));
      } else if (mp.met && device && !device.met) {
        // Exact (the evaluator ran every reported sample): the target is missed; an estimate: it may be (DeviceTarget).
        warnings.unshift(loud(device.estimated ? LOUD.deviceMayMiss : LOUD.deviceMissed, `: as its reference kernels compute the outputs, the worst reaches `
          + `${device.estimated ? `about ${device.worstDb.toFixed(1)} dB (estimated from the first ${device.samples} held-out samples by how TFLite Micro and LiteRT differ there)` : `${device.worstDb.toFixed(1)} dB on the ${device.samples} held-out samples`}, `
          + `short of the ${mp.targetDb} dB asked for, where LiteRT reaches ${worst.toFixed(1)} dB: the two runtimes' kernels round differently. A target a little higher keeps more layers in higher precision.`));
      }
    }
    if (floatGraph.hybridOps) report.accuracy.reference = 'hybrid';
    const low = report.accuracy.outputs.filter((o) => o.sqnrDb < SQNR_FLOOR_DB);
    if (low.length) {
      report.accuracy.belowFloor = low.map((o) => o.name);
      warnings.unshift(loud(LOUD.belowFloor, `: ${low.map((o) => `output "${o.name}" ${o.sqnrDb.toFixed(1)} dB`).join(', ')} on held-out data, under `
        + `the ${SQNR_FLOOR_DB} dB floor: this model does not compute what ${referenceModelText(report.accuracy.reference)} does. `
        + 'Check that the calibration data looks like real inputs (same preprocessing)' + floorWayOut(mode, report.mixedPrecision?.targetDb)
        + outputGridNote(low.map((o) => o.name), prepared, scoredModel, set && set.data === reported ? set : undefined, checks.kernels)));
    }
  }
  // Everything above, evaluation and recipe search included.
  report.totalMs = performance.now() - t0;
  return { model: quantized, bytes, report, warnings };
}

/**
 * The second way out of an output under the floor, after the data: an int8 run without a target sets one (targets
 * are int8's: the other modes refuse them, and offer none); a target under the floor is raised; a target that was
 * missed has its own warning. The number is an example, so VS Code's button may offer the setting's target beside it.
 */
export function floorWayOut(mode: QuantizeMode, targetDb: number | undefined): string {
  if (mode !== 'int8') return '.';
  if (targetDb === undefined) return `, or set an accuracy target (e.g. --target-sqnr ${SUGGESTED_TARGET_SQNR_DB}), which keeps the most sensitive layers in higher precision.`;
  return targetDb < SQNR_FLOOR_DB ? `, or raise the accuracy target (${targetDb} dB is under the floor).` : '.';
}

/**
 * For outputs under the floor whose int8 grid alone cannot do better (mixed-precision.ts int8OutputGrids, the scored
 * float outputs rounded to it): says which, and the way out. Steps too coarse (MediaPipe's face detector writes 896
 * anchor logits from −16,888 to 2 with a typical size of 150; one int8 step is 62): an accuracy target writes the
 * output as int16 when its producer has an int16 kernel. Values beyond the grid's range: the calibration data did not
 * cover them, and no precision helps.
 */
function outputGridNote(names: readonly string[], floatModel: Model, quantized: Model, set: ScoringSet | undefined, kernels: KernelLibrary): string {
  if (!set) return '';
  const limit = SQNR_FLOOR_DB + OUTPUT_GRID_MARGIN_DB;
  const grids = int8OutputGrids(floatModel, quantized, set, kernels).filter((g) => names.includes(g.name) && g.floorDb < limit);
  const coarse = grids.filter((g) => g.roundingFloorDb < limit);
  const clipped = grids.filter((g) => g.roundingFloorDb >= limit);
  const parts: string[] = [];
  if (coarse.length) {
    const widenable = coarse.every((g) => g.int16Producer !== undefined);
    parts.push(` The int8 output grid alone limits ${coarse.map((g) => `"${g.name}" to ${g.roundingFloorDb.toFixed(1)} dB (int8 steps of ${g.params.scale.toPrecision(3)})`).join(', ')} on these samples, whatever the layers do`
      + (widenable ? `: an accuracy target (--target-sqnr, or the target in VS Code) ${coarse.every((g) => g.dequantized) ? 'computes such outputs in int16 before dequantizing them' : 'writes such outputs as int16'}.` : '.'));
  }
  if (clipped.length) {
    parts.push(` ${clipped.map((g) => `"${g.name}"`).join(', ')} ${clipped.length === 1 ? 'goes' : 'go'} beyond the range the calibration data reached (its int8 grid clips ${clipped.length === 1 ? 'it' : 'them'} to ${clipped.map((g) => `${g.floorDb.toFixed(1)} dB`).join(', ')}): calibrate on data that covers these inputs.`);
  }
  return parts.join('');
}

/** The version the operator writing tensor `name` has in `model`. */
function operatorVersion(model: Model, name: string): number {
  const sg = model.subgraphs[0]!;
  const op = sg.operators.find((o) => sg.tensors[o.outputs[0] ?? -1]?.name === name);
  return op ? model.operatorCodes[op.opcodeIndex]!.version : 1;
}
