/**
 * TFLite Micro code and static data per core and kernel set, looked up from the measured table
 * (tflm-code-size-data.ts, how it was measured: docs/fit-code-size.md).
 */
import type { CoreId } from './boards';
import { CODE_SIZE, type CodeSizeVariant } from './tflm-code-size-data';
import type { FitKernels } from './latency';

export interface CodeSizeLookup {
  variant: CodeSizeVariant;
  /** Set when the table has no build for this core and kernel set and a neighbour stands in. */
  proxyNote?: string;
}

/** Which measured build stands for each core, best first. */
const NEAREST: Readonly<Record<CoreId, readonly CoreId[]>> = {
  'cortex-m0plus': ['cortex-m0plus', 'cortex-m4'],
  'cortex-m3': ['cortex-m4'],
  'cortex-m4': ['cortex-m4', 'cortex-m7'],
  'cortex-m7': ['cortex-m7', 'cortex-m4'],
  'cortex-m33': ['cortex-m33', 'cortex-m4'],
  'cortex-m55': ['cortex-m55', 'cortex-m7', 'cortex-m4'],
  'cortex-m85': ['cortex-m55', 'cortex-m7', 'cortex-m4'],
  'xtensa-lx6': ['cortex-m4'],
  'xtensa-lx7': ['cortex-m4'],
  'riscv32-imc': ['cortex-m4'],
};

export function codeSizeFor(core: CoreId, kernels: FitKernels): CodeSizeLookup {
  // ESP-NN replaces a few kernels the way CMSIS-NN does; its code was not measured, the reference build stands in
  const tableKernels = kernels === 'cmsis-nn' ? 'cmsis-nn' : 'reference';
  for (const c of NEAREST[core]) {
    const v = CODE_SIZE.variants.find((x) => x.core === c && x.kernels === tableKernels);
    if (!v) continue;
    if (c === core && kernels !== 'esp-nn') return { variant: v };
    const why = kernels === 'esp-nn' ? 'ESP-NN kernels and ' : '';
    return { variant: v, proxyNote: `${why}${core} code was not measured: the ${c} ${tableKernels} build stands in (code density differs, about ±25%)` };
  }
  const v = CODE_SIZE.variants.find((x) => x.kernels === tableKernels) ?? CODE_SIZE.variants[0]!;
  return { variant: v, proxyNote: `no ${tableKernels} build was measured for ${core}: the ${v.core} ${v.kernels} build stands in` };
}

/** Share of an op's flash that is common kernel support, where no pair was linked (median of the measured pairs). */
const SHARED_FRACTION = 0.4;

export interface KernelsFlash {
  items: { what: string; bytes: number; measured: boolean }[];
  /** Support code every kernel pulls in, counted once instead of once per kernel (subtracted from the sum). */
  sharedCountedOnceBytes: number;
  totalBytes: number;
}

/**
 * Flash of a set of kernels: each op's measured size alone, minus the support code they share, counted once: the
 * sum of each op's exclusive part (alone − shared) plus the largest shared part.
 */
export function kernelsFlash(variant: CodeSizeVariant, opcodes: readonly string[]): KernelsFlash {
  const items = opcodes.map((op) => ({ what: op, ...kernelFlash(variant, op) }));
  const shared = items.map((k) => Math.min(k.bytes, variant.opSharedBytes[k.what] ?? Math.round(SHARED_FRACTION * k.bytes)));
  const sum = items.reduce((a, k) => a + k.bytes, 0);
  const dedup = shared.length ? shared.reduce((a, b) => a + b, 0) - Math.max(...shared) : 0;
  return { items, sharedCountedOnceBytes: dedup, totalBytes: sum - dedup };
}

/** Flash of one kernel in a variant; ops the table lacks are priced at the median kernel and reported. */
export function kernelFlash(variant: CodeSizeVariant, opcode: string): { bytes: number; measured: boolean } {
  const b = variant.opFlashBytes[opcode];
  if (b !== undefined) return { bytes: b, measured: true };
  const all = Object.values(variant.opFlashBytes).sort((a, c) => a - c);
  return { bytes: all[Math.floor(all.length / 2)] ?? 2048, measured: false };
}
