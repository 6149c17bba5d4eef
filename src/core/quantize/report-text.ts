/** The quantization report as plain text, for the CLI and the output channel. */
import type { DeviceTarget, MixedPrecisionReport } from './mixed-precision-report';
import { arenaFiguresLine, buildLabel } from '../arena/figures';
import { formatBytes, formatCount, formatDb, formatOperatorRef, formatPercent, formatT } from '../common/format';
import { describeSplit } from '../data/dataset';
import { describeImageOptions } from '../data/options';
import { CALIBRATION_VIEW_SAMPLES, PER_CHANNEL_FC_MARGIN_DB, RANGE_METHOD_MARGIN_DB, RANGE_METHOD_MIN_T, SQNR_FLOOR_DB, type AccuracyReport, type QuantizationReport, type Recipe, type RecipeReport, type TflmAccuracy } from './types';

/**
 * Said wherever accuracy is reported on samples split off the user's data; plain text, which the inspector shows as
 * is. Measured on CIFAR-10: ResNet-8 scored 29.2 dB on 40 held-out training images and 24.2 dB on 1,000 test images
 * (docs/quantize-pairs.md).
 */
export const HELD_OUT_FROM_DATA_NOTE = 'Held out from the data given: if that is training data, inputs the model never saw may score lower (separate held-out data scores them: --eval PATH, in VS Code the held-out data pick).';

export function recipeLabel(r: Recipe): string {
  return [`${r.method} ranges`, r.perChannelFullyConnected ? 'per-channel FC' : '', r.biasCorrection ? 'bias correction' : '', r.gptq ? 'GPTQ weights' : ''].filter(Boolean).join(' + ');
}

/** "mse 12, percentile 3, minmax 2": how many tensors took each range method under the per-tensor choice. */
export function perTensorSummary(counts: RecipeReport['perTensor']): string {
  return Object.entries(counts ?? {}).sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(', ');
}

/** How the search decided, for the text and markdown reports (one wording of the rule, recipe.ts decide). */
export function recipeRuleText(r: RecipeReport): string {
  const parts: string[] = [];
  if (r.candidates.some((c) => c.recipe.perChannelFullyConnected) && !r.forced.includes('perChannelFullyConnected')) parts.push(`per-channel FC must gain ${PER_CHANNEL_FC_MARGIN_DB} dB`);
  const bc = r.candidates.some((c) => c.recipe.biasCorrection) && r.candidates.some((c) => !c.recipe.biasCorrection) && !r.forced.includes('biasCorrection');
  if (bc) parts.push(r.scoredOn?.heldOut ? `bias correction stays unless the samples clearly reject it (paired t ≤ -${RANGE_METHOD_MIN_T})` : 'bias correction only where it scores better');
  if (r.candidates.some((c) => c.recipe.gptq) && r.candidates.some((c) => !c.recipe.gptq) && !r.forced.includes('weightRounding')) parts.push('GPTQ weight rounding (tried with an accuracy target) only where it scores better');
  if (r.candidates[0]?.recipe.method === 'per-tensor' && r.candidates.some((c) => c.recipe.method !== 'per-tensor')) {
    parts.push(`a single range method must gain ${RANGE_METHOD_MARGIN_DB} dB over per-tensor, shared by the samples (paired t ≥ ${RANGE_METHOD_MIN_T})`
      + (!r.scoredOn?.heldOut ? ''
        : r.scoredOn.noCalibrationView ? ` (with fewer than ${2 * CALIBRATION_VIEW_SAMPLES} calibration samples, no second view: short of that, per-tensor stays)`
          : ` or, short of that, also on the first ${CALIBRATION_VIEW_SAMPLES} calibration samples`));
  }
  return parts.join('; ');
}

/** Why per-channel FULLY_CONNECTED is not among the candidates, when its weights ruled it out. */
export function perChannelFcSkippedText(r: RecipeReport): string | undefined {
  return r.perChannelFcBoundDb === undefined ? undefined
    : `per-channel FC not tried: its FULLY_CONNECTED weights bound the gain to ${formatDb(r.perChannelFcBoundDb)}, below its ${PER_CHANNEL_FC_MARGIN_DB} dB margin`;
}

function recipeLines(r: RecipeReport): string[] {
  const perTensor = r.perTensor ? [`  ranges per tensor, by each tensor's own quantization error over its histogram: ${perTensorSummary(r.perTensor)}`] : [];
  if (!r.candidates.length) return [`Recipe: ${recipeLabel(r.chosen)} (set by options)`, ...perTensor];
  const on = r.scoredOn ? ` on ${r.scoredOn.samples} ${r.scoredOn.heldOut ? 'held-out' : 'calibration (no held-out data)'} samples` : '';
  const rule = recipeRuleText(r);
  const lines = [`Recipe: ${recipeLabel(r.chosen)} (chosen automatically among ${r.candidates.length} by worst-output SQNR${on}${rule ? `; ${rule}` : ''}${r.forced.length ? `; fixed by options: ${r.forced.join(', ')}` : ''})`];
  const chosen = JSON.stringify(r.chosen);
  lines.push(...perTensor);
  const skipped = perChannelFcSkippedText(r);
  if (skipped) lines.push(`  ${skipped}`);
  const cal = r.scoredOn?.calibrationSamples;
  for (const c of r.candidates) {
    const evidence = [c.pairedT !== undefined ? `paired t ${formatT(c.pairedT)}` : '',
      c.calibrationDb !== undefined ? `first ${cal} calibration samples ${formatDb(c.calibrationDb)}${c.calibrationPairedT !== undefined ? `, paired t ${formatT(c.calibrationPairedT)}` : ''}` : ''].filter(Boolean).join('; ');
    lines.push(`  ${JSON.stringify(c.recipe) === chosen ? '*' : ' '} ${recipeLabel(c.recipe).padEnd(48)} ${formatDb(c.scoreDb).padStart(9)}${evidence ? `  (${evidence})` : ''}`);
  }
  return lines;
}

/** An index output (ARG_MAX / ARG_MIN head): the values it indexes (scored as an output above), and how often its indices agree (text and markdown). */
export function indexOutputText(x: NonNullable<AccuracyReport['indexOutputs']>[number], reference: 'float' | 'hybrid' = 'float'): string {
  return `output ${x.name}: indices (${x.op} of ${x.of}, scored above) equal the ${reference} model's in ${x.agree} of ${x.values} (${formatPercent(x.agree, Math.max(1, x.values))})`;
}

/**
 * One line for the accuracy as TFLite Micro's reference kernels compute it (shared by the text and the markdown
 * report). When it covers fewer than the report's `samples`, LiteRT's figures on the same samples stand beside it:
 * the gap between those is the device's, the gap to the all-sample figure may be the subset's.
 */
export function tflmAccuracyLine(t: TflmAccuracy, reference: 'float' | 'hybrid' = 'float', samples = t.samples): string {
  if (t.notComputed) return `As TFLite Micro computes it: not computed (${t.notComputed} has no reference evaluation here)`;
  const subset = t.samples < samples;
  const outs = t.outputs.map((o) => `${o.name} SQNR ${formatDb(o.sqnrDb)}${subset && o.liteRtSqnrDb !== undefined ? ` (LiteRT ${formatDb(o.liteRtSqnrDb)} on these samples)` : ''}`).join(', ');
  const top1 = t.top1Agreement !== undefined ? `, top-1 agreement with the ${reference} model ${formatPercent(t.top1Agreement)}${subset && t.liteRtTop1Agreement !== undefined ? ` (LiteRT ${formatPercent(t.liteRtTop1Agreement)})` : ''}` : '';
  return `As TFLite Micro computes it (reference kernels, bit-exact; first ${t.samples} samples): ${[outs + top1, liteRtComparisonText(t)].filter((x) => x).join('; ')}`;
}

/**
 * How TFLite Micro's outputs compare with LiteRT's on the same samples (text, markdown and the inspector): integer
 * outputs in quantization steps, float outputs (`--io float`) as the share of values that differ. Nothing is said of
 * integer outputs a model does not have.
 */
export function liteRtComparisonText(t: TflmAccuracy): string {
  const parts: string[] = [];
  if (t.integerValues === undefined || t.integerValues > 0) {
    parts.push(t.maxLsbVsLiteRt === 0 ? 'same integer outputs as LiteRT'
      : `integer outputs differ from LiteRT's by up to ${t.maxLsbVsLiteRt} step${t.maxLsbVsLiteRt === 1 ? '' : 's'} (${formatPercent(t.fractionDifferVsLiteRt)} of values)`);
  }
  if (t.floatValues) {
    parts.push(t.floatDifferVsLiteRt === 0 ? 'same float outputs as LiteRT'
      : `float outputs differ from LiteRT's in ${formatPercent(t.floatDifferVsLiteRt ?? 0)} of values (the two runtimes' kernels round differently)`);
  }
  return parts.join('; ');
}

/**
 * What the kept layers cost against all int8, one sentence for every surface (CLI, markdown, the inspector's tab):
 * "flash +9.0 KiB, arena +403 KiB (cortex-m, reference kernels), float MACs 0, int16x8 MACs 31,400,000". A report
 * saved before the arena was the firmware build's names only the kernel set whose int16 kernels were chosen.
 */
export function mixedPrecisionCostText(m: MixedPrecisionReport): string {
  const c = m.cost;
  const signed = (b: number) => `${b >= 0 ? '+' : '-'}${formatBytes(Math.abs(b))}`;
  const build = c.arenaBuild ?? `${m.kernels === 'reference' ? 'reference' : 'CMSIS-NN'} kernels' int16 choice`;
  return `flash ${signed(c.flashBytes)}, arena ${c.arenaBytes === undefined ? 'not estimated' : `${signed(c.arenaBytes)} (${build})`}, `
    + `float MACs ${formatCount(c.floatMacs)}, int16x8 MACs ${formatCount(c.int16Macs)}`;
}

/** A source model whose weights were int8 already (hybrid, or behind DEQUANTIZE): what was kept of them. */
export function sourceInt8Text(s: NonNullable<QuantizationReport['sourceInt8']>): string {
  const from = s.hybridOps ? `hybrid model (${s.hybridOps} operator(s) with int8 weights in float kernels)` : 'model with int8 weights behind DEQUANTIZE';
  return `${from}; ${s.weightsKept} int8 weight tensor(s) kept as they were${s.weightsRequantized.length ? `, ${s.weightsRequantized.length} quantized again (${s.weightsRequantized.slice(0, 3).join('; ')}${s.weightsRequantized.length > 3 ? '; ...' : ''})` : ''}`;
}

/** What the accuracy is measured against: the float model, or a hybrid model as given (its own float kernels). */
export const referenceModelText = (reference: AccuracyReport['reference']): string => (reference === 'hybrid' ? 'the hybrid model as given' : 'the float model');

/**
 * How a sentence reads on a surface: the verdict (the CLI shouts it, MET / MISSED; markdown bolds it; the tab says
 * it) and names that come from the user (data sources), which markdown escapes.
 */
export interface SentenceStyle {
  verdict?(met: boolean): string;
  quote?(name: string): string;
  /** Between a before and an after figure: '→' (default) or the CLI's '->'. */
  arrow?: string;
}
const verdictOf = (style: SentenceStyle, met: boolean) => (style.verdict ? style.verdict(met) : met ? 'met' : 'missed');
const quoted = (style: SentenceStyle, name: string) => (style.quote ? style.quote(name) : name);

/**
 * The target sentences of the CLI, markdown and the inspector's tab. "worst output ≥ 20 dB on 18 samples (…): met,
 * 4.3 dB all int8 → 29.9 dB".
 */
export function mixedPrecisionTargetText(m: MixedPrecisionReport, style: SentenceStyle = {}): string {
  return `worst output ≥ ${m.targetDb} dB on ${m.scoredOn.samples} samples (${quoted(style, m.scoredOn.source)}): ${verdictOf(style, m.met)}, `
    + `${formatDb(Math.min(...m.outputsBeforeDb))} all int8 ${style.arrow ?? '→'} ${formatDb(Math.min(...m.outputsAfterDb))}`;
}

/** The samples the report scores, which the search did not see (or could not be kept from). */
export function mixedPrecisionReportedText(r: NonNullable<MixedPrecisionReport['reportedOn']>, style: SentenceStyle = {}): string {
  return (r.unseen
    ? `on the other ${r.samples} held-out samples, which the search did not see (${quoted(style, r.source)}): worst output ${formatDb(r.worstDb)}, ${verdictOf(style, r.met)}`
    : `too few held-out samples to split: the accuracy is reported on the same ${r.samples} samples the search selected on (optimistic)`)
    + (r.device ? `; ${deviceTargetText(r.device, style)}` : '');
}

/**
 * The target as TFLite Micro computes the outputs, after the reported line: "as TFLite Micro computes it (reference
 * kernels, all 40 samples): worst output 19.2 dB, missed", or with an estimate "(reference kernels, estimated from the
 * first 10 samples): worst output about 19.9 dB, below the target by this estimate".
 */
export function deviceTargetText(d: DeviceTarget, style: SentenceStyle = {}): string {
  return `as TFLite Micro computes it (reference kernels, ${d.estimated ? `estimated from the first ${d.samples} samples` : `all ${d.samples} samples`}): `
    + `worst output ${d.estimated ? 'about ' : ''}${formatDb(d.worstDb)}, ${d.met || !d.estimated ? verdictOf(style, d.met) : 'below the target by this estimate'}`;
}

/** "4 of 9 candidate layers kept in higher precision, with the operators that read their outputs (12 rewrites scored); int16x8 where …". */
export function mixedPrecisionKeptText(m: MixedPrecisionReport): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return `${m.kept.length} of ${n(m.candidates, 'candidate layer', 'candidate layers')} kept in higher precision, with the operators that read their outputs `
    + `(${n(m.probes, 'rewrite', 'rewrites')} scored${m.followed ? `; ${n(m.followed, 'shape operator follows', 'shape operators follow')} into int16` : ''}); `
    + `int16x8 where TFLite Micro's ${m.kernels === 'reference' ? 'reference' : 'CMSIS-NN'} kernels have it, else float`;
}

/** An output written as int16 because its int8 grid alone could not reach the target. */
export function widenedOutputText(w: NonNullable<MixedPrecisionReport['widenedOutputs']>[number]): string {
  return `output "${w.name}" is written as int16 (int8 would round it to ${formatDb(w.int8FloorDb)} at best on these samples)`;
}

function mixedPrecisionLines(m: MixedPrecisionReport): string[] {
  const shout: SentenceStyle = { verdict: (met) => (met ? 'MET' : 'MISSED'), arrow: '->' };
  const lines = [`Target: ${mixedPrecisionTargetText(m, shout)}`];
  if (m.reportedOn) lines.push(`  ${mixedPrecisionReportedText(m.reportedOn, shout)}`);
  if (!m.kept.length) {
    lines.push('  no layer needed higher precision');
  } else {
    lines.push(`  ${mixedPrecisionKeptText(m)}:`);
    for (const l of m.kept) lines.push(`    ${l.op.padEnd(24)} ${l.precision.padEnd(8)} int8 ${formatDb(l.int8SqnrDb).padStart(9)}  ${l.tensor}${l.reason ? `  (${l.reason})` : ''}`);
    lines.push(`  cost vs all int8: ${mixedPrecisionCostText(m)}`);
  }
  for (const w of m.widenedOutputs ?? []) lines.push(`  ${widenedOutputText(w)}`);
  if (m.note) lines.push(`  ${m.note}`);
  return lines;
}


export function formatQuantizationReport(r: QuantizationReport, warnings: readonly string[] = [], worstLayers = 5): string {
  const lines: string[] = [];
  lines.push(`Mode: ${r.mode}${r.mode === 'int8' || r.mode === 'int16x8' ? `, ${r.io === 'float' ? 'float' : 'integer'} inputs/outputs` : ''}`);
  lines.push(`Size: ${formatBytes(r.sizeBefore)} -> ${formatBytes(r.sizeAfter)} (${formatPercent(r.sizeAfter, r.sizeBefore, 0)})`);
  if (r.calibration) {
    lines.push(`Calibration: ${r.calibration.split ? `${describeSplit(r.calibration.split)} (${r.calibration.split.source})` : `${r.calibration.samples} samples from ${r.calibration.source}`}, ranges by ${r.calibration.method}${r.calibration.image ? `; images as ${describeImageOptions(r.calibration.image)}` : ''}`);
  }
  if (r.recipe) lines.push(...recipeLines(r.recipe));
  if (r.equalization) {
    const e = r.equalization;
    lines.push(`Channel equalization: ${e.channels} channel(s) of ${e.layers} layer(s) scaled up (at most ×${e.maxScale}) before calibration, the next layer's weights divided; float outputs unchanged`);
  }
  if (r.sourceInt8) lines.push(`Source: ${sourceInt8Text(r.sourceInt8)}`);
  const quantized = r.operators.filter((o) => o.status === 'quantized').length;
  const float = r.operators.filter((o) => o.status === 'float');
  lines.push(`Operators: ${quantized} of ${r.operators.length} quantized${float.length ? `; kept float: ${float.map((o) => formatOperatorRef(o.index, o.op)).join(', ')}` : ''}`);
  if (r.mixedPrecision) lines.push(...mixedPrecisionLines(r.mixedPrecision));
  const a = r.accuracy;
  if (a) {
    lines.push(`Accuracy on ${a.samples} held-out samples (${a.source})${a.reference === 'hybrid' ? ', against the hybrid model as given' : ''}:`);
    for (const o of a.outputs) {
      const low = a.belowFloor?.includes(o.name) ? `   <<< BELOW THE ${SQNR_FLOOR_DB} dB FLOOR` : '';
      lines.push(`  output ${o.name}: SQNR ${formatDb(o.sqnrDb)}, max abs error ${o.maxAbsError.toPrecision(3)}, mean abs error ${o.meanAbsError.toPrecision(3)}${low}`);
    }
    for (const x of a.indexOutputs ?? []) lines.push(`  ${indexOutputText(x, a.reference)}`);
    if (a.top1Agreement !== undefined) lines.push(`  top-1 agreement with ${referenceModelText(a.reference)}: ${formatPercent(a.top1Agreement)}`);
    if (a.tflm) lines.push(`  ${tflmAccuracyLine(a.tflm, a.reference, a.samples)}`);
    if (r.calibration?.split) lines.push(`  ${HELD_OUT_FROM_DATA_NOTE}`);
    const worst = [...a.layers].sort((x, y) => x.sqnrDb - y.sqnrDb).slice(0, worstLayers);
    if (worst.length) {
      lines.push(`  layers losing the most (SQNR of each intermediate vs float${a.layerSamples ? `, first ${a.layerSamples} samples` : ''}):`);
      for (const l of worst) lines.push(`    ${l.producer.padEnd(24)} ${formatDb(l.sqnrDb).padStart(9)}  ${l.tensor}`);
    }
  } else {
    lines.push('Accuracy: no held-out samples, not measured.');
  }
  if (r.tflm) {
    lines.push(`TFLite Micro: ${r.tflm.runs ? 'all operators have kernels' : 'cannot run this model as is'}`);
    if (r.tflm.arena) lines.push(`  arena (${buildLabel(r.tflm.arena)}): ${arenaFiguresLine(r.tflm.arena)}`);
    for (const n of r.tflm.notes.slice(0, 5)) lines.push(`  ${n}`);
    if (r.tflm.notes.length > 5) lines.push(`  ... and ${r.tflm.notes.length - 5} more`);
  }
  lines.push(`Time: ${(r.totalMs / 1000).toFixed(2)} s${r.calibration ? ` (runtime forward passes ${(r.calibration.forwardMs / 1000).toFixed(2)} s)` : ''}`);
  for (const w of warnings) lines.push(`Warning: ${w}`);
  return lines.join('\n') + '\n';
}
