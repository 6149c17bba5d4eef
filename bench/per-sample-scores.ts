/**
 * Output SQNR and top-1 of int8 models on a test set, kept per test sample, so that a difference between two models
 * comes with its bootstrap interval: each set's SQNR rests on its few worst samples, and the best of 12 single
 * options is the maximum of 12 noisy figures. The outputs come from the quantizer's own scoring path (recipe.ts
 * scoringSet / scoreOutputs: LiteRT, batched where the graph allows), the SQNR is the same as evaluateQuantization's
 * (signal over noise energy of all output values), the worst output decides.
 */
import type { Dataset } from '../src/core/data/dataset';
import { seededRandom } from '../src/core/data/index';
import { scoreOutputs, scoringSet, type ScoringSet } from '../src/core/quantize/recipe';
import { argMax, ErrorAccumulator, isClassifier } from '../src/core/quantize/evaluate';
import { readModel } from '../src/core/tflite/index';

export interface SampleScores {
  /** Worst output's SQNR over the whole set, dB. */
  db: number;
  /** Which scored output that is. */
  worst: number;
  /** Per scored output, per sample: noise energy (same units as SampleScorer.signal). */
  noise: Float64Array[];
  /** Per sample: the class the first output ranks first (classifiers). */
  argmax: Int32Array;
  /** Share of samples whose top class is the reference model's. */
  top1Agreement: number;
  /** Share of samples whose top class is the true label, when labels are given. */
  top1Label?: number;
}

export interface SampleScorer {
  set: ScoringSet;
  /** One output of class scores (evaluate.ts isClassifier): top-1 figures mean something. */
  classifier: boolean;
  /** Per scored output, per sample: the reference output's signal energy. */
  signal: Float64Array[];
  reference: SampleScores;
  score(bytes: Uint8Array): Promise<SampleScores>;
}

/** Per sample, the index of its largest value (evaluate.ts argMax on each sample's slice). */
function argmaxes(values: Float32Array, n: number): Int32Array {
  const per = values.length / n;
  return Int32Array.from({ length: n }, (_, i) => argMax(values.subarray(i * per, (i + 1) * per)));
}

const share = (n: number, hit: (i: number) => boolean) => { let k = 0; for (let i = 0; i < n; i++) if (hit(i)) k++; return k / n; };

/** Per sample: Σ reference² (without `got`) or Σ (reference − got)², evaluate.ts's ErrorAccumulator on each sample's slice. */
function perSample(ref: Float32Array, got: Float32Array | undefined, n: number): Float64Array {
  const per = ref.length / n;
  return Float64Array.from({ length: n }, (_, i) => {
    const e = new ErrorAccumulator();
    const r = ref.subarray(i * per, (i + 1) * per);
    e.add(r, got ? got.subarray(i * per, (i + 1) * per) : new Float32Array(per));
    return got ? e.noise : e.signal;
  });
}

const sum = (xs: Float64Array, idx?: ArrayLike<number>) => { let s = 0; if (idx) for (let k = 0; k < idx.length; k++) s += xs[idx[k]!]!; else for (const x of xs) s += x; return s; };
const dbOf = (signal: number, noise: number) => (noise === 0 ? Infinity : 10 * Math.log10(signal / noise));

/** The reference model's outputs over `test`, once; `score` runs a quantized model over the same samples. */
export async function sampleScorer(referenceBytes: Uint8Array, test: Dataset, labels?: readonly number[]): Promise<SampleScorer> {
  const model = readModel(referenceBytes);
  const set = await scoringSet(model, test, {});
  const n = test.samples.length;
  const signal = set.reference.map((r) => perSample(r, undefined, n));
  const refArgmax = argmaxes(set.reference[0]!, n);
  const result = (outputs: readonly Float32Array[]): SampleScores => {
    const noise = set.reference.map((r, j) => perSample(r, outputs[j], n));
    const dbs = noise.map((e, j) => dbOf(sum(signal[j]!), sum(e)));
    const worst = dbs.indexOf(Math.min(...dbs));
    const argmax = argmaxes(outputs[0]!, n);
    return {
      db: dbs[worst]!, worst, noise, argmax,
      top1Agreement: share(n, (i) => argmax[i] === refArgmax[i]),
      ...(labels ? { top1Label: share(n, (i) => argmax[i] === labels[i]) } : {}),
    };
  };
  return {
    set, signal, classifier: isClassifier(model),
    reference: { ...result(set.reference), db: Infinity },
    score: async (bytes) => result((await scoreOutputs(readModel(bytes), set, {})).outputs),
  };
}

/** A model's first scored output on each sample of `data` (the quantizer's own output pass), one array per sample. */
export async function outputsPerSample(bytes: Uint8Array, data: Dataset): Promise<Float32Array[]> {
  const set = await scoringSet(readModel(bytes), data, {});
  const all = set.reference[0]!;
  const per = all.length / data.samples.length;
  return data.samples.map((_, i) => all.subarray(i * per, (i + 1) * per));
}

export interface GapInterval {
  /** a's SQNR minus b's on the whole set, dB. */
  gapDb: number;
  /** 5th and 95th percentile of the gap over the resamples. */
  lo: number;
  hi: number;
  /** Share of resamples on which a is within `toleranceDb` of the best of `field` (when given). */
  reachesBest?: number;
  /** How many independent groups were resampled (the samples, without `groups`). */
  groups: number;
  resamples: number;
  toleranceDb: number;
}

export interface GapOptions {
  /**
   * A group id per test sample: samples of one source (a clip and its noisy copy, overlapping windows of one
   * recording) are not independent draws, and resampling them one by one narrows the interval. Whole groups are drawn.
   */
  groups?: readonly number[];
  toleranceDb?: number;
  resamples?: number;
  seed?: number;
}

/**
 * Bootstrap over the test samples (2,000 resamples with replacement, seeded; whole groups with `groups`) of a's
 * worst-output SQNR minus b's, on the output that is worst for either. With `field` (every single option's scores),
 * also how often a comes within `toleranceDb` of the best of them on the resample (the best single option is a
 * maximum over noisy figures, chosen after the fact): a gap the interval straddles 0 for is not a real one.
 */
export function bootstrapGap(scorer: SampleScorer, a: SampleScores, b: SampleScores, field: readonly SampleScores[] = [], opts: GapOptions = {}): GapInterval {
  const { toleranceDb = 0.05, resamples = 2000, seed = 5 } = opts;
  const j = a.db <= b.db ? a.worst : b.worst;
  const signal = scorer.signal[j]!;
  const n = signal.length;
  const members = new Map<number, number[]>();
  (opts.groups ?? Array.from({ length: n }, (_, i) => i)).forEach((g, i) => { const m = members.get(g); if (m) m.push(i); else members.set(g, [i]); });
  const clusters = [...members.values()];
  const random = seededRandom(seed);
  const gaps: number[] = [];
  let reaches = 0;
  const idx: number[] = [];
  for (let r = 0; r < resamples; r++) {
    idx.length = 0;
    for (let i = 0; i < clusters.length; i++) idx.push(...clusters[Math.floor(random() * clusters.length)]!);
    const s = sum(signal, idx);
    const da = dbOf(s, sum(a.noise[j]!, idx));
    gaps.push(da - dbOf(s, sum(b.noise[j]!, idx)));
    if (field.length && da >= Math.max(...field.map((f) => dbOf(s, sum(f.noise[j]!, idx)))) - toleranceDb) reaches++;
  }
  gaps.sort((x, y) => x - y);
  const at = (q: number) => gaps[Math.min(resamples - 1, Math.floor(q * resamples))]!;
  return { gapDb: a.db - b.db, lo: at(0.05), hi: at(0.95), groups: clusters.length, resamples, toleranceDb, ...(field.length ? { reachesBest: reaches / resamples } : {}) };
}

/** a's SQNR on a part of the test set (indices into it), on its worst output over the whole set. */
export function sqnrOn(scorer: SampleScorer, a: SampleScores, idx: readonly number[]): number {
  return dbOf(sum(scorer.signal[a.worst]!, idx), sum(a.noise[a.worst]!, idx));
}

/** How concentrated a's noise (worst output) is: how many samples carry half of it, and the top three's share. */
export function noiseConcentration(a: SampleScores): { half: number; topThreeShare: number } {
  const sorted = [...a.noise[a.worst]!].sort((x, y) => y - x);
  const total = sorted.reduce((x, y) => x + y, 0);
  let acc = 0, half = 0;
  while (acc < total / 2 && half < sorted.length) acc += sorted[half++]!;
  return { half, topThreeShare: (sorted[0]! + (sorted[1] ?? 0) + (sorted[2] ?? 0)) / total };
}

export function describeGap(g: GapInterval, what: string): string {
  const verdict = g.lo > 0 ? 'real (ahead)' : g.hi < 0 ? 'real (behind)' : 'within the noise';
  return `${what} ${g.gapDb >= 0 ? '+' : ''}${g.gapDb.toFixed(2)} dB, bootstrap 90% interval ${g.lo.toFixed(2)}…${g.hi.toFixed(2)} (${g.groups} groups resampled): ${verdict}`
    + (g.reachesBest !== undefined ? `; within ${g.toleranceDb} dB of the best single option of the resample in ${(100 * g.reachesBest).toFixed(0)}% of ${g.resamples} resamples` : '');
}

/** One calibration draw: the default's scores and every single option's, all on the same test set. */
export interface DrawScores {
  ours: SampleScores;
  options: readonly { label: string; s: SampleScores }[];
}

export interface DrawsGap {
  /** The single option with the best SQNR averaged over the draws (fixed across them: no per-draw pick). */
  option: string;
  /** Mean over the draws of ours minus that option, dB, on the whole test set. */
  meanGapDb: number;
  /** 5th and 95th percentile of the mean gap, resampling draws and test samples together (absent below MIN_DRAWS). */
  lo?: number;
  hi?: number;
  /**
   * Share of resamples on which ours is within `toleranceDb` of the option best on average *in that resample*: the
   * option above is picked after the fact, from the same draws, and this counts that choice's own noise.
   */
  reachesBest?: number;
  /** Per draw: ours minus that option, and ours minus that draw's own best single option. */
  perDraw: { gapDb: number; toBestDb: number; best: string }[];
  resamples: number;
  toleranceDb: number;
}

/** Fewer draws than this give a bootstrap of too few distinct combinations for an interval: point figures only. */
export const MIN_DRAWS = 5;

/**
 * The default against the single options over several calibration draws (the data a user gives, drawn again): which
 * images calibrate moves every figure by tenths of a dB to dB, and bootstrapGap resamples only the test samples.
 * The option compared is the one best on average over the draws; each resample draws the draws and the test samples
 * (the same test indices for every draw: one test set) with replacement and takes the mean gap over the drawn draws,
 * and whether ours comes within `toleranceDb` of the option best on average in that resample. Each draw's gap is on
 * the output worst for either model (as bootstrapGap).
 */
export function drawsGap(scorer: SampleScorer, draws: readonly DrawScores[], opts: { resamples?: number; seed?: number; toleranceDb?: number } = {}): DrawsGap {
  const { resamples = 2000, seed = 7, toleranceDb = 0.05 } = opts;
  const labels = draws[0]!.options.map((o) => o.label);
  const meanOf = (k: number) => draws.reduce((a, d) => a + d.options[k]!.s.db, 0) / draws.length;
  let k = 0;
  for (let i = 1; i < labels.length; i++) if (meanOf(i) > meanOf(k)) k = i;
  /** One draw's SQNR of `a`, on output `j`, over the samples `idx` (all of them without). */
  const dbOn = (a: SampleScores, j: number, idx?: number[]) => (idx ? dbOf(sum(scorer.signal[j]!, idx), sum(a.noise[j]!, idx)) : a.db);
  const worstOf = (d: DrawScores) => (d.ours.db <= d.options[k]!.s.db ? d.ours.worst : d.options[k]!.s.worst);
  const gapOn = (d: DrawScores, idx?: number[]) => { const j = worstOf(d); return dbOn(d.ours, j, idx) - dbOn(d.options[k]!.s, j, idx); };
  const perDraw = draws.map((d) => {
    const best = d.options.reduce((x, y) => (y.s.db > x.s.db ? y : x));
    return { gapDb: gapOn(d), toBestDb: d.ours.db - best.s.db, best: best.label };
  });
  const meanGapDb = perDraw.reduce((a, d) => a + d.gapDb, 0) / draws.length;
  if (draws.length < MIN_DRAWS) return { option: labels[k]!, meanGapDb, perDraw, resamples: 0, toleranceDb };
  const n = scorer.signal[0]!.length;
  const random = seededRandom(seed);
  const means: number[] = [];
  const idx: number[] = [];
  let reaches = 0;
  for (let r = 0; r < resamples; r++) {
    idx.length = 0;
    for (let i = 0; i < n; i++) idx.push(Math.floor(random() * n));
    const picked = Array.from({ length: draws.length }, () => draws[Math.floor(random() * draws.length)]!);
    means.push(picked.reduce((a, d) => a + gapOn(d, idx), 0) / picked.length);
    // Ours and every option on this resample, each on the output worst for ours in its draw.
    const oursMean = picked.reduce((a, d) => a + dbOn(d.ours, d.ours.worst, idx), 0) / picked.length;
    let bestMean = -Infinity;
    for (let o = 0; o < labels.length; o++) bestMean = Math.max(bestMean, picked.reduce((a, d) => a + dbOn(d.options[o]!.s, d.ours.worst, idx), 0) / picked.length);
    if (oursMean >= bestMean - toleranceDb) reaches++;
  }
  means.sort((x, y) => x - y);
  const at = (q: number) => means[Math.min(resamples - 1, Math.floor(q * resamples))]!;
  return { option: labels[k]!, meanGapDb, lo: at(0.05), hi: at(0.95), reachesBest: reaches / resamples, perDraw, resamples, toleranceDb };
}

export function describeDrawsGap(g: DrawsGap, seeds: readonly number[]): string {
  const bestCounts = new Map<string, number>();
  for (const d of g.perDraw) bestCounts.set(d.best, (bestCounts.get(d.best) ?? 0) + 1);
  const interval = g.lo !== undefined && g.hi !== undefined
    ? `90% interval ${g.lo.toFixed(2)}…${g.hi.toFixed(2)} (draws and test samples resampled, ${g.resamples} times): ${g.lo > 0 ? 'real (ahead)' : g.hi < 0 ? 'real (behind)' : 'within the noise'}; `
      + `within ${g.toleranceDb} dB of the option best on average of the resample in ${(100 * g.reachesBest!).toFixed(0)}% of them`
    : `no interval below ${MIN_DRAWS} draws`;
  return `over ${g.perDraw.length} calibration draws (seeds ${seeds.join(', ')}): ours − ${g.option} (best on average) mean ${g.meanGapDb >= 0 ? '+' : ''}${g.meanGapDb.toFixed(2)} dB, `
    + `${interval}; per draw ${g.perDraw.map((d) => `${d.gapDb >= 0 ? '+' : ''}${d.gapDb.toFixed(2)}`).join(', ')}; `
    + `each draw's own best single option: ${[...bestCounts].map(([l, c]) => `${l} ${c}×`).join(', ')}, ours within 0.05 dB of it in ${g.perDraw.filter((d) => d.toBestDb >= -0.05).length} of ${g.perDraw.length}`;
}
