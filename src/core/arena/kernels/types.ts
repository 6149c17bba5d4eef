/** What a kernel's Init and Prepare allocate, as seen by the arena. */
import type { Model, Operator, OperatorCode, Tensor } from '../../tflite/model';
import type { TargetLayout } from '../target-layout';

export type KernelLibrary = 'reference' | 'cmsis-nn';
/** Every kernel library, for option and setting checks (CLI --kernels, tinyml.arena.kernels). */
export const KERNEL_LIBRARIES: readonly KernelLibrary[] = ['reference', 'cmsis-nn'];
/** CMSIS-NN code path: `dsp` (Cortex-M4/M7/M33), `mve` (Helium: M55/M85), `none` (plain C: M0/M3). */
export type CmsisIsa = 'dsp' | 'mve' | 'none';
/** Every CMSIS-NN code path, for option and setting checks (CLI --isa, tinyml.arena.isa). */
export const CMSIS_ISAS: readonly CmsisIsa[] = ['dsp', 'mve', 'none'];

export interface KernelQuery {
  readonly model: Model;
  readonly subgraph: number;
  readonly operatorIndex: number;
  readonly op: Operator;
  readonly code: OperatorCode;
  readonly target: TargetLayout;
  readonly kernels: KernelLibrary;
  readonly isa: CmsisIsa;
  /** The tensor at input position `k`, or undefined when absent or omitted (-1). */
  input(k: number): Tensor | undefined;
  output(k: number): Tensor | undefined;
  /** Builtin options field, e.g. option('stride_w'). */
  option(name: string): unknown;
  /** A key of the flexbuffer map in the custom options (custom ops). */
  customOption(name: string): unknown;
}

export interface KernelAllocations {
  /** `context->AllocatePersistentBuffer` sizes during Init, in order (each aligned to the arena alignment). */
  init: number[];
  /** Persistent allocations during Prepare, in order. */
  prepare: number[];
  /** `RequestScratchBufferInArena` sizes during Prepare, in order. */
  scratch: number[];
  /** False when no rule describes this kernel: its own allocations are then unknown (counted as none). */
  known: boolean;
}

export type KernelRule = (q: KernelQuery) => Omit<KernelAllocations, 'known'>;

/** An OpData size on LP64 (x86_64) and ILP32 (32-bit ARM) hosts. */
export interface OpDataSize {
  lp64: number;
  ilp32: number;
}

export function opDataBytes(size: OpDataSize | number, target: TargetLayout): number {
  if (typeof size === 'number') return size;
  return target.abi.pointerBytes === 8 ? size.lp64 : size.ilp32;
}
