/**
 * The recommended recipe: no single setting is best on every model (min/max, percentile and MSE ranges, per-channel
 * FULLY_CONNECTED and bias correction each win somewhere). With no options, each tensor gets the range method with
 * the smallest quantization error over its own histogram ('per-tensor'), and a short greedy search (searchRecipe)
 * checks that against min/max and tries per-channel FULLY_CONNECTED and bias correction, keeping what makes the
 * outputs closer to the reference on the scoring samples. Candidates share the one calibration pass (calibrate.ts
 * gathers histograms and the bias-correction sums); each costs one graph rewrite and one run of the quantized model
 * over the scoring samples, outputs only. Options the user gave fix their dimension.
 */
import type { Dataset } from '../data/dataset';
import { BuiltinOperator, TensorType, type Model } from '../tflite/index';
import { applyBiasCorrection, channelMeans } from './bias-correction';
import { loadObserved, observeAll, rangeChoice, type CalibrationStats, type Visit } from './calibrate';
import { throwIfAborted } from './errors';
import { ErrorAccumulator } from './evaluate';
import { quantizeIntegerGraph, type IntegerGraph, type IntegerGraphOptions } from './integer-graph';
import type { IntRange } from './quant-math';
import type { RangeMethod } from './range-estimation';
import { concatFloats, toFloat } from './tensor-io';
import { PER_CHANNEL_FC_MARGIN_DB, RANGE_METHOD_MARGIN_DB, RANGE_METHOD_MIN_T, type QuantizeHooks, type Recipe, type RecipeCandidate, type RecipeMethod } from './types';

export const RANGE_METHODS: readonly RangeMethod[] = ['minmax', 'percentile', 'mse'];

/** What the recipe search tries for ranges when no method is given: the per-tensor choice, checked against min/max. */
export const AUTO_METHODS: readonly RecipeMethod[] = ['per-tensor', 'minmax'];

export interface RecipeChoices {
  methods: readonly RecipeMethod[];
  perChannelFullyConnected: readonly boolean[];
  biasCorrection: readonly boolean[];
  /** GPTQ weight rounding (weight-rounding.ts) off/on; on needs CalibrationStats.moments. */
  gptq: readonly boolean[];
}

/** Reference outputs of the scoring samples, computed once. */
export interface ScoringSet {
  data: Dataset;
  /** CalibrationStats.batchable of the graph the candidates come from. */
  batchable?: boolean;
  /** Per scored output: its values over all samples, concatenated in sample order. */
  reference: Float32Array[];
  /** Indices of the float outputs among the subgraph's outputs (integer outputs are not scored). */
  outputs: number[];
  /** The model the reference outputs come from. */
  referenceModel: Model;
}

/** A candidate's score, and its scored outputs (dequantized, concatenated in sample order, as ScoringSet.reference). */
export interface Scored {
  /** SQNR (dB) of each scored output. */
  outputsDb: number[];
  outputs: Float32Array[];
  /** Per scoring sample: its noise energy in each scored output over that output's whole signal energy, summed. */
  sampleNoise: Float64Array;
}

/**
 * Every output of `model` over `data`, as floats concatenated in sample order. Models with a free batch dimension
 * run in batches (checked against single runs first, see calibrate.ts), so scoring a candidate costs about as much
 * as the runtime's forward passes.
 */
async function outputsOver(model: Model, data: Dataset, name: string, hooks: QuantizeHooks, batchable?: boolean): Promise<Float32Array[]> {
  const sg = model.subgraphs[0]!;
  const chunks = sg.outputs.map(() => [] as Float32Array[]);
  const index = new Map(sg.outputs.map((t, k) => [t, k]));
  const visit: Visit = (t, v) => {
    const k = index.get(t);
    if (k !== undefined) chunks[k]!.push(toFloat(sg.tensors[t]!, v).slice());
  };
  const last = { t: performance.now() };
  const loaded = await loadObserved(model, data, [], name, false, visit, last, batchable);
  try {
    await observeAll(loaded.observed, data, loaded.done, visit, () => undefined, hooks, last);
  } finally {
    loaded.observed.dispose();
  }
  return chunks.map(concatFloats);
}

/** @param batchable CalibrationStats.batchable; it also applies to the reference when that is the calibrated graph */
export async function scoringSet(referenceModel: Model, data: Dataset, hooks: QuantizeHooks, batchable?: boolean, referenceIsCalibrated = false): Promise<ScoringSet> {
  const all = await outputsOver(referenceModel, data, 'the reference model', hooks, referenceIsCalibrated ? batchable : undefined);
  return scoringSetOf(referenceModel, data, all, batchable);
}

/** The scoring set of reference outputs already computed (CalibrationStats.outputsOf: every subgraph output). */
export function scoringSetOf(referenceModel: Model, data: Dataset, all: readonly Float32Array[], batchable?: boolean): ScoringSet {
  const sg = referenceModel.subgraphs[0]!;
  const outputs = sg.outputs.flatMap((t, k) => (sg.tensors[t]!.type === TensorType.FLOAT32 ? [k] : []));
  return { data, reference: outputs.map((k) => all[k]!), outputs, referenceModel, ...(batchable !== undefined ? { batchable } : {}) };
}

/** SQNR (dB) of each scored output of `quantModel` vs the reference, those outputs, and how the noise falls on the samples. */
export async function scoreOutputs(quantModel: Model, set: ScoringSet, hooks: QuantizeHooks): Promise<Scored> {
  const all = await outputsOver(quantModel, set.data, 'a candidate recipe', hooks, set.batchable);
  const outputs = set.outputs.map((k) => all[k]!);
  const n = set.data.samples.length;
  const sampleNoise = new Float64Array(n);
  const outputsDb = outputs.map((got, j) => {
    const reference = set.reference[j]!;
    const acc = new ErrorAccumulator();
    acc.add(reference, got);
    const per = reference.length / n;
    if (acc.signal > 0 && Number.isInteger(per)) {
      for (let i = 0; i < n; i++) {
        let e = 0;
        for (let x = i * per; x < (i + 1) * per; x++) e += (reference[x]! - got[x]!) ** 2;
        sampleNoise[i] = sampleNoise[i]! + e / acc.signal;
      }
    }
    return acc.sqnrDb();
  });
  return { outputs, outputsDb, sampleNoise };
}

/** SQNR (dB) of each scored output of `quantModel` vs the reference. */
export async function scoreModel(quantModel: Model, set: ScoringSet, hooks: QuantizeHooks): Promise<number[]> {
  return (await scoreOutputs(quantModel, set, hooks)).outputsDb;
}

/**
 * Paired t statistic of the noise `b` saves over `a` per scoring sample (positive: b has less). A gain that a few
 * samples carry while the others disagree scores low; one that most samples share scores high.
 */
export function pairedNoiseGain(a: Float64Array, b: Float64Array): number {
  const n = Math.min(a.length, b.length);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += a[i]! - b[i]!;
  mean /= n || 1;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i]! - b[i]! - mean) ** 2;
  const se = n > 1 ? Math.sqrt(v / (n - 1) / n) : 0;
  if (se === 0) return mean > 0 ? Infinity : mean < 0 ? -Infinity : 0;
  return mean / se;
}

/** The worst output decides: a recipe that trades one output for another is not better. */
export const recipeScore = (outputsDb: readonly number[]): number => (outputsDb.length ? Math.min(...outputsDb) : 0);

export function hasFullyConnected(model: Model): boolean {
  return model.subgraphs[0]!.operators.some((op) => model.operatorCodes[op.opcodeIndex]!.builtinCode === BuiltinOperator.FULLY_CONNECTED);
}

export interface RecipeSearch {
  graph: IntegerGraph;
  model: Model;
  chosen: Recipe;
  candidates: RecipeCandidate[];
  /** When the chosen method is 'per-tensor': how many tensors took each range method. */
  perTensor?: Partial<Record<RangeMethod, number>>;
  /** The chosen model's outputs over the scoring samples: the evaluation of the same samples reuses them. */
  scoredOutputs: Float32Array[];
}

export interface RecipeContext {
  floatModel: Model;
  stats: CalibrationStats;
  calibration: Dataset;
  intRange: IntRange;
  symmetric: boolean;
  percentile?: number;
  graphOptions: Omit<IntegerGraphOptions, 'perChannelFullyConnected'>;
  /** Ranges per method, filled by buildRecipe. */
  rangeCache?: Map<RecipeMethod, ReturnType<typeof rangeChoice>>;
}

/** Bias correction runs the quantized candidate over at most this many (leading) calibration samples. */
export const BIAS_CORRECTION_SAMPLES = 64;

/** Builds one candidate (graph rewrite, then bias correction from the gathered sums when asked). */
export async function buildRecipe(ctx: RecipeContext, recipe: Recipe, hooks: QuantizeHooks): Promise<{ graph: IntegerGraph; model: Model; perTensor?: Partial<Record<RangeMethod, number>> }> {
  // Candidates share their range method's ranges: computed once per method.
  const cache = (ctx.rangeCache ??= new Map<RecipeMethod, ReturnType<typeof rangeChoice>>());
  let choice = cache.get(recipe.method);
  if (!choice) cache.set(recipe.method, (choice = rangeChoice(ctx.stats, recipe.method, ctx.intRange, ctx.symmetric, ctx.percentile)));
  // Bias correction has two parts: the mean error of the rounded weights, from the calibration's input means, at
  // every weighted layer (in the rewrite); then what the quantized model still gets wrong on average (a forward pass).
  const inputMeans = recipe.biasCorrection && ctx.stats.channelSums.size ? channelMeans(ctx.stats.channelSums) : undefined;
  const graph = quantizeIntegerGraph(ctx.floatModel, choice.ranges, { ...ctx.graphOptions, perChannelFullyConnected: recipe.perChannelFullyConnected, ...(inputMeans ? { inputMeans } : {}), ...(recipe.gptq && ctx.stats.moments ? { weightMoments: ctx.stats.moments } : {}) });
  let model = graph.model;
  if (recipe.biasCorrection) {
    // The float sums cover the leading channelSumSamples samples: the quantized model runs over the same ones.
    const summed = ctx.stats.channelSums.size ? ctx.stats.channelSumSamples : ctx.calibration.samples.length;
    const data = { ...ctx.calibration, samples: ctx.calibration.samples.slice(0, summed) };
    model = await applyBiasCorrection(ctx.floatModel, graph.model, data, hooks.signal ? { signal: hooks.signal } : {}, ctx.stats.channelSums.size ? ctx.stats.channelSums : undefined, ctx.stats.batchable);
  }
  throwIfAborted(hooks.signal, 'Recipe search');
  let perTensor: Partial<Record<RangeMethod, number>> | undefined;
  if (choice.methods) {
    perTensor = {};
    for (const m of choice.methods.values()) perTensor[m] = (perTensor[m] ?? 0) + 1;
  }
  return { graph, model, ...(perTensor ? { perTensor } : {}) };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const sameNumbers = (a: readonly (number | bigint)[] | undefined, b: readonly (number | bigint)[] | undefined) =>
  (a?.length ?? 0) === (b?.length ?? 0) && (a ?? []).every((x, i) => Number(x) === Number(b![i]));

/**
 * Two candidates of the same float model are the same model when their tensors (type, buffer, quantization),
 * operators and buffer bytes agree: compared on the decoded models, without serializing either.
 */
function sameModel(a: Model, b: Model): boolean {
  const [sa, sb] = [a.subgraphs[0]!, b.subgraphs[0]!];
  if (sa.tensors.length !== sb.tensors.length || sa.operators.length !== sb.operators.length || a.buffers.length !== b.buffers.length) return false;
  const tensorsSame = sa.tensors.every((t, i) => {
    const u = sb.tensors[i]!;
    const [q, r] = [t.quantization, u.quantization];
    return t.type === u.type && t.buffer === u.buffer && sameNumbers(q?.scale, r?.scale) && sameNumbers(q?.zeroPoint, r?.zeroPoint) && q?.quantizedDimension === r?.quantizedDimension;
  });
  const opsSame = sa.operators.every((op, i) => {
    const o = sb.operators[i]!;
    return a.operatorCodes[op.opcodeIndex]!.builtinCode === b.operatorCodes[o.opcodeIndex]!.builtinCode && sameNumbers(op.inputs, o.inputs) && sameNumbers(op.outputs, o.outputs);
  });
  return tensorsSame && opsSame && a.buffers.every((buf, i) => sameBytes(buf.data, b.buffers[i]!.data));
}

type Built = Awaited<ReturnType<typeof buildRecipe>>;

/**
 * A greedy search over the open parts, one part at a time, each candidate one run of the quantized model over the
 * scoring samples: the first listed range method (e.g. 'per-tensor') as it is, then per-channel FULLY_CONNECTED (it
 * must gain PER_CHANNEL_FC_MARGIN_DB), then bias correction on the winner (it must score better), then the other
 * range methods with those choices (one replaces 'per-tensor' only when it scores RANGE_METHOD_MARGIN_DB better).
 * At most methods + 1 + 1 candidates; ties keep the simpler recipe, and the margins keep a few scoring samples' noise
 * from deciding (measured with the old search of every combination: on 100 ResNet-8 samples percentile beat mse by
 * 0.2 dB, on 500 the reverse).
 */
export async function searchRecipe(ctx: RecipeContext, choices: RecipeChoices, set: ScoringSet, hooks: QuantizeHooks): Promise<RecipeSearch> {
  const candidates: (RecipeCandidate & { built: Built; scored: Scored })[] = [];
  const seen: { model: Model; scored: Scored }[] = [];
  const total = choices.methods.length + choices.perChannelFullyConnected.length - 1 + choices.biasCorrection.length - 1 + choices.gptq.length - 1;
  const evaluate = async (recipe: Recipe) => {
    hooks.onProgress?.(candidates.length, total, 'choosing the recipe');
    const built = await buildRecipe(ctx, recipe, hooks);
    // Methods that give the same ranges (a tensor without outliers) give the same model: score it once.
    const same = seen.find((s) => sameModel(s.model, built.model));
    const scored = same ? same.scored : await scoreOutputs(built.model, set, hooks);
    if (!same) seen.push({ model: built.model, scored });
    const c: RecipeCandidate & { built: Built; scored: Scored } = { recipe, outputsDb: scored.outputsDb, scoreDb: recipeScore(scored.outputsDb), built, scored };
    candidates.push(c);
    return c;
  };
  let best = await evaluate({ method: choices.methods[0]!, perChannelFullyConnected: choices.perChannelFullyConnected[0]!, biasCorrection: choices.biasCorrection[0]!, ...(choices.gptq[0] ? { gptq: true as const } : {}) });
  for (const pc of choices.perChannelFullyConnected.slice(1)) {
    const c = await evaluate({ ...best.recipe, perChannelFullyConnected: pc });
    // Per-channel FULLY_CONNECTED costs flash (a float scale and an int64 zero point per output channel, often more
    // than a small layer's weights save) and is slower on some kernels: it has to earn its place.
    if (c.scoreDb > best.scoreDb + (pc ? PER_CHANNEL_FC_MARGIN_DB : 0)) best = c;
  }
  for (const bc of choices.biasCorrection.slice(1)) {
    const c = await evaluate({ ...best.recipe, biasCorrection: bc });
    if (c.scoreDb > best.scoreDb) best = c;
  }
  for (const gptq of choices.gptq.slice(1)) {
    const { gptq: _g, ...nearest } = best.recipe;
    const c = await evaluate(gptq ? { ...nearest, gptq: true } : nearest);
    if (c.scoreDb > best.scoreDb) best = c;
  }
  // The range methods last, with the other parts as chosen: how ranges fare depends on them (on ad01 min/max gains
  // more from bias correction than the per-tensor clipping does). Replacing the per-tensor choice also takes a gain
  // most scoring samples share (paired t ≥ RANGE_METHOD_MIN_T): on 9 held-out photos (MLPerf Tiny VWW) and 36
  // windows of one ToyCar recording, min/max scored 1.3 and 0.6 dB above per-tensor (paired t 0.47 and 0.45) and
  // 1.5 and 0.5 dB below it on the test data.
  const base = best;
  for (const method of choices.methods.slice(1)) {
    const c = await evaluate({ ...base.recipe, method });
    if (best.recipe.method === 'per-tensor') {
      c.pairedT = pairedNoiseGain(best.scored.sampleNoise, c.scored.sampleNoise);
      if (c.scoreDb > best.scoreDb + RANGE_METHOD_MARGIN_DB && c.pairedT >= RANGE_METHOD_MIN_T) best = c;
    } else if (c.scoreDb > best.scoreDb) best = c;
  }
  hooks.onProgress?.(total, total, 'choosing the recipe');
  return {
    graph: best.built.graph,
    model: best.built.model,
    chosen: best.recipe,
    candidates: candidates.map(({ built: _b, scored: _s, ...c }) => c),
    ...(best.built.perTensor ? { perTensor: best.built.perTensor } : {}),
    scoredOutputs: best.scored.outputs,
  };
}
