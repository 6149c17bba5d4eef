/**
 * Sizes and alignments of the TFLite Micro core structs that land in the arena, per target ABI.
 * Values are those measured on TFLM commit 90b983c2 (see docs/arena-model.md, §8 and §11):
 * x86_64 is LP64, `arm32` is ILP32 with 4-byte enums, `cortex-m` is ILP32 with `-fshort-enums`
 * (arm-none-eabi-gcc's default), which shrinks TfLiteTensor and every params struct holding an enum.
 */
import type { Abi, Layout } from './struct-layout';

export type TargetName = 'cortex-m' | 'arm32' | 'x86_64';

export interface TargetLayout {
  readonly name: TargetName;
  readonly abi: Abi;
  /** `MicroArenaBufferAlignment()`: planned buffers and AllocatePersistentBuffer(bytes) use it. */
  readonly arenaAlignment: number;
  readonly singleArenaBufferAllocator: Layout;
  readonly greedyMemoryPlanner: Layout;
  readonly microAllocator: Layout;
  readonly microBuiltinDataAllocator: Layout;
  readonly subgraphAllocations: Layout;
  readonly evalTensor: Layout;
  readonly nodeAndRegistration: Layout;
  /** TfLiteTensor as built with TF_LITE_STATIC_MEMORY. */
  readonly tfLiteTensor: Layout;
  readonly affineQuantization: Layout;
  /** TfLiteIntArray: 4 + 4·n bytes, 4-aligned, on every target. */
  readonly intArrayAlign: number;
  readonly scratchBufferRequest: Layout;
  readonly scratchBufferHandle: Layout;
  /** AllocationInfo, only ever in temp during planning. */
  readonly allocationInfo: Layout;
  readonly sizeT: Layout;
  /** GreedyMemoryPlanner::per_buffer_size(): BufferRequirements + 2 ints + ListEntry + int. */
  readonly plannerBytesPerBuffer: number;
}

const l = (size: number, align: number): Layout => ({ size, align });

const X86_64: TargetLayout = {
  name: 'x86_64',
  abi: { pointerBytes: 8, enumBytes: 4 },
  arenaAlignment: 16,
  singleArenaBufferAllocator: l(72, 8),
  greedyMemoryPlanner: l(72, 8),
  microAllocator: l(72, 8),
  microBuiltinDataAllocator: l(16, 8),
  subgraphAllocations: l(16, 8),
  evalTensor: l(24, 8),
  nodeAndRegistration: l(64, 8),
  tfLiteTensor: l(64, 8),
  affineQuantization: l(24, 8),
  intArrayAlign: 4,
  scratchBufferRequest: l(16, 8),
  scratchBufferHandle: l(8, 8),
  allocationInfo: l(32, 8),
  sizeT: l(8, 8),
  plannerBytesPerBuffer: 40,
};

const ARM32: TargetLayout = {
  name: 'arm32',
  abi: { pointerBytes: 4, enumBytes: 4 },
  arenaAlignment: 16,
  singleArenaBufferAllocator: l(36, 4),
  greedyMemoryPlanner: l(44, 4),
  microAllocator: l(36, 4),
  microBuiltinDataAllocator: l(8, 4),
  subgraphAllocations: l(8, 4),
  evalTensor: l(12, 4),
  nodeAndRegistration: l(32, 4),
  tfLiteTensor: l(40, 4),
  affineQuantization: l(12, 4),
  intArrayAlign: 4,
  scratchBufferRequest: l(12, 4),
  scratchBufferHandle: l(4, 4),
  allocationInfo: l(24, 4),
  sizeT: l(4, 4),
  plannerBytesPerBuffer: 40,
};

const CORTEX_M: TargetLayout = {
  ...ARM32,
  name: 'cortex-m',
  abi: { pointerBytes: 4, enumBytes: 1 },
  tfLiteTensor: l(32, 4),
};

export const TARGETS: Readonly<Record<TargetName, TargetLayout>> = { 'x86_64': X86_64, arm32: ARM32, 'cortex-m': CORTEX_M };

/** Every target, for option and setting checks (CLI --target, tinyml.arena.target). */
export const TARGET_NAMES: readonly TargetName[] = ['cortex-m', 'arm32', 'x86_64'];
/** What arm-none-eabi-gcc builds for a Cortex-M: every arena figure's target unless told otherwise. */
export const DEFAULT_ARENA_TARGET: TargetName = 'cortex-m';

export function targetLayout(name: TargetName): TargetLayout {
  return TARGETS[name];
}
