/** The quantization report as plain text, for the CLI and the output channel. */
import { arenaFiguresLine } from '../arena/figures';
import { formatBytes, formatOperatorRef } from '../common/format';
import { describeSplit } from '../data/dataset';
import { PER_CHANNEL_FC_MARGIN_DB, SQNR_FLOOR_DB, type QuantizationReport, type Recipe, type RecipeReport } from './types';

export function recipeLabel(r: Recipe): string {
  return [`${r.method} ranges`, r.perChannelFullyConnected ? 'per-channel FC' : '', r.biasCorrection ? 'bias correction' : ''].filter(Boolean).join(' + ');
}

function recipeLines(r: RecipeReport): string[] {
  if (!r.candidates.length) return [`Recipe: ${recipeLabel(r.chosen)} (set by options)`];
  const on = r.scoredOn ? ` on ${r.scoredOn.samples} ${r.scoredOn.heldOut ? 'held-out' : 'calibration (no held-out data)'} samples` : '';
  const lines = [`Recipe: ${recipeLabel(r.chosen)} (chosen automatically among ${r.candidates.length} by worst-output SQNR${on}${r.candidates.some((c) => c.recipe.perChannelFullyConnected) && !r.forced.includes('perChannelFullyConnected') ? `; per-channel FC must gain ${PER_CHANNEL_FC_MARGIN_DB} dB` : ''}${r.forced.length ? `; fixed by options: ${r.forced.join(', ')}` : ''})`];
  const chosen = JSON.stringify(r.chosen);
  for (const c of r.candidates) lines.push(`  ${JSON.stringify(c.recipe) === chosen ? '*' : ' '} ${recipeLabel(c.recipe).padEnd(48)} ${db(c.scoreDb).padStart(9)}`);
  return lines;
}

const db = (x: number) => (x === Infinity ? 'exact' : `${x.toFixed(1)} dB`);

export function formatQuantizationReport(r: QuantizationReport, warnings: readonly string[] = [], worstLayers = 5): string {
  const lines: string[] = [];
  lines.push(`Mode: ${r.mode}${r.mode === 'int8' || r.mode === 'int16x8' ? `, ${r.io === 'float' ? 'float' : 'integer'} inputs/outputs` : ''}`);
  lines.push(`Size: ${formatBytes(r.sizeBefore)} -> ${formatBytes(r.sizeAfter)} (${((100 * r.sizeAfter) / r.sizeBefore).toFixed(0)}%)`);
  if (r.calibration) {
    lines.push(`Calibration: ${r.calibration.split ? `${describeSplit(r.calibration.split)} (${r.calibration.split.source})` : `${r.calibration.samples} samples from ${r.calibration.source}`}, ranges by ${r.calibration.method}`);
  }
  if (r.recipe) lines.push(...recipeLines(r.recipe));
  const s = r.sourceInt8;
  if (s) {
    const from = s.hybridOps ? `hybrid model (${s.hybridOps} operator(s) with int8 weights in float kernels)` : 'model with int8 weights behind DEQUANTIZE';
    lines.push(`Source: ${from}; ${s.weightsKept} int8 weight tensor(s) kept as they were${s.weightsRequantized.length ? `, ${s.weightsRequantized.length} quantized again (${s.weightsRequantized.slice(0, 3).join('; ')}${s.weightsRequantized.length > 3 ? '; ...' : ''})` : ''}`);
  }
  const quantized = r.operators.filter((o) => o.status === 'quantized').length;
  const float = r.operators.filter((o) => o.status === 'float');
  lines.push(`Operators: ${quantized} of ${r.operators.length} quantized${float.length ? `; kept float: ${float.map((o) => formatOperatorRef(o.index, o.op)).join(', ')}` : ''}`);
  const a = r.accuracy;
  if (a) {
    lines.push(`Accuracy on ${a.samples} held-out samples (${a.source})${a.reference === 'hybrid' ? ', against the hybrid model as given' : ''}:`);
    for (const o of a.outputs) {
      const low = a.belowFloor?.includes(o.name) ? `   <<< BELOW THE ${SQNR_FLOOR_DB} dB FLOOR` : '';
      lines.push(`  output ${o.name}: SQNR ${db(o.sqnrDb)}, max abs error ${o.maxAbsError.toPrecision(3)}, mean abs error ${o.meanAbsError.toPrecision(3)}${low}`);
    }
    if (a.top1Agreement !== undefined) lines.push(`  top-1 agreement with the ${a.reference === "hybrid" ? "hybrid" : "float"} model: ${(100 * a.top1Agreement).toFixed(1)}%`);
    const worst = [...a.layers].sort((x, y) => x.sqnrDb - y.sqnrDb).slice(0, worstLayers);
    if (worst.length) {
      lines.push(`  layers losing the most (SQNR of each intermediate vs float):`);
      for (const l of worst) lines.push(`    ${l.producer.padEnd(24)} ${db(l.sqnrDb).padStart(9)}  ${l.tensor}`);
    }
  } else {
    lines.push('Accuracy: no held-out samples, not measured.');
  }
  if (r.tflm) {
    lines.push(`TFLite Micro: ${r.tflm.runs ? 'all operators have kernels' : 'cannot run this model as is'}`);
    if (r.tflm.arena) lines.push(`  arena (${r.tflm.arena.target}, ${r.tflm.arena.kernels} kernels): ${arenaFiguresLine(r.tflm.arena)}`);
    for (const n of r.tflm.notes.slice(0, 5)) lines.push(`  ${n}`);
    if (r.tflm.notes.length > 5) lines.push(`  ... and ${r.tflm.notes.length - 5} more`);
  }
  lines.push(`Time: ${(r.totalMs / 1000).toFixed(2)} s${r.calibration ? ` (runtime forward passes ${(r.calibration.forwardMs / 1000).toFixed(2)} s)` : ''}`);
  for (const w of warnings) lines.push(`Warning: ${w}`);
  return lines.join('\n') + '\n';
}
