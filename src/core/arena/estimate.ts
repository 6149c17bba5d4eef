/**
 * estimateArena: a static model of TFLite Micro's tensor arena (see docs/arena-model.md for
 * the rules). Builds the allocation script once, replays it for a large arena to get `arena_used_bytes`, and
 * searches the smallest arena size for which every phase of AllocateTensors() fits.
 */
import { opcodeName } from '../tflite/names';
import type { Model } from '../tflite/model';
import { simulate, type TailCategory } from './arena-simulator';
import { buildAllocationScript, type AllocationScript } from './micro-allocator';
import { recommendedArenaSize } from './figures';
import { DEFAULT_ARENA_TARGET, targetLayout } from './target-layout';
import { DEFAULT_ARENA_MARGIN_PERCENT, type ArenaEstimate, type ArenaOptions, type ArenaPeak, type PlannedBufferEntry, type TimelineStep, type UnknownKernel } from './types';

/** Any large multiple of 16 gives the same figures; TFLM users size arenas in multiples of 16. */
const LARGE_ARENA = 1 << 30;
/** For models past a GiB (a desktop model opened in the inspector, a damaged shape): its figures, not a failure. */
const HUGE_ARENA = 2 ** 52;

const TAIL_CATEGORIES: readonly TailCategory[] = [
  'runtime', 'eval-tensors', 'node-registrations', 'op-params', 'kernel-data', 'scratch-handles', 'variables', 'io-tensors',
];

export function estimateArena(model: Model, options: ArenaOptions = {}): ArenaEstimate {
  const targetName = options.target ?? DEFAULT_ARENA_TARGET;
  const kernels = options.kernels ?? 'reference';
  const isa = options.isa ?? 'dsp';
  const marginPercent = options.marginPercent ?? DEFAULT_ARENA_MARGIN_PERCENT;
  const target = targetLayout(targetName);
  const script = buildAllocationScript(model, target, kernels, isa);

  let used = simulate(script.steps, LARGE_ARENA, true);
  if (!used.ok) used = simulate(script.steps, HUGE_ARENA, true);
  if (!used.ok) throw new Error(`arena model inconsistency: a ${HUGE_ARENA}-byte arena does not fit (${used.failure})`);
  const arenaUsedBytes = used.headBytes + used.tailBytes;
  const minArenaBytes = findMinimumArena(script, arenaUsedBytes);
  const recommendedArenaBytes = recommendedArenaSize(minArenaBytes, marginPercent);

  const tail = Object.fromEntries(TAIL_CATEGORIES.map((c) => [c, used.tailByCategory.get(c) ?? 0])) as Record<TailCategory, number>;
  const timeline = buildTimeline(model, script);
  const buffers = bufferEntries(model, script);
  const peak = findPeak(buffers, timeline);
  let activationBytesAtPeak = 0;
  let scratchBytesAtPeak = 0;
  if (peak) {
    for (const b of buffers) {
      if (b.firstUse <= peak.scope && peak.scope <= b.lastUse) {
        if (b.kind === 'tensor') activationBytesAtPeak += b.size; else scratchBytesAtPeak += b.size;
      }
    }
  }
  const unknownKernels: UnknownKernel[] = script.operators.filter((o) => !o.kernel.known).map((o) => ({
    subgraph: o.subgraph, operatorIndex: o.operatorIndex, opcode: opcodeOf(model, o.subgraph, o.operatorIndex),
  }));

  return {
    target: targetName, kernels, isa,
    arenaUsedBytes, minArenaBytes, headBytes: used.headBytes, tailBytes: used.tailBytes,
    marginPercent, recommendedArenaBytes,
    breakdown: { activationBytesAtPeak, scratchBytesAtPeak, tail },
    peak, buffers, timeline, unknownKernels, exact: unknownKernels.length === 0,
  };
}

/**
 * For each of the 16 possible end alignments the checks are monotonic in the size, so a search per residue finds the
 * smallest size in that class; the minimum over classes is the byte-exact minimum. The search starts just below
 * `arena_used_bytes`, where the answer almost always is, and widens its step only when it has to.
 */
function findMinimumArena(script: AllocationScript, used: number): number {
  let best = Infinity;
  for (let r = 0; r < 16; r++) {
    const fits = (k: number) => simulate(script.steps, k * 16 + r).ok;
    const start = Math.max(0, Math.floor((used - r) / 16) - 2);
    let lo: number; // a k that fails (or -1)
    let hi: number; // a k that fits
    if (fits(start)) {
      hi = start;
      let step = 1;
      lo = hi - step;
      while (lo >= 0 && fits(lo)) { hi = lo; step *= 2; lo = hi - step; }
      lo = Math.max(lo, -1);
    } else {
      lo = start;
      let step = 1;
      hi = lo + step;
      while (!fits(hi)) { lo = hi; step *= 2; hi = lo + step; }
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (fits(mid)) hi = mid; else lo = mid;
    }
    best = Math.min(best, hi * 16 + r);
  }
  return best;
}

function opcodeOf(model: Model, subgraph: number, operatorIndex: number): string {
  const op = model.subgraphs[subgraph]?.operators[operatorIndex];
  const code = op ? model.operatorCodes[op.opcodeIndex] : undefined;
  return code ? opcodeName(code) : 'UNKNOWN';
}

function buildTimeline(model: Model, script: AllocationScript): TimelineStep[] {
  return script.scopes.map((s, scope) => ({
    scope, subgraph: s.subgraph, operatorIndex: s.operator,
    opcode: s.operator >= 0 ? opcodeOf(model, s.subgraph, s.operator) : undefined,
  }));
}

function bufferEntries(model: Model, script: AllocationScript): PlannedBufferEntry[] {
  return script.planned.map((p) => {
    const base = {
      subgraph: p.info.subgraph, bytes: p.info.bytes, size: p.size, offset: p.offset,
      firstUse: p.firstUse, lastUse: p.lastUse, offline: p.offlineOffset !== undefined,
    };
    if (p.info.kind === 'tensor') {
      return { kind: 'tensor', tensorIndex: p.info.index, tensorName: model.subgraphs[p.info.subgraph]?.tensors[p.info.index]?.name, ...base };
    }
    const req = script.requests[p.info.index]!;
    return { kind: 'scratch', scratchIndex: p.info.index, operatorIndex: req.operator, ...base };
  });
}

function findPeak(buffers: readonly PlannedBufferEntry[], timeline: readonly TimelineStep[]): ArenaPeak | undefined {
  let best: ArenaPeak | undefined;
  for (const step of timeline) {
    if (step.operatorIndex < 0) continue;
    let top = 0;
    for (const b of buffers) if (b.firstUse <= step.scope && step.scope <= b.lastUse) top = Math.max(top, b.offset + b.size);
    if (!best || top > best.bytes) {
      best = { scope: step.scope, subgraph: step.subgraph, operatorIndex: step.operatorIndex, opcode: step.opcode ?? '', bytes: top };
    }
  }
  return best;
}
