/**
 * What the editor flags in a C/C++ file: an arena constant smaller than the model needs (with the fix: the
 * recommended size, written in the constant's style), one more than twice as large as needed, and the model's
 * TFLite Micro problems on the model array symbol.
 */
import path from 'node:path';
import { isGeneratedByUs } from '../codegen/marker';
import { formatBytesExact, formatCount, formatOperatorRef } from '../common/format';
import { buildLabel, marginText } from '../arena/figures';
import type { ArenaEstimate } from '../arena';
import type { ArenaAnalysis } from './arena-analysis';
import { arenaSizeReplacement, replacementValue, type ArenaConstant } from './arena-constants';
import { modelSymbolNames, type ModelSymbol } from './model-symbols';

export type FindingSeverity = 'error' | 'warning' | 'information';
export type FindingCode = 'arena-too-small' | 'arena-oversized' | 'tflm-compat' | 'model-unreadable' | 'stale-export';

export interface ArenaFix {
  title: string;
  /** Range of the size expression and its replacement. */
  offset: number;
  length: number;
  text: string;
}

export interface ArenaFinding {
  offset: number;
  length: number;
  severity: FindingSeverity;
  code: FindingCode;
  message: string;
  fix?: ArenaFix;
}

/** An arena above this multiple of the minimum is reported as oversized. */
export const OVERSIZED_FACTOR = 2;

export function modelLabel(a: ArenaAnalysis): string {
  const loc = a.location;
  if (loc.kind === 'c-array') return `${loc.symbol}`;
  if (loc.kind === 'none') return 'the model';
  return path.basename(loc.tflite);
}

function fixFor(c: ArenaConstant, e: ArenaEstimate): ArenaFix {
  const text = arenaSizeReplacement(c.exprText, e.recommendedArenaBytes);
  const value = replacementValue(c.exprText, e.recommendedArenaBytes);
  return {
    title: `Set ${c.name} to ${text === String(value) ? `${formatCount(value)} bytes` : `${text.trim()} (${formatCount(value)} bytes)`}, the recommended size`,
    offset: c.exprOffset,
    length: c.exprLength,
    text,
  };
}

function constantFindings(constants: readonly ArenaConstant[], a: ArenaAnalysis): ArenaFinding[] {
  if (!a.estimate?.ok) return [];
  const e = a.estimate.estimate;
  const out: ArenaFinding[] = [];
  for (const c of constants) {
    // A constant derived from another arena constant is checked there, once.
    if (!c.value.ok || c.refersTo.length > 0) continue;
    const declared = c.value.value;
    const minimum = `${e.exact ? '' : 'at least '}${formatBytesExact(e.minArenaBytes)} on ${buildLabel(e)}`;
    if (declared < e.minArenaBytes) {
      out.push({
        // An exact estimate below the minimum is a certain AllocateTensors() failure: an error, not a warning.
        offset: c.nameOffset, length: c.name.length, severity: e.exact ? 'error' : 'warning', code: 'arena-too-small',
        message: `${c.name} is ${formatCount(declared)} bytes, below the minimum arena of ${modelLabel(a)} (${minimum}): AllocateTensors() will fail. ` +
          `Recommended: ${formatBytesExact(e.recommendedArenaBytes)} (${marginText(e.marginPercent)}).`,
        fix: fixFor(c, e),
      });
    } else if (declared > OVERSIZED_FACTOR * e.minArenaBytes) {
      out.push({
        offset: c.nameOffset, length: c.name.length, severity: 'information', code: 'arena-oversized',
        message: `${c.name} is ${formatCount(declared)} bytes, more than twice the minimum arena of ${modelLabel(a)} (${minimum}); ` +
          `${formatCount(declared - e.recommendedArenaBytes)} bytes of RAM could be freed (recommended: ${formatBytesExact(e.recommendedArenaBytes)}).`,
        fix: fixFor(c, e),
      });
    }
  }
  return out;
}

function modelFindings(symbols: readonly ModelSymbol[], a: ArenaAnalysis): ArenaFinding[] {
  if (!a.loaded) return [];
  const names = modelSymbolNames(symbols);
  const wanted = a.location.kind === 'c-array' ? [a.location.symbol] : names;
  const out: ArenaFinding[] = [];
  let compatShown = false;
  for (const name of wanted) {
    const at = symbols.find((s) => s.name === name && s.role !== 'usage') ?? symbols.find((s) => s.name === name);
    if (!at) continue;
    const here = { offset: at.offset, length: name.length };
    if (a.loaded.error) {
      out.push({ ...here, severity: 'warning', code: 'model-unreadable', message: `${name}: ${a.loaded.error}` });
      continue;
    }
    if (a.staleExport) {
      out.push({
        ...here, severity: 'warning', code: 'stale-export',
        message: `${path.basename(a.staleExport.tflite)} changed since ${path.basename(a.staleExport.markerFile)} was exported ` +
          `(SHA-256 differs): ${name} holds the old model. Re-export the model to update it.`,
      });
    }
    // The model's TFLite Micro problems once per file, on its first model symbol (not again for g_model_len, ...).
    if (compatShown) continue;
    compatShown = true;
    for (const p of a.problems) {
      const where = p.operatorIndex >= 0 ? `operator ${formatOperatorRef(p.operatorIndex, p.opcode)}${p.subgraph > 0 ? ` of subgraph ${p.subgraph}` : ''}` : 'model';
      out.push({ ...here, severity: p.severity === 'info' ? 'information' : p.severity, code: 'tflm-compat', message: `TFLite Micro, ${where}: ${p.message}` });
    }
  }
  return out;
}

/**
 * The findings of a document. In a file we generated (it carries our marker) only what the user can act on there:
 * a stale export (re-export the model). Its arena constant and the model's TFLite Micro problems are ours to get
 * right, and show where the user's own code uses the model.
 */
export function arenaFindings(
  constants: readonly ArenaConstant[], symbols: readonly ModelSymbol[], a: ArenaAnalysis, text?: string,
): ArenaFinding[] {
  const all = [...constantFindings(constants, a), ...modelFindings(symbols, a)];
  return text !== undefined && isGeneratedByUs(text) ? all.filter((f) => f.code === 'stale-export') : all;
}
