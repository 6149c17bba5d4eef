/** TFLite Micro tensor arena model: `estimateArena(model, options)`. */
export { estimateArena } from './estimate';
export type * from './types';
export { DEFAULT_ARENA_MARGIN_PERCENT } from './types';
export { DEFAULT_ARENA_TARGET, TARGETS, TARGET_NAMES, targetLayout, type TargetLayout } from './target-layout';
export { OfflinePlanError, readOfflinePlan } from './offline-plan';
export { KNOWN_CUSTOM_OPS } from './kernels';
export { CMSIS_ISAS, KERNEL_LIBRARIES } from './kernels/types';
export * from './figures';
export { arenaOptionsKey } from './options-key';
