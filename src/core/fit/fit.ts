/**
 * Will this model fit this board, and how fast will it run? RAM = the exact tensor arena (estimateArena) + TFLite
 * Micro's static objects (interpreter, op resolver of N ops) + TFLM's own globals; flash = the model + the interpreter
 * core + the kernels of exactly the ops used, per kernel set (measured, tflm-code-size-data.ts); latency per operator
 * (latency.ts). Every figure that is not exact says so in `assumptions`.
 */
import { estimateArena, type ArenaEstimate, type CmsisIsa } from '../arena';
import { checkTflmCompatibility } from '../analysis/tflm-compat';
import { planResolver } from '../codegen/resolver-plan';
import type { Model } from '../tflite';
import type { Board } from './boards';
import { codeSizeFor, kernelsFlash } from './code-size';
import { checkKernels, defaultKernels, estimateLatency, type FitKernels, type LatencyEstimate } from './latency';
import { modelWork } from './op-work';

export interface FitOptions {
  kernels?: FitKernels;
  /** The model's size in bytes as it will be flashed (the .tflite length). */
  modelBytes: number;
  maxLatencyMs?: number;
  /** Arena estimates by kernels/ISA, shared when one model is fitted to many boards. */
  arenaCache?: Map<string, ArenaEstimate>;
}

export interface FlashItem { what: string; bytes: number; measured: boolean }

export interface FitReport {
  board: Board;
  kernels: FitKernels;
  ramBytes: number;
  ram: {
    arenaBytes: number; tflmStaticBytes: number; interpreterObjectBytes: number; resolverObjectBytes: number;
    runnerStaticBytes: number; cRuntimeBytes: number;
  };
  flashBytes: number;
  flash: {
    modelBytes: number; interpreterBytes: number; kernels: FlashItem[]; sharedKernelCodeCountedOnceBytes: number;
    runnerBytes: number; cRuntimeBytes: number;
  };
  fitsRam: boolean;
  /** The arena is one array: it must fit the board's largest contiguous RAM region. */
  arenaFitsRegion: boolean;
  fitsFlash: boolean;
  latency: LatencyEstimate;
  /** Undefined without a latency budget. */
  fitsLatency?: boolean;
  arena: ArenaEstimate;
  assumptions: string[];
}

function isaOf(board: Board): CmsisIsa {
  return board.mve ? 'mve' : board.dsp ? 'dsp' : 'none';
}

const KB = (n: number) => `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;

export function estimateFit(model: Model, board: Board, options: FitOptions): FitReport {
  const kernels = options.kernels ?? defaultKernels(board);
  checkKernels(board, kernels);
  const assumptions: string[] = [];
  const arenaKernels = kernels === 'cmsis-nn' ? 'cmsis-nn' : 'reference';
  const arenaKey = `${arenaKernels}/${isaOf(board)}`;
  const arena = options.arenaCache?.get(arenaKey) ?? estimateArena(model, { target: 'cortex-m', kernels: arenaKernels, isa: isaOf(board), marginPercent: 0 });
  options.arenaCache?.set(arenaKey, arena);
  if (!arena.exact) {
    assumptions.push(`arena approximate: no allocation rule for ${[...new Set(arena.unknownKernels.map((k) => k.opcode))].join(', ')}`);
  }
  if (kernels === 'esp-nn') assumptions.push('arena: ESP-NN scratch buffers are not modelled; the reference-kernel arena is used');
  if (!board.core.startsWith('cortex-m')) assumptions.push(`arena: struct layout of a 32-bit Cortex-M build used for ${board.core} (same sizes for ILP32 GCC targets)`);

  const { variant, proxyNote } = codeSizeFor(board.core, kernels);
  if (proxyNote) assumptions.push(`flash: ${proxyNote}`);
  const plan = planResolver(model);
  const ops = [...new Set(plan.entries.map((e) => e.op))];
  const kf = kernelsFlash(variant, ops);
  const kernelItems: FlashItem[] = kf.items;
  const unmeasured = kernelItems.filter((k) => !k.measured).map((k) => k.what);
  if (unmeasured.length) assumptions.push(`flash: no measured code size for ${unmeasured.join(', ')}; priced at the median kernel (${KB(kernelItems.find((k) => !k.measured)!.bytes)})`);
  if (kf.sharedCountedOnceBytes) assumptions.push(`flash: ${KB(kf.sharedCountedOnceBytes)} of kernel support code shared between the ops counted once`);

  const resolverObjectBytes = variant.statics.resolverBaseBytes + variant.statics.resolverPerOpBytes * plan.size;
  const interpreterObjectBytes = variant.statics.interpreterBytes;
  const tflmStaticBytes = variant.interpreter.ramBytes;
  // what the user declares: kTensorArenaSize = the minimum rounded up to 16 (tinyml export writes it)
  const arenaBytes = arena.recommendedArenaBytes;
  const ram = {
    arenaBytes, tflmStaticBytes, interpreterObjectBytes, resolverObjectBytes,
    runnerStaticBytes: variant.runner.ramBytes, cRuntimeBytes: variant.cRuntime.ramBytes,
  };
  const ramBytes = Object.values(ram).reduce((a, b) => a + b, 0);
  assumptions.push('RAM: the arena (its minimum rounded up to 16, no margin) + TFLM objects + the exported runner + newlib-nano\'s own data; the firmware\'s stack, heap and other buffers come on top');

  const flash = {
    modelBytes: options.modelBytes, interpreterBytes: variant.interpreter.flashBytes, kernels: kernelItems,
    sharedKernelCodeCountedOnceBytes: kf.sharedCountedOnceBytes, runnerBytes: variant.runner.flashBytes, cRuntimeBytes: variant.cRuntime.flashBytes,
  };
  const flashBytes = flash.modelBytes + flash.interpreterBytes + flash.runnerBytes + flash.cRuntimeBytes + kf.totalBytes;
  assumptions.push('flash: the exported runner (tinyml export --boilerplate) and a bare newlib-nano startup are counted; the rest of the firmware (drivers, RTOS, Arduino core) is not');

  const work = modelWork(model);
  const latency = estimateLatency(work, board, kernels);
  assumptions.push(`latency: ${latency.profile.basis}; range ×${latency.profile.spread.toFixed(2)} either way`);
  const floatOps = work.filter((w) => w.float && w.units > 0);
  if (floatOps.length) {
    assumptions.push(`latency: ${floatOps.length} float32 operator(s) run TFLM's reference float kernels: priced with the reference-kernel rate${board.fpu === 'none' ? ' × 8 (no FPU: software floating point)' : ' (single-precision FPU)'}`);
  }
  const blockers = checkTflmCompatibility(model, arenaKernels).filter((p) => p.severity === 'error');
  for (const p of blockers) {
    assumptions.unshift(`TFLite Micro will NOT run this model as is: ${p.operatorIndex >= 0 ? `operator ${p.operatorIndex} (${p.opcode}): ` : ''}${p.message}`);
  }
  if (board.notes) assumptions.push(`board: ${board.notes}`);

  const report: FitReport = {
    board, kernels, ramBytes,
    ram,
    flashBytes,
    flash,
    fitsRam: ramBytes <= board.ramBytes && arenaBytes <= board.largestRegionBytes,
    arenaFitsRegion: arenaBytes <= board.largestRegionBytes,
    fitsFlash: flashBytes <= board.flashBytes,
    latency, arena, assumptions,
  };
  if (options.maxLatencyMs !== undefined) report.fitsLatency = latency.ms <= options.maxLatencyMs;
  return report;
}
