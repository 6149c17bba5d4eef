/**
 * The recommended recipe: no single setting is best on every model (min/max, percentile and MSE ranges, per-channel
 * FULLY_CONNECTED and bias correction each win somewhere), so with no options the quantizer tries them and keeps
 * the one whose outputs are closest to the reference on the scoring samples. Candidates share the one calibration
 * pass (calibrate.ts gathers histograms and the bias-correction sums); each costs one graph rewrite and one run of
 * the quantized model over the scoring samples, outputs only. Options the user gave fix their dimension.
 */
import type { Dataset } from '../data/dataset';
import { BuiltinOperator, TensorType, writeModel, type Model } from '../tflite/index';
import { applyBiasCorrection } from './bias-correction';
import { ObservedModel, rangesFor, type CalibrationStats } from './calibrate';
import { throwIfAborted } from './errors';
import { ErrorAccumulator } from './evaluate';
import { quantizeIntegerGraph, type IntegerGraph, type IntegerGraphOptions } from './integer-graph';
import type { IntRange } from './quant-math';
import type { RangeMethod } from './range-estimation';
import { toFloat } from './tensor-io';
import type { QuantizeHooks, Recipe, RecipeCandidate } from './types';

export const RANGE_METHODS: readonly RangeMethod[] = ['minmax', 'percentile', 'mse'];

export interface RecipeChoices {
  methods: readonly RangeMethod[];
  perChannelFullyConnected: readonly boolean[];
  biasCorrection: readonly boolean[];
}

/** Reference outputs of the scoring samples, computed once. */
export interface ScoringSet {
  data: Dataset;
  /** [sample][float output k] */
  reference: Float32Array[][];
  /** Indices of the float outputs among the subgraph's outputs (integer outputs are not scored). */
  outputs: number[];
}

export async function scoringSet(referenceModel: Model, data: Dataset, hooks: QuantizeHooks): Promise<ScoringSet> {
  const sg = referenceModel.subgraphs[0]!;
  const outputs = sg.outputs.flatMap((t, k) => (sg.tensors[t]!.type === TensorType.FLOAT32 ? [k] : []));
  const run = await ObservedModel.load(referenceModel, [], 'the reference model');
  try {
    const reference = data.samples.map((sample) => {
      throwIfAborted(hooks.signal, 'Recipe search');
      const values = new Map<number, Float32Array>();
      run.run(sample, (t, v) => values.set(t, Float32Array.from(v as ArrayLike<number>)));
      return outputs.map((k) => values.get(sg.outputs[k]!)!);
    });
    return { data, reference, outputs };
  } finally {
    run.dispose();
  }
}

/** SQNR (dB) of each scored output of `quantModel` vs the reference. */
export async function scoreModel(quantModel: Model, set: ScoringSet, hooks: QuantizeHooks): Promise<number[]> {
  const sg = quantModel.subgraphs[0]!;
  const acc = set.outputs.map(() => new ErrorAccumulator());
  const run = await ObservedModel.load(quantModel, [], 'a candidate recipe');
  try {
    set.data.samples.forEach((sample, i) => {
      throwIfAborted(hooks.signal, 'Recipe search');
      const values = new Map<number, Float32Array>();
      run.run(sample, (t, v) => values.set(t, toFloat(sg.tensors[t]!, v)));
      set.outputs.forEach((k, j) => acc[j]!.add(set.reference[i]![j]!, values.get(sg.outputs[k]!)!));
    });
  } finally {
    run.dispose();
  }
  return acc.map((a) => a.sqnrDb());
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
}

export interface RecipeContext {
  floatModel: Model;
  stats: CalibrationStats;
  calibration: Dataset;
  intRange: IntRange;
  symmetric: boolean;
  percentile?: number;
  graphOptions: Omit<IntegerGraphOptions, 'perChannelFullyConnected'>;
}

/** Builds one candidate (graph rewrite, then bias correction from the gathered sums when asked). */
export async function buildRecipe(ctx: RecipeContext, recipe: Recipe, hooks: QuantizeHooks): Promise<{ graph: IntegerGraph; model: Model }> {
  const ranges = rangesFor(ctx.stats, recipe.method, ctx.intRange, ctx.symmetric, ctx.percentile);
  const graph = quantizeIntegerGraph(ctx.floatModel, ranges, { ...ctx.graphOptions, perChannelFullyConnected: recipe.perChannelFullyConnected });
  const model = recipe.biasCorrection ? await applyBiasCorrection(ctx.floatModel, graph.model, ctx.calibration, {}, ctx.stats.channelSums) : graph.model;
  throwIfAborted(hooks.signal, 'Recipe search');
  return { graph, model };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/**
 * Every combination of range method and per-channel FULLY_CONNECTED without bias correction, then bias correction on
 * the best two of those: at most 8 candidates. Ties keep the earlier (simpler) recipe.
 */
export async function searchRecipe(ctx: RecipeContext, choices: RecipeChoices, set: ScoringSet, hooks: QuantizeHooks): Promise<RecipeSearch> {
  const candidates: (RecipeCandidate & { built: { graph: IntegerGraph; model: Model } })[] = [];
  const seen: { bytes: Uint8Array; outputsDb: number[] }[] = [];
  const first: Recipe[] = [];
  for (const method of choices.methods) {
    for (const pc of choices.perChannelFullyConnected) first.push({ method, perChannelFullyConnected: pc, biasCorrection: choices.biasCorrection[0]! });
  }
  const total = first.length + (choices.biasCorrection.length > 1 ? Math.min(2, first.length) : 0);
  const evaluate = async (recipe: Recipe) => {
    hooks.onProgress?.(candidates.length, total, 'choosing the recipe');
    const built = await buildRecipe(ctx, recipe, hooks);
    const bytes = writeModel(built.model);
    // Methods that give the same ranges (a tensor without outliers) give the same model: score it once.
    const same = seen.find((s) => sameBytes(s.bytes, bytes));
    const outputsDb = same ? same.outputsDb : await scoreModel(built.model, set, hooks);
    if (!same) seen.push({ bytes, outputsDb });
    candidates.push({ recipe, outputsDb, scoreDb: recipeScore(outputsDb), built });
  };
  for (const r of first) await evaluate(r);
  if (choices.biasCorrection.length > 1) {
    const best = [...candidates].sort((a, b) => b.scoreDb - a.scoreDb).slice(0, 2);
    for (const b of best) await evaluate({ ...b.recipe, biasCorrection: choices.biasCorrection[1]! });
  }
  hooks.onProgress?.(total, total, 'choosing the recipe');
  let winner = candidates[0]!;
  for (const c of candidates) if (c.scoreDb > winner.scoreDb) winner = c;
  return {
    graph: winner.built.graph,
    model: winner.built.model,
    chosen: winner.recipe,
    candidates: candidates.map(({ built: _b, ...c }) => c),
  };
}
