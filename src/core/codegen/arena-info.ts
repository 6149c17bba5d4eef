/**
 * The arena figure the generated code is sized with, from the arena estimator: the *minimum arena* (the smallest size
 * for which AllocateTensors() succeeds, core/arena/figures.ts) for the target and for a 64-bit host, each rounded up
 * to 16. The runner adds the configured margin to it (`--margin`, `tinyml.arena.marginPercent`) for the *recommended*
 * size it declares.
 */
import { estimateArena, type TargetName } from '../arena';
import type { Model } from '../tflite/model';
import type { ArenaInfo } from './marker';

export const DEFAULT_ARENA_TARGET: TargetName = 'cortex-m';
/** What a runner built on the computer (tests, a first run before flashing) is: a 64-bit host. */
const HOST_TARGET: TargetName = 'x86_64';

export interface ArenaForExport {
  arena?: ArenaInfo;
  /** Why the estimate is missing or partial, for the user. */
  note?: string;
}

/** The minimum arena for `target` (and for the host), rounded up to 16, or a note when it cannot be estimated. */
export function estimateArenaForExport(model: Model, target: TargetName = DEFAULT_ARENA_TARGET): ArenaForExport {
  try {
    const est = estimateArena(model, { target, marginPercent: 0 });
    const arena: ArenaInfo = { recommendedArenaBytes: est.recommendedArenaBytes, target: est.target };
    if (target !== HOST_TARGET) {
      try {
        const host = estimateArena(model, { target: HOST_TARGET, marginPercent: 0 });
        arena.host = { recommendedArenaBytes: host.recommendedArenaBytes, target: host.target };
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
