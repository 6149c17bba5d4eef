/**
 * The quantization report as Markdown, shown read-only in a preview beside the new model: the same facts as the
 * CLI's text report, plus the whole per-layer table (the quantization debugger: which layer loses the most).
 */
import path from 'node:path';
import { arenaFigures, arenaGapNote, buildLabel } from '../../core/arena/figures';
import { escapeMarkdown } from '../../core/common/markdown';
import { asSentence, formatBytes, formatBytesExact, formatOperatorRef, formatPercent, formatT } from '../../core/common/format';
import { describeSplit } from '../../core/data/dataset';
import { describeImageOptions } from '../../core/data/options';
import { HELD_OUT_FROM_DATA_NOTE, indexOutputText, liteRtComparisonText, referenceModelText, sourceInt8Text, widenedOutputText, mixedPrecisionCostText, mixedPrecisionKeptText, mixedPrecisionReportedText, mixedPrecisionTargetText, perChannelFcSkippedText, perTensorSummary, recipeLabel, recipeRuleText, SQNR_FLOOR_DB, deviceMissed, targetMet, type QuantizationReport } from '../../core/quantize/index';
import { NOT_FOR_TFLM, runsOnTflm } from './quantize-ui';


/** SQNR in a column headed (dB): the number alone, 'exact' when nothing was lost. */
const db = (x: number) => (x === Infinity ? 'exact' : x === -Infinity ? '−∞' : x.toFixed(1));
const num = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : String(x));

/** The per-layer table flags its lowest-SQNR layers: a quarter of them, at most this many. */
const WORST_LAYERS_FLAGGED = 3;

export interface ReportNames {
  /** The float model the run started from. */
  source: string;
  /** The file written. */
  output: string;
}

export function quantizationReportMarkdown(r: QuantizationReport, warnings: readonly string[], names: ReportNames): string {
  const out: string[] = [];
  const e = escapeMarkdown;
  out.push(`# Quantization report: ${e(path.basename(names.output))}`, '');
  const ioText = runsOnTflm(r.mode) ? `, ${r.io === 'float' ? 'float32' : r.mode === 'int16x8' ? 'int16' : 'int8'} inputs and outputs` : '';
  out.push(`From **${e(path.basename(names.source))}** · mode **${r.mode}**${ioText} · size ${formatBytes(r.sizeBefore)} → ${formatBytes(r.sizeAfter)} (${formatPercent(r.sizeAfter, r.sizeBefore, 0)})`, '');
  if (!runsOnTflm(r.mode)) {
    const why = r.mode === 'dynamic'
      ? 'dynamic-range models keep float activations and need hybrid kernels'
      : 'float16 weights need a float16 DEQUANTIZE kernel';
    out.push(`> **${NOT_FOR_TFLM}:** ${why}. Use int8 for microcontrollers.`, '');
  }
  // A hybrid (or int8-behind-DEQUANTIZE) source: what was kept of its weights, as the CLI says it.
  if (r.sourceInt8) out.push(`Source: ${e(sourceInt8Text(r.sourceInt8))}.`, '');

  const a = r.accuracy;
  if (a?.belowFloor?.length) {
    out.push(`> **Accuracy below the ${SQNR_FLOOR_DB} dB floor** on ${a.belowFloor.map((n) => `"${e(n)}"`).join(', ')}: the quantized model is not a faithful copy of ${referenceModelText(a.reference)} there. See the per-layer table for where the error comes from, and the warnings below.`, '');
  }
  const m = r.mixedPrecision;
  const device = m?.reportedOn?.device;
  const onDevice = deviceMissed(device) ? ` As TFLite Micro computes it: ${db(device.worstDb)} dB.` : '';
  if (m && !targetMet(m)) out.push(`> **Target of ${m.targetDb} dB missed**: the worst output reaches ${db(Math.min(...m.outputsAfterDb, ...(m.reportedOn ? [m.reportedOn.worstDb] : [])))} dB on LiteRT.${onDevice}${m.note ? ` ${e(asSentence(m.note))}.` : ''} The model written is the closest found.`, '');
  out.push('## Accuracy', '');
  if (!a) {
    out.push(r.calibration ? 'Not measured: too few samples to hold some out (10 or more are needed).' : 'Not measured: this mode needs no data, and none was given.', '');
  } else {
    out.push(`Quantized vs ${referenceModelText(a.reference)} on **${a.samples} held-out samples** (${e(a.source)}), never used for calibration.${r.calibration?.split ? ` ${HELD_OUT_FROM_DATA_NOTE}` : ''}`, '');
    if (a.outputs.length) {
      out.push('| Output | SQNR (dB) | Max error | Mean error |', '|---|---:|---:|---:|');
      for (const o of a.outputs) out.push(`| ${a.belowFloor?.includes(o.name) ? '⚠ ' : ''}${e(o.name)} | ${db(o.sqnrDb)} | ${num(o.maxAbsError)} | ${num(o.meanAbsError)} |`);
      out.push('');
    }
    for (const x of a.indexOutputs ?? []) out.push(`${e(indexOutputText(x, a.reference).replace(/^output /, 'Output '))}.`, '');
    if (a.top1Agreement !== undefined) out.push(`Top-1 agreement with ${referenceModelText(a.reference)}: **${formatPercent(a.top1Agreement)}**`, '');
    const t = a.tflm;
    if (t?.notComputed) out.push(`As TFLite Micro computes it: not computed (${e(t.notComputed)} has no reference evaluation here).`, '');
    else if (t) {
      const vsLiteRt = liteRtComparisonText(t);
      out.push('### As TFLite Micro computes it', '',
        `The quantized model's outputs as TFLite Micro's reference kernels compute them (bit-exact evaluator), on the first **${t.samples}** held-out samples. `
        + (vsLiteRt ? `${asSentence(vsLiteRt)} (on the same samples).` : ''), '');
      // On a subset, LiteRT's figure on the same samples is what the device's is read against.
      const subset = t.samples < a.samples && t.outputs.every((o) => o.liteRtSqnrDb !== undefined);
      if (t.outputs.length) {
        out.push(`| Output | SQNR (dB) |${subset ? ' LiteRT, same samples (dB) |' : ''} Max error | Mean error |`, `|---|---:|${subset ? '---:|' : ''}---:|---:|`);
        for (const o of t.outputs) out.push(`| ${e(o.name)} | ${db(o.sqnrDb)} |${subset ? ` ${db(o.liteRtSqnrDb!)} |` : ''} ${num(o.maxAbsError)} | ${num(o.meanAbsError)} |`);
        out.push('');
      }
      if (t.top1Agreement !== undefined) {
        out.push(`Top-1 agreement with ${referenceModelText(a.reference)} on TFLite Micro: **${formatPercent(t.top1Agreement)}**`
          + (subset && t.liteRtTop1Agreement !== undefined ? ` (LiteRT on the same samples: ${formatPercent(t.liteRtTop1Agreement)})` : ''), '');
      }
    }
    if (a.layers.length) {
      const worst = new Set([...a.layers].sort((x, y) => x.sqnrDb - y.sqnrDb).slice(0, Math.min(WORST_LAYERS_FLAGGED, Math.ceil(a.layers.length / 4))).map((l) => l.tensor));
      out.push('### Per layer', '', `SQNR of each intermediate tensor vs the float model${a.layerSamples ? ` (first ${a.layerSamples} of ${a.samples} samples)` : ''}, in execution order; ⚠ marks the layers that lose the most.`, '');
      out.push('| Operator | Tensor | SQNR (dB) | Max error | Steps |', '|---|---|---:|---:|---:|');
      for (const l of a.layers) {
        const steps = l.scale > 0 ? (l.maxAbsError / l.scale).toFixed(1) : '';
        out.push(`| ${worst.has(l.tensor) ? '⚠ ' : ''}${e(l.producer)} | ${e(l.tensor)} | ${db(l.sqnrDb)} | ${num(l.maxAbsError)} | ${steps} |`);
      }
      out.push('', '*Max error*: the largest absolute difference from the float model; *Steps*: the same in quantization steps of that tensor (its scale).', '');
    }
  }

  if (m) {
    out.push('## Mixed precision', '');
    const style = { verdict: (met: boolean) => `**${met ? 'met' : 'missed'}**`, quote: e };
    out.push(`Target: ${mixedPrecisionTargetText(m, style)}.`, '');
    if (m.reportedOn) out.push(`${asSentence(mixedPrecisionReportedText(m.reportedOn, style))}.`, '');
    if (m.kept.length) {
      out.push(`${mixedPrecisionKeptText(m)}.`, '');
      out.push('| Operator | Precision | int8 SQNR (dB) | Tensor |', '|---|---|---:|---|');
      for (const l of m.kept) out.push(`| ${e(l.op)} | ${l.precision}${l.reason ? ` (${e(l.reason)})` : ''} | ${db(l.int8SqnrDb)} | ${e(l.tensor)} |`);
      out.push('', `Cost against all int8: ${mixedPrecisionCostText(m)}.`, '');
    } else {
      out.push('No layer needed higher precision.', '');
    }
    for (const w of m.widenedOutputs ?? []) out.push(`${e(asSentence(widenedOutputText(w)))}.`, '');
  }

  if (r.calibration) {
    const c = r.calibration;
    out.push('## Calibration', '');
    out.push(`${c.split ? `${describeSplit(c.split)} (${e(c.split.source)})` : `${c.samples} samples from ${e(c.source)}`}, ranges by **${c.method}**; ${c.image ? `images as ${e(describeImageOptions(c.image))}; ` : ''}${c.batch > 1 ? `${c.batch} samples per runtime call, ` : ''}runtime forward passes ${(c.forwardMs / 1000).toFixed(2)} s of ${(r.totalMs / 1000).toFixed(2)} s in total.`, '');
  }

  if (r.recipe) {
    const rr = r.recipe;
    out.push('## Recipe', '');
    const perTensor = rr.perTensor ? [`Ranges chosen per tensor, by each tensor's own quantization error over its histogram: ${e(perTensorSummary(rr.perTensor))}.`, ''] : [];
    if (!rr.candidates.length) {
      out.push(`**${e(recipeLabel(rr.chosen))}**, as set.`, '', ...perTensor);
    } else {
      const on = rr.scoredOn ? ` on ${rr.scoredOn.samples} ${rr.scoredOn.heldOut ? 'held-out' : 'calibration'} samples` : '';
      out.push(`**${e(recipeLabel(rr.chosen))}**, chosen automatically: the best worst-output SQNR of ${rr.candidates.length} candidates${on}${rr.forced.length ? ` (fixed: ${rr.forced.join(', ')})` : ''}.`, '');
      out.push(...perTensor);
      const skipped = perChannelFcSkippedText(rr);
      if (skipped) out.push(`${e(asSentence(skipped))}.`, '');
      const rule = recipeRuleText(rr);
      out.push(`Searched one part at a time (the first range choice, then per-channel FULLY_CONNECTED, then bias correction, ${rr.candidates.some((c) => c.recipe.gptq) ? 'then GPTQ weight rounding, ' : ''}then the other range methods)${rule ? `; ${e(rule)}` : ''}.`, '');
      const cal = rr.scoredOn?.calibrationSamples;
      out.push(`| Recipe | Worst output SQNR (dB) | Paired t |${cal ? ` First ${cal} calibration samples (dB) |` : ''}`, `|---|---:|---:|${cal ? '---:|' : ''}`);
      const chosen = JSON.stringify(rr.chosen);
      for (const c of rr.candidates) {
        out.push(`| ${JSON.stringify(c.recipe) === chosen ? '**→** ' : ''}${e(recipeLabel(c.recipe))} | ${db(c.scoreDb)} | ${c.pairedT !== undefined ? formatT(c.pairedT) : ''} |`
          + `${cal ? ` ${c.calibrationDb !== undefined ? db(c.calibrationDb) : ''} |` : ''}`);
      }
      out.push('');
    }
  }

  if (r.tflm) {
    out.push('## TFLite Micro', '');
    out.push(r.tflm.runs ? 'Every operator has a TFLite Micro kernel.' : '**TFLite Micro cannot run this model as is.**');
    const ar = r.tflm.arena;
    if (ar) {
      out.push('', `Tensor arena (${buildLabel(ar)}${ar.exact ? '' : ', approximate'}; the \`kTensorArenaSize\` hover in C/C++ files gives it for your build):`, '');
      out.push('| Figure | Bytes | What it is |', '|---|---:|---|');
      for (const f of arenaFigures(ar)) out.push(`| ${f.label} | ${formatBytesExact(f.bytes)} | ${e(f.explanation)} |`);
      const gap = arenaGapNote(ar);
      if (gap) out.push('', e(gap));
    }
    out.push('');
    for (const n of r.tflm.notes) out.push(`- ${e(n)}`);
    if (r.tflm.notes.length) out.push('');
  }

  const quantized = r.operators.filter((o) => o.status === 'quantized').length;
  const float = r.operators.filter((o) => o.status === 'float');
  out.push('## Operators', '');
  out.push(`${quantized} of ${r.operators.length} operators quantized${float.length ? `; kept in float: ${float.map((o) => e(formatOperatorRef(o.index, o.op))).join(', ')}` : ''}.`, '');

  if (warnings.length) {
    out.push('## Warnings', '');
    for (const w of warnings) out.push(`- ${e(w)}`);
    out.push('');
  }
  return out.join('\n');
}
