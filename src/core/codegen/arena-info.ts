/**
 * The arena figure the generated code is sized with, from the arena estimator: the *minimum arena* (the smallest size
 * for which AllocateTensors() succeeds, core/arena/figures.ts) for the target and for a 64-bit host, each rounded up
 * to 16. The runner adds the configured margin to it (`--margin`, `tinyml.arena.marginPercent`) for the *recommended*
 * size it declares.
 */
import { DEFAULT_ARENA_TARGET, estimateArena, type CmsisIsa, type KernelLibrary, type TargetName } from '../arena';
import type { Model } from '../tflite/model';
import type { ArenaInfo } from './marker';

export { DEFAULT_ARENA_TARGET };
/** What a runner built on the computer (tests, a first run before flashing) is: a 64-bit host. */
const HOST_TARGET: TargetName = 'x86_64';

export interface ArenaForExport {
  arena?: ArenaInfo;
  /** Why the estimate is missing or partial, for the user. */
  note?: string;
}

/** The kernel library the firmware links (as `tinyml fit --kernels` and `tinyml.arena.kernels`): its scratch differs. */
export interface ExportKernels {
  /** Default `reference`. */
  kernels?: KernelLibrary;
  /** CMSIS-NN code path, default `dsp`; ignored with reference kernels. */
  isa?: CmsisIsa;
}

/**
 * The smallest arena estimated for `target` and the kernel set (the export adds its own margin), or a note when it
 * cannot be estimated. The 64-bit host figure is for a host build, which links the reference kernels.
 */
export function estimateArenaForExport(model: Model, target: TargetName = DEFAULT_ARENA_TARGET, kernels: ExportKernels = {}): ArenaForExport {
  try {
    const library = kernels.kernels ?? 'reference';
    const est = estimateArena(model, { target, marginPercent: 0, kernels: library, ...(kernels.isa ? { isa: kernels.isa } : {}) });
    const arena: ArenaInfo = {
      recommendedArenaBytes: est.recommendedArenaBytes, target: est.target, minArenaBytes: est.minArenaBytes, exact: est.exact,
      ...(library !== 'reference' ? { kernels: `${library}${library === 'cmsis-nn' ? ` ${kernels.isa ?? 'dsp'}` : ''}` } : {}),
    };
    if (target !== HOST_TARGET) {
      try {
        const host = estimateArena(model, { target: HOST_TARGET, marginPercent: 0 });
        arena.host = { recommendedArenaBytes: host.recommendedArenaBytes, target: host.target, minArenaBytes: host.minArenaBytes };
      } catch {
        // No host figure: the runner is sized for the target alone, as before.
      }
    }
    if (est.exact) return { arena };
    const ops = [...new Set(est.unknownKernels.map((k) => k.opcode))].join(', ');
    return { arena, note: `The arena estimate leaves out the kernel allocations of ${ops}: check the size logged by setup.` };
  } catch (e) {
    return { note: `No arena estimate (${(e as Error).message}); the arena is an upper bound instead.` };
  }
}
