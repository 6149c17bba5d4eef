/**
 * The Markdown of the hovers over an arena constant and over a model array symbol. `$(name)` are VS Code theme
 * icons; user-controlled text (names, paths, messages) is escaped.
 */
import path from 'node:path';
import type { ArenaEstimate } from '../arena';
import type { ArenaAnalysis } from './arena-analysis';
import { arenaFigures, arenaGapNote, buildLabel } from '../arena/figures';
import { formatBytesExact, formatCount, formatOperatorRef } from '../common/format';
import { OVERSIZED_FACTOR } from './arena-check';
import type { ArenaConstant } from './arena-constants';
import { fitLine, type FitResult } from '../fit/fit-view';
import { escapeMarkdown } from '../common/markdown';

export interface ReportContext {
  /** A path as the user knows it (workspace-relative). */
  relative(file: string): string;
}


const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

function estimateTable(e: ArenaEstimate): string[] {
  const rows: Array<[string, number]> = [];
  for (const f of arenaFigures(e)) {
    rows.push([`**${f.label}**: ${escapeMarkdown(f.explanation)}`, f.bytes]);
    if (f.key !== 'used') continue;
    rows.push(['&nbsp;&nbsp;head: activations and scratch (memory plan)', e.headBytes], ['&nbsp;&nbsp;tail: persistent allocations', e.tailBytes]);
    for (const [category, bytes] of Object.entries(e.breakdown.tail)) if (bytes) rows.push([`&nbsp;&nbsp;&nbsp;&nbsp;· ${category}`, bytes]);
  }
  return [`| ${escapeMarkdown(buildLabel(e))} | bytes |`, '|:--|--:|', ...rows.map(([label, bytes]) => `| ${label} | ${formatCount(bytes)} |`)];
}

function peakLine(e: ArenaEstimate): string | undefined {
  if (!e.peak) return undefined;
  const sg = e.peak.subgraph > 0 ? ` of subgraph ${e.peak.subgraph}` : '';
  return `Peak at operator ${code(formatOperatorRef(e.peak.operatorIndex, e.peak.opcode))}${sg}: ${formatCount(e.peak.bytes)} bytes of head in use ` +
    `(activations ${formatCount(e.breakdown.activationBytesAtPeak)}, scratch ${formatCount(e.breakdown.scratchBytesAtPeak)}).`;
}

function sourceLines(a: ArenaAnalysis, ctx: ReportContext): string[] {
  const lines: string[] = [];
  const loc = a.location;
  if (loc.kind === 'marker') {
    lines.push(`Model: ${code(ctx.relative(loc.tflite))}, from the export comment in ${code(ctx.relative(loc.markerFile))}.`);
  } else if (loc.kind === 'setting') {
    lines.push(`Model: ${code(ctx.relative(loc.tflite))}, from the \`tinyml.model\` setting.`);
  } else if (loc.kind === 'workspace') {
    lines.push(`Model: ${code(ctx.relative(loc.tflite))}, the only .tflite file in the workspace.`);
  } else if (loc.kind === 'c-array') {
    lines.push(`Model: the bytes of ${code(loc.symbol)} in ${code(ctx.relative(loc.file) || 'this file')}.`);
  }
  if (a.staleExport) {
    lines.push(`$(warning) ${code(path.basename(a.staleExport.tflite))} changed since ${code(path.basename(a.staleExport.markerFile))} ` +
      'was exported (its SHA-256 differs): the estimate is for the current file; re-export the model to update the C array.');
  }
  for (const n of loc.notes) lines.push(escapeMarkdown(n));
  return lines;
}

function modelStatus(a: ArenaAnalysis): string[] {
  if (a.location.kind === 'none') return [];
  if (a.loaded?.error) return [`$(error) The model cannot be read: ${escapeMarkdown(a.loaded.error)}`];
  if (a.estimate && !a.estimate.ok) return [`$(error) ${escapeMarkdown(a.estimate.error)}`];
  return [];
}

function approximateLine(e: ArenaEstimate): string | undefined {
  if (e.exact) return undefined;
  const ops = [...new Set(e.unknownKernels.map((k) => k.opcode))].join(', ');
  return `$(info) Approximate: no allocation rule for ${escapeMarkdown(ops)}; their kernel data and scratch are not counted.`;
}

function verdict(c: ArenaConstant, e: ArenaEstimate): string {
  if (!c.value.ok) return `$(question) The declared size is not known here: ${escapeMarkdown(c.value.reason)}.`;
  const v = c.value.value;
  if (v < e.minArenaBytes) {
    return `$(error) **Too small** by ${formatCount(e.minArenaBytes - v)} bytes: \`AllocateTensors()\` will fail. ` +
      `Use the recommended ${formatBytesExact(e.recommendedArenaBytes)}.`;
  }
  if (v > OVERSIZED_FACTOR * e.minArenaBytes) {
    return `$(info) **Enough, but more than twice what is needed**: ${formatCount(v - e.recommendedArenaBytes)} bytes of RAM could be freed.`;
  }
  return `$(pass) **Enough**: ${formatCount(v - e.minArenaBytes)} bytes to spare.`;
}

/** Hover over an arena size constant or a tensor arena array. */
export function arenaConstantMarkdown(c: ArenaConstant, a: ArenaAnalysis, ctx: ReportContext): string {
  const declared = c.value.ok ? `${formatCount(c.value.value)} bytes` : 'unknown';
  const title = `**TinyML: tensor arena** — ${code(c.name)} = ${code(c.exprText.replace(/\s+/g, ' '))}` +
    (c.value.ok && c.exprText.trim() !== String(c.value.value) ? ` = ${declared}` : c.value.ok ? ' bytes' : '');
  const parts: string[] = [title];
  if (a.estimate?.ok) {
    const e = a.estimate.estimate;
    parts.push(verdict(c, e));
    parts.push(estimateTable(e).join('\n'));
    const gap = arenaGapNote(e);
    if (gap) parts.push(escapeMarkdown(gap));
    const more = [peakLine(e), approximateLine(e)].filter((x): x is string => !!x);
    if (more.length) parts.push(more.join('  \n'));
  } else {
    parts.push(...modelStatus(a));
  }
  const source = sourceLines(a, ctx);
  if (source.length) parts.push(source.join('  \n'));
  return parts.join('\n\n');
}

/** Hover over the model array symbol (`g_model`). */
export function modelSymbolMarkdown(name: string, a: ArenaAnalysis, ctx: ReportContext): string {
  const parts: string[] = [`**TinyML: model** ${code(name)}`];
  const m = a.loaded?.model;
  if (m && a.loaded) {
    const sg = m.subgraphs[0];
    parts.push(`${formatCount(a.loaded.byteSize)} bytes · ${m.subgraphs.length} subgraph${m.subgraphs.length === 1 ? '' : 's'} · ` +
      `${sg?.operators.length ?? 0} operators · ${sg?.tensors.length ?? 0} tensors`);
  }
  parts.push(...modelStatus(a));
  if (a.estimate?.ok) {
    const e = a.estimate.estimate;
    parts.push(`Tensor arena: minimum **${formatBytesExact(e.minArenaBytes)}**, recommended **${formatBytesExact(e.recommendedArenaBytes)}**.`);
    parts.push(estimateTable(e).join('\n'));
    const gap = arenaGapNote(e);
    if (gap) parts.push(escapeMarkdown(gap));
    const more = [peakLine(e), approximateLine(e)].filter((x): x is string => !!x);
    if (more.length) parts.push(more.join('  \n'));
  }
  if (a.loaded?.model) {
    if (a.problems.length === 0) {
      parts.push('$(pass) TFLite Micro: no compatibility problems found.');
    } else {
      const icon = { error: '$(error)', warning: '$(warning)', info: '$(info)' } as const;
      parts.push(['TFLite Micro compatibility:', ...a.problems.slice(0, 8).map((p) => {
        const where = p.operatorIndex >= 0 ? `operator ${code(formatOperatorRef(p.operatorIndex, p.opcode))}` : 'model';
        return `- ${icon[p.severity]} ${where}: ${escapeMarkdown(p.message)}`;
      }), ...(a.problems.length > 8 ? [`- … and ${a.problems.length - 8} more`] : [])].join('\n'));
    }
  }
  const source = sourceLines(a, ctx);
  if (source.length) parts.push(source.join('  \n'));
  return parts.join('\n\n');
}

/** The hover's line about the fit board (status-bar item): "fits nano33ble: 143 KiB of 256 KiB RAM, …", or why none. */
export function fitHoverMarkdown(r: FitResult): string {
  if (!r.ok) return `$(circuit-board) Fit: ${escapeMarkdown(r.reason)}`;
  const fits = r.fit.fitsRam && r.fit.fitsFlash;
  return `$(${fits ? 'pass' : 'error'}) ${escapeMarkdown(fitLine(r.fit))}`;
}
