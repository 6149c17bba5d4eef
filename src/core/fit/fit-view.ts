/**
 * What the editor surfaces show of a fit (pure, browser-safe data and text): the inspector's Fit section and the
 * Operators table's latency column (FitView, posted to the webview as JSON), and the one line the arena hover adds
 * ("fits nano33ble: 143 KiB of 256 KiB RAM, 310 KiB of 1 MiB flash, ~12–20 ms"). Sizes through the one bytes
 * formatter (core/common/format); the figures are those of estimateFit and suggestFixes, nothing recomputed here.
 */
import { formatBytes, formatMs } from '../common/format';
import type { FitReport } from './fit';
import type { FitKernels } from './latency';
import type { Suggestion } from './suggest';

/** Where the board of a fit came from, as the surfaces say it. */
export interface FitBoardOrigin {
  kind: 'setting' | 'detected' | 'default';
  /** "platformio.ini [env:nano33ble]", "tinyml.fit.board", … */
  text: string;
}

export interface FitView {
  board: { id: string; name: string; mcu: string; core: string; clockMhz: number; source: string; fromUserFile: boolean };
  origin: FitBoardOrigin;
  kernels: FitKernels;
  ramBytes: number;
  ramBudgetBytes: number;
  arenaBytes: number;
  largestRegionBytes: number;
  flashBytes: number;
  flashBudgetBytes: number;
  modelBytes: number;
  fitsRam: boolean;
  arenaFitsRegion: boolean;
  fitsFlash: boolean;
  latencyMs: number;
  latencyRangeMs: [number, number];
  /** Per operator of every subgraph: estimated milliseconds, keyed `subgraph:operatorIndex`. */
  operatorMs: Record<string, number>;
  /** The RAM and flash parts, in the order shown. */
  ramParts: { what: string; bytes: number }[];
  flashParts: { what: string; bytes: number }[];
  assumptions: string[];
  suggestions: string[];
}

/** The fit when it could not be computed (no board, an unusable boards file, a kernel set the core lacks). */
export interface FitUnavailable {
  reason: string;
}

/** A fit for the editor: the figures, or why there are none. */
export type FitResult = { ok: true; fit: FitView } | ({ ok: false } & FitUnavailable);

export function operatorKey(subgraph: number, operatorIndex: number): string {
  return `${subgraph}:${operatorIndex}`;
}

export function fitView(report: FitReport, suggestions: readonly Suggestion[], origin: FitBoardOrigin, fromUserFile: boolean): FitView {
  const b = report.board;
  const operatorMs: Record<string, number> = {};
  for (const o of report.latency.perOperator) operatorMs[operatorKey(o.subgraph, o.operatorIndex)] = o.ms;
  const kernelBytes = report.flash.kernels.reduce((a, k) => a + k.bytes, 0) - report.flash.sharedKernelCodeCountedOnceBytes;
  return {
    board: { id: b.id, name: b.name, mcu: b.mcu, core: b.core, clockMhz: b.clockMhz, source: b.source, fromUserFile },
    origin,
    kernels: report.kernels,
    ramBytes: report.ramBytes,
    ramBudgetBytes: b.ramBytes,
    arenaBytes: report.ram.arenaBytes,
    largestRegionBytes: b.largestRegionBytes,
    flashBytes: report.flashBytes,
    flashBudgetBytes: b.flashBytes,
    modelBytes: report.flash.modelBytes,
    fitsRam: report.fitsRam,
    arenaFitsRegion: report.arenaFitsRegion,
    fitsFlash: report.fitsFlash,
    latencyMs: report.latency.ms,
    latencyRangeMs: report.latency.rangeMs,
    operatorMs,
    ramParts: [
      { what: 'tensor arena', bytes: report.ram.arenaBytes },
      { what: 'MicroInterpreter', bytes: report.ram.interpreterObjectBytes },
      { what: 'op resolver', bytes: report.ram.resolverObjectBytes },
      { what: 'TFLM globals', bytes: report.ram.tflmStaticBytes },
      { what: 'runner', bytes: report.ram.runnerStaticBytes },
      { what: 'C runtime', bytes: report.ram.cRuntimeBytes },
    ],
    flashParts: [
      { what: 'model', bytes: report.flash.modelBytes },
      { what: 'TFLM core', bytes: report.flash.interpreterBytes },
      { what: `kernels (${report.flash.kernels.map((k) => k.what).join(', ')})`, bytes: kernelBytes },
      { what: 'runner', bytes: report.flash.runnerBytes },
      { what: 'C runtime', bytes: report.flash.cRuntimeBytes },
    ],
    assumptions: [...report.assumptions],
    suggestions: suggestions.map((s) => s.message),
  };
}

/** "~12–20 ms" */
export function formatLatencyRange([lo, hi]: readonly [number, number]): string {
  return `~${formatMs(lo)}–${formatMs(hi)} ms`;
}

/**
 * The hover's line: "fits nano33ble: 143 KiB of 256 KiB RAM, 310 KiB of 1 MiB flash, ~12–20 ms (cmsis-nn)", or
 * "does not fit nano33ble: …" naming what is over (RAM, flash, the arena's contiguous region).
 */
export function fitLine(v: FitView): string {
  const over: string[] = [];
  if (v.ramBytes > v.ramBudgetBytes) over.push('RAM');
  else if (!v.arenaFitsRegion) over.push(`the arena (${formatBytes(v.arenaBytes)}) is larger than the largest RAM region (${formatBytes(v.largestRegionBytes)})`);
  if (!v.fitsFlash) over.push('flash');
  const head = over.length ? `does not fit ${v.board.id} (${over.join(', ')})` : `fits ${v.board.id}`;
  return `${head}: ${formatBytes(v.ramBytes)} of ${formatBytes(v.ramBudgetBytes)} RAM, ${formatBytes(v.flashBytes)} of ${formatBytes(v.flashBudgetBytes)} flash, ` +
    `${formatLatencyRange(v.latencyRangeMs)} (${v.kernels})`;
}
