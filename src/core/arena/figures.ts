/**
 * The three tensor-arena figures and their words, written once for every surface: the inspector, the hover, the
 * Problems panel, the CLI, the export and the quantization report. Pure and browser-safe (the inspector page imports
 * this file directly), so it imports only types and the formatters.
 *
 * - *minimum arena*: the smallest `kTensorArenaSize` for which `AllocateTensors()` succeeds (the arena model's
 *   figure, to the byte);
 * - *used after allocation*: what `interpreter.arena_used_bytes()` reports once `AllocateTensors()` has run;
 * - *recommended*: the minimum plus the configured margin (`--margin`, `tinyml.arena.marginPercent`), rounded up to 16.
 *
 * The minimum is larger than what is used after allocation because TFLite Micro needs temporary memory while it plans
 * the arena, and gives it back when planning ends (tflite-micro#890, #1249).
 */
import { formatBytesExact, formatCount } from '../common/format';

export type ArenaFigureKey = 'minimum' | 'used' | 'recommended';

/** The build an arena figure is for, as every surface names it: "cortex-m, CMSIS-NN kernels (dsp)". */
export function buildLabel(b: { target: string; kernels: string; isa?: string }): string {
  return `${b.target}, ${b.kernels === 'cmsis-nn' ? `CMSIS-NN kernels (${b.isa ?? 'dsp'})` : 'reference kernels'}`;
}

/** What the figures are computed from: an `ArenaEstimate` has these fields. */
export interface ArenaFigureSource {
  minArenaBytes: number;
  arenaUsedBytes: number;
  recommendedArenaBytes: number;
  marginPercent: number;
}

export interface ArenaFigure {
  key: ArenaFigureKey;
  /** "Minimum arena", "Used after allocation", "Recommended". */
  label: string;
  bytes: number;
  /** One line that says what the figure is. */
  explanation: string;
}

export const ARENA_FIGURE_LABELS: Readonly<Record<ArenaFigureKey, string>> = {
  minimum: 'Minimum arena',
  used: 'Used after allocation',
  recommended: 'Recommended',
};

/** Why the minimum is larger than what is used after allocation, in one sentence. */
export const ARENA_GAP_EXPLANATION =
  'The minimum is larger than what is used after allocation: TFLite Micro needs temporary memory while ' +
  'AllocateTensors() plans the arena and frees it when planning ends (tflite-micro#890, #1249).';

/** The one rounding of the recommendation: minimum plus `marginPercent` %, rounded up to 16 bytes. */
export function recommendedArenaSize(minArenaBytes: number, marginPercent: number): number {
  return Math.ceil((minArenaBytes * (1 + marginPercent / 100)) / 16) * 16;
}

export function marginText(marginPercent: number): string {
  return marginPercent ? `minimum + ${formatCount(marginPercent)}% margin, rounded up to 16 bytes` : 'minimum rounded up to 16 bytes';
}

/** The three figures, in this order: minimum, used after allocation, recommended. */
export function arenaFigures(e: ArenaFigureSource): ArenaFigure[] {
  return [
    { key: 'minimum', label: ARENA_FIGURE_LABELS.minimum, bytes: e.minArenaBytes, explanation: 'smallest arena for which AllocateTensors() succeeds' },
    { key: 'used', label: ARENA_FIGURE_LABELS.used, bytes: e.arenaUsedBytes, explanation: 'what arena_used_bytes() reports after AllocateTensors()' },
    { key: 'recommended', label: ARENA_FIGURE_LABELS.recommended, bytes: e.recommendedArenaBytes, explanation: marginText(e.marginPercent) },
  ];
}

/** One line with the three figures: "minimum arena 1,068 bytes · used after allocation 676 bytes · recommended 1,296 bytes". */
export function arenaFiguresLine(e: ArenaFigureSource): string {
  return arenaFigures(e).map((f) => `${f.label.toLowerCase()} ${formatBytesExact(f.bytes)}`).join(' · ');
}

/** The gap explanation when there is a gap to explain (minimum above used after allocation), else undefined. */
export function arenaGapNote(e: ArenaFigureSource): string | undefined {
  return e.minArenaBytes > e.arenaUsedBytes ? ARENA_GAP_EXPLANATION : undefined;
}
