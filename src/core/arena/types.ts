/** The public shape of an arena estimate. */
import type { TailCategory } from './arena-simulator';
import type { CmsisIsa, KernelLibrary } from './kernels/types';
import type { TargetName } from './target-layout';

export type { TailCategory, CmsisIsa, KernelLibrary, TargetName };

export interface ArenaOptions {
  /** Default `cortex-m` (ILP32, short enums: what arm-none-eabi-gcc builds). */
  target?: TargetName;
  /** Default `reference`. */
  kernels?: KernelLibrary;
  /** CMSIS-NN code path, default `dsp`. Ignored with reference kernels. */
  isa?: CmsisIsa;
  /** Extra headroom added to the recommendation, in percent of the minimum. Default DEFAULT_ARENA_MARGIN_PERCENT. */
  marginPercent?: number;
}

/**
 * The headroom on top of the minimum arena that every recommendation uses unless told otherwise: the CLI, the hover,
 * the inspector, the export's runner and the `tinyml.arena.marginPercent` setting's default in package.json.
 */
export const DEFAULT_ARENA_MARGIN_PERCENT = 20;

export interface PlannedBufferEntry {
  kind: 'tensor' | 'scratch';
  subgraph: number;
  /** Tensor index (kind 'tensor') within its subgraph. */
  tensorIndex?: number;
  tensorName?: string;
  /** Scratch request index (kind 'scratch') and the operator that requested it. */
  scratchIndex?: number;
  operatorIndex?: number;
  /** Bytes the tensor or request needs; `size` is that rounded up to the arena alignment. */
  bytes: number;
  size: number;
  offset: number;
  /** Lifetime in scopes (see `timeline`), inclusive. */
  firstUse: number;
  lastUse: number;
  /** Placed at a fixed offset by the model's offline memory plan. */
  offline: boolean;
}

export interface TimelineStep {
  scope: number;
  subgraph: number;
  /** -1 for the scope of a subgraph's inputs. */
  operatorIndex: number;
  opcode?: string;
}

export interface ArenaBreakdown {
  /** Head at its peak: bytes of tensors and of scratch buffers live at the peak scope (without gaps). */
  activationBytesAtPeak: number;
  scratchBytesAtPeak: number;
  /** Tail bytes per category, alignment padding included. */
  tail: Record<TailCategory, number>;
}

export interface ArenaPeak {
  scope: number;
  subgraph: number;
  operatorIndex: number;
  opcode: string;
  /** Highest end address of the plan among buffers live at that scope. */
  bytes: number;
}

export interface UnknownKernel {
  subgraph: number;
  operatorIndex: number;
  opcode: string;
}

export interface ArenaEstimate {
  target: TargetName;
  kernels: KernelLibrary;
  isa: CmsisIsa;
  /** `interpreter.arena_used_bytes()` after AllocateTensors() with a large, 16-aligned arena. */
  arenaUsedBytes: number;
  /** Smallest arena size, to the byte, for which AllocateTensors() succeeds (16-aligned arena start). */
  minArenaBytes: number;
  /** Non-persistent memory plan (activations and scratch buffers). */
  headBytes: number;
  /** Persistent allocations. */
  tailBytes: number;
  marginPercent: number;
  /** `kTensorArenaSize` to use: minArenaBytes plus the margin, rounded up to 16. */
  recommendedArenaBytes: number;
  breakdown: ArenaBreakdown;
  peak?: ArenaPeak;
  buffers: PlannedBufferEntry[];
  timeline: TimelineStep[];
  /** Operators whose kernel allocations are not modelled: the figures then omit their OpData and scratch. */
  unknownKernels: UnknownKernel[];
  /** True when every kernel's allocations are modelled. */
  exact: boolean;
}
