/**
 * Quantization: the report saved beside the model (`<name>.report.json`), native in the inspector. Per-layer SQNR
 * bars (where the error comes from), a scatter of float vs quantized output values on the held-out samples, the
 * recipe and its alternatives, and the arena figures of the result. Shown only when the extension found a report.
 */
import { arenaFigures, arenaGapNote, buildLabel } from '../../src/core/arena/figures';
import { asSentence, formatBytes, formatBytesExact, formatDb, formatPercent, formatReal } from '../../src/core/common/format';
import { describeSplit } from '../../src/core/data/dataset';
import { savedModelName } from '../../src/core/quantize/saved-report';
import { HELD_OUT_FROM_DATA_NOTE, mixedPrecisionCostText, mixedPrecisionKeptText, mixedPrecisionReportedText, mixedPrecisionTargetText, recipeLabel, referenceModelText, sourceInt8Text, tflmAccuracyLine, widenedOutputText } from '../../src/core/quantize/report-text';
import { SQNR_FLOOR_DB, type OutputAccuracy } from '../../src/core/quantize/types';
import type { MixedPrecisionReport } from '../../src/core/quantize/mixed-precision-report';
import type { SavedQuantizationReport } from '../../src/protocol/inspector';
import type { PageContext, PageView } from '../context';
import { el, svg } from '../dom';
import './quantization.css';

/** Bars are drawn to this SQNR; higher (and exact) fills the bar. */
const BAR_MAX_DB = 60;

/** One row per layer: operator, a bar as long as its SQNR, the figure; the floor is marked on every bar. */
function layerBars(r: SavedQuantizationReport): HTMLElement {
  const layers = r.report.accuracy?.layers ?? [];
  if (!layers.length) {
    return el('p', { class: 'muted' }, r.report.accuracy
      ? 'No per-layer figures: the model has no intermediate tensor to compare.'
      : 'No per-layer figures: the run had no held-out samples.');
  }
  const W = 220;
  const H = 12;
  const floorX = (SQNR_FLOOR_DB / BAR_MAX_DB) * W;
  const rows = layers.map((l) => {
    const frac = l.sqnrDb === Infinity ? 1 : Math.max(0, Math.min(1, l.sqnrDb / BAR_MAX_DB));
    const low = l.sqnrDb < SQNR_FLOOR_DB;
    const bar = svg('svg', { class: 'sqnr-bar', width: W, height: H, role: 'img', 'aria-label': `${l.producer}: ${formatDb(l.sqnrDb)}` },
      svg('rect', { x: 0, y: 0, width: W, height: H, rx: 2, class: 'hbar-track' }),
      svg('rect', { x: 0, y: 0, width: Math.max(2, frac * W).toFixed(1), height: H, rx: 2, class: low ? 'sqnr-fill low' : 'sqnr-fill' }),
      svg('line', { x1: floorX, y1: 0, x2: floorX, y2: H, class: 'sqnr-floor' }),
      svg('title', {}, `${l.producer} → ${l.tensor}: ${formatDb(l.sqnrDb)}, max error ${formatReal(l.maxAbsError)}`));
    return el('tr', { 'data-quant-layer': '' },
      el('td', { class: 'mono' }, l.producer), el('td', { class: 'mono name' }, l.tensor), el('td', {}, bar),
      el('td', { class: low ? 'num error-text' : 'num' }, formatDb(l.sqnrDb)));
  });
  return el('table', { class: 'data quant-layers', 'data-rows': 'quant-layers' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Operator'), el('th', {}, 'Tensor'), el('th', {}, `SQNR (0–${BAR_MAX_DB} dB; line: ${SQNR_FLOOR_DB} dB floor)`), el('th', { class: 'num' }, 'SQNR'))),
    el('tbody', {}, ...rows));
}

/** Float (x) against quantized (y) output values, with the y = x line: points off the line are the error. */
/** `reference`: what the x axis holds (the float model, or a hybrid model as given). */
function scatter(o: OutputAccuracy, reference: 'float' | 'hybrid'): HTMLElement {
  const pts = o.points;
  if (!pts || !pts.reference.length) return el('p', { class: 'muted' }, `${o.name}: no values kept.`);
  const S = 260;
  const pad = 34;
  const all = [...pts.reference, ...pts.quantized];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) { lo -= 1; hi += 1; }
  const span = hi - lo;
  const x = (v: number): string => (pad + ((v - lo) / span) * (S - pad - 6)).toFixed(1);
  const y = (v: number): string => (S - pad - ((v - lo) / span) * (S - pad - 6)).toFixed(1);
  const plot = svg('svg', { class: 'scatter', width: S, height: S, viewBox: `0 0 ${S} ${S}`, role: 'img', 'aria-label': `${o.name}: ${reference} vs quantized output values` },
    svg('line', { x1: pad, y1: S - pad, x2: S - 6, y2: S - pad, class: 'axis' }),
    svg('line', { x1: pad, y1: 6, x2: pad, y2: S - pad, class: 'axis' }),
    svg('line', { x1: x(lo), y1: y(lo), x2: x(hi), y2: y(hi), class: 'identity' }),
    svg('text', { x: pad, y: S - pad + 14, class: 'axis-label' }, formatReal(lo)),
    svg('text', { x: S - 6, y: S - pad + 14, class: 'axis-label', 'text-anchor': 'end' }, formatReal(hi)),
    svg('text', { x: (S + pad) / 2, y: S - 4, class: 'axis-label', 'text-anchor': 'middle' }, reference),
    svg('text', { x: 10, y: (S - pad) / 2, class: 'axis-label', transform: `rotate(-90 10 ${(S - pad) / 2})`, 'text-anchor': 'middle' }, 'quantized'),
    ...pts.reference.map((f, i) => svg('circle', { cx: x(f), cy: y(pts.quantized[i]!), r: 2, class: 'point' })));
  return el('figure', { class: 'scatter-figure' }, plot,
    el('figcaption', { class: 'muted' }, `${o.name}: ${pts.reference.length} values · SQNR ${formatDb(o.sqnrDb)} · max error ${formatReal(o.maxAbsError)}`));
}

function recipe(r: SavedQuantizationReport): HTMLElement[] {
  const rr = r.report.recipe;
  if (!rr) return [el('p', { class: 'muted' }, `Mode ${r.report.mode}: no recipe (no calibration).`)];
  const head = rr.candidates.length
    ? `${recipeLabel(rr.chosen)}, chosen automatically by worst-output SQNR among ${rr.candidates.length} candidates${rr.scoredOn ? ` on ${rr.scoredOn.samples} ${rr.scoredOn.heldOut ? 'held-out' : 'calibration'} samples` : ''}.`
    : `${recipeLabel(rr.chosen)}, set by options.`;
  const chosen = JSON.stringify(rr.chosen);
  // Where the held-out samples left a decision open, the search also scored the leading calibration samples.
  const cal = rr.scoredOn?.calibrationSamples;
  const rows = rr.candidates.map((c) => el('tr', JSON.stringify(c.recipe) === chosen ? { class: 'chosen' } : {},
    el('td', {}, `${JSON.stringify(c.recipe) === chosen ? '→ ' : ''}${recipeLabel(c.recipe)}`), el('td', { class: 'num' }, formatDb(c.scoreDb)),
    ...(cal ? [el('td', { class: 'num' }, c.calibrationDb !== undefined ? formatDb(c.calibrationDb) : '')] : [])));
  return [el('p', {}, head), ...(rows.length ? [el('table', { class: 'data', 'data-rows': 'recipe' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Recipe'), el('th', { class: 'num' }, 'Worst output SQNR'),
      ...(cal ? [el('th', { class: 'num' }, `First ${cal} calibration samples`)] : []))), el('tbody', {}, ...rows))] : [])];
}

/** Above this many kept layers the table starts folded: the figures below it stay in reach (pose keeps 121). */
const KEPT_ROWS_OPEN = 10;

function keptTable(kept: MixedPrecisionReport['kept']): HTMLElement {
  const table = el('table', { class: 'data', 'data-rows': 'kept' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Operator'), el('th', {}, 'Precision'), el('th', { class: 'num' }, 'int8 SQNR'), el('th', {}, 'Tensor'))),
    el('tbody', {}, ...kept.map((l) => el('tr', {},
      el('td', { class: 'mono' }, l.op), el('td', { title: l.reason ?? '' }, l.reason ? `${l.precision} (${l.reason})` : l.precision),
      el('td', { class: 'num' }, formatDb(l.int8SqnrDb)), el('td', { class: 'mono name' }, l.tensor)))));
  if (kept.length <= KEPT_ROWS_OPEN) return table;
  const int16 = kept.filter((l) => l.precision === 'int16x8').length;
  return el('details', {}, el('summary', {}, `The ${kept.length} kept layers (${int16} int16x8, ${kept.length - int16} float)`), table);
}

/**
 * What --target-sqnr kept in higher precision and what it costs (issue 11: the layers, flash, arena, float MACs), as
 * the markdown report says it: the tab is where the editor opens after a run.
 */
function mixedPrecision(r: SavedQuantizationReport): HTMLElement[] {
  const m = r.report.mixedPrecision;
  if (!m) return [];
  return [
    el('h3', {}, 'Mixed precision'),
    // Each line in red when it is the one that says missed (the search's samples, or the unseen ones).
    el('p', { class: m.met ? '' : 'error-text' }, `Target: ${mixedPrecisionTargetText(m)}.`),
    ...(m.reportedOn ? [el('p', { class: m.reportedOn.met && m.reportedOn.device?.met !== false ? '' : 'error-text' }, `${asSentence(mixedPrecisionReportedText(m.reportedOn))}.`)] : []),
    ...(m.kept.length ? [
      el('p', {}, `${mixedPrecisionKeptText(m)}.`),
      keptTable(m.kept),
      el('p', {}, `Cost against all int8: ${mixedPrecisionCostText(m)}.`),
    ] : [el('p', {}, 'No layer needed higher precision.')]),
    ...(m.widenedOutputs ?? []).map((w) => el('p', { class: 'muted' }, `${asSentence(widenedOutputText(w))}.`)),
    ...(m.note ? [el('p', { class: 'muted' }, `${asSentence(m.note)}.`)] : []),
  ];
}

export class QuantizationView implements PageView {
  readonly element: HTMLElement;

  constructor(ctx: PageContext, report: SavedQuantizationReport) {
    const r = report.report;
    const a = r.accuracy;
    const c = r.calibration;
    const worst = a?.outputs.length ? Math.min(...a.outputs.map((o) => o.sqnrDb)) : undefined;
    const arena = r.tflm?.arena;
    this.element = el('div', { class: 'quantization-view', 'data-quantization': '' },
      el('h2', {}, `Quantized from ${savedModelName(report)}`),
      el('p', { class: 'muted' }, `mode ${r.mode} · ${r.io === 'float' ? 'float' : 'integer'} inputs and outputs · ${formatBytes(r.sizeBefore)} → ${formatBytes(r.sizeAfter)} ` +
        `(${formatPercent(r.sizeAfter, r.sizeBefore, 0)})` +
        (c ? ` · calibration: ${c.split ? describeSplit(c.split) : `${c.samples} samples`}, ${c.method} ranges` : '')),
      ...(r.sourceInt8 ? [el('p', { class: 'muted' }, `Source: ${sourceInt8Text(r.sourceInt8)}.`)] : []),
      a ? el('p', {}, `Accuracy on ${a.samples} held-out samples against ${referenceModelText(a.reference)}: worst output SQNR ${worst === undefined ? '—' : formatDb(worst)}` +
        `${a.top1Agreement !== undefined ? ` · top-1 agreement ${formatPercent(a.top1Agreement)}` : ''}` +
        `${a.belowFloor?.length ? ` · below the ${SQNR_FLOOR_DB} dB floor: ${a.belowFloor.join(', ')}` : ''}.`)
        : el('p', { class: 'muted' }, 'Accuracy not measured (no held-out samples).'),
      a && c?.split ? el('p', { class: 'muted' }, HELD_OUT_FROM_DATA_NOTE) : '',
      // What the device computes, beside LiteRT's figures on the same samples (the text report's line).
      a?.tflm ? el('p', { 'data-tflm-accuracy': '' }, `${tflmAccuracyLine(a.tflm, a.reference, a.samples)}.`) : '',
      // With a target, what it kept is the run's headline: before the figures.
      ...mixedPrecision(report),
      el('h3', {}, `Outputs: ${a?.reference ?? 'float'} vs quantized`),
      el('div', { class: 'scatters' }, ...(a?.outputs ?? []).map((o) => scatter(o, a?.reference ?? 'float'))),
      el('h3', {}, 'Per layer'),
      layerBars(report),
      el('h3', {}, 'Recipe'),
      ...recipe(report),
      ...(arena ? [el('h3', {}, `Tensor arena (${buildLabel(arena)})`),
        el('dl', { class: 'facts' }, ...arenaFigures(arena).map((f) => el('div', { class: 'fact', title: f.explanation }, el('dt', {}, f.label), el('dd', {}, formatBytesExact(f.bytes))))),
        arenaGapNote(arena) ? el('p', { class: 'muted' }, arenaGapNote(arena)!) : ''] : []),
      ...(report.warnings.length ? [el('h3', {}, 'Warnings'), el('ul', {}, ...report.warnings.map((w) => el('li', {}, w)))] : []),
      el('p', { class: 'muted' }, `Saved beside the model as ${ctx.fileName.replace(/\.tflite$/i, '')}.report.json and .report.md.`));
  }
}
