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
import { loadObserved, observeAll, rangesFor, type CalibrationStats, type Visit } from './calibrate';
import { throwIfAborted } from './errors';
import { ErrorAccumulator } from './evaluate';
import { quantizeIntegerGraph, type IntegerGraph, type IntegerGraphOptions } from './integer-graph';
import type { IntRange } from './quant-math';
import type { RangeMethod } from './range-estimation';
import { toFloat } from './tensor-io';
import { PER_CHANNEL_FC_MARGIN_DB, type QuantizeHooks, type Recipe, type RecipeCandidate } from './types';

export const RANGE_METHODS: readonly RangeMethod[] = ['minmax', 'percentile', 'mse'];

export interface RecipeChoices {
  methods: readonly RangeMethod[];
  perChannelFullyConnected: readonly boolean[];
  biasCorrection: readonly boolean[];
}

/** Reference outputs of the scoring samples, computed once. */
export interface ScoringSet {
  data: Dataset;
  /** Per scored output: its values over all samples, concatenated in sample order. */
  reference: Float32Array[];
  /** Indices of the float outputs among the subgraph's outputs (integer outputs are not scored). */
  outputs: number[];
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/**
 * Every output of `model` over `data`, as floats concatenated in sample order. Models with a free batch dimension
 * run in batches (checked against single runs first, see calibrate.ts), so scoring a candidate costs about as much
 * as the runtime's forward passes.
 */
async function outputsOver(model: Model, data: Dataset, name: string, hooks: QuantizeHooks): Promise<Float32Array[]> {
  const sg = model.subgraphs[0]!;
  const chunks = sg.outputs.map(() => [] as Float32Array[]);
  const index = new Map(sg.outputs.map((t, k) => [t, k]));
  const visit: Visit = (t, v) => {
    const k = index.get(t);
    if (k !== undefined) chunks[k]!.push(toFloat(sg.tensors[t]!, v).slice());
  };
  const last = { t: performance.now() };
  const loaded = await loadObserved(model, data, [], name, false, visit, last);
  try {
    await observeAll(loaded.observed, data, loaded.done, visit, () => undefined, hooks, last);
  } finally {
    loaded.observed.dispose();
  }
  return chunks.map(concat);
}

export async function scoringSet(referenceModel: Model, data: Dataset, hooks: QuantizeHooks): Promise<ScoringSet> {
  const sg = referenceModel.subgraphs[0]!;
  const outputs = sg.outputs.flatMap((t, k) => (sg.tensors[t]!.type === TensorType.FLOAT32 ? [k] : []));
  const all = await outputsOver(referenceModel, data, 'the reference model', hooks);
  return { data, reference: outputs.map((k) => all[k]!), outputs };
}

/** SQNR (dB) of each scored output of `quantModel` vs the reference. */
export async function scoreModel(quantModel: Model, set: ScoringSet, hooks: QuantizeHooks): Promise<number[]> {
  const all = await outputsOver(quantModel, set.data, 'a candidate recipe', hooks);
  return set.outputs.map((k, j) => {
    const acc = new ErrorAccumulator();
    acc.add(set.reference[j]!, all[k]!);
    return acc.sqnrDb();
  });
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
 * the best two of those: at most 8 candidates. Ties keep the earlier (simpler) recipe; per-channel FULLY_CONNECTED
 * needs PER_CHANNEL_FC_MARGIN_DB more.
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
  // Per-channel FULLY_CONNECTED costs flash (a float scale and an int64 zero point per output channel, often more
  // than a small layer's weights save) and is slower on some kernels: it has to earn its place.
  const chosenFc = choices.perChannelFullyConnected.length > 1;
  const merit = (c: RecipeCandidate) => c.scoreDb - (chosenFc && c.recipe.perChannelFullyConnected ? PER_CHANNEL_FC_MARGIN_DB : 0);
  let winner = candidates[0]!;
  for (const c of candidates) if (merit(c) > merit(winner)) winner = c;
  return {
    graph: winner.built.graph,
    model: winner.built.model,
    chosen: winner.recipe,
    candidates: candidates.map(({ built: _b, ...c }) => c),
  };
}
