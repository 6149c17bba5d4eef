/**
 * The warnings that say the written model is not what was asked for, each opening with its marker in capitals: the
 * CLI prints them first, the report lists them first, and VS Code shows the one that leads as a warning instead of
 * its "done" message (headlineWarning). One rule for the markers, used where the warnings are written and read.
 */
export const LOUD = {
  /** A requested accuracy target missed on LiteRT (search or reported samples). */
  targetMissed: 'TARGET MISSED',
  /** The target as TFLite Micro computes it: missed (exact figure) or maybe missed (an estimate). */
  deviceMissed: 'TARGET MISSED ON TFLITE MICRO',
  deviceMayMiss: 'TARGET MAY BE MISSED ON TFLITE MICRO',
  /** Index outputs (ARG_MAX / ARG_MIN) that often disagree with the float model's. */
  indicesDisagree: 'INDICES DISAGREE',
  /** An output below SQNR_FLOOR_DB without a target. */
  belowFloor: 'ACCURACY BELOW THE FLOOR',
} as const;

/** The marker a warning opens with, followed by its text. */
export const loud = (marker: (typeof LOUD)[keyof typeof LOUD], text: string): string => `${marker}${text}`;

/**
 * The warning a run's user must see first: a missed target (on LiteRT or the device, or maybe on the device), then an
 * output below the floor, then index outputs that disagree; undefined when the run has none of them.
 */
export function headlineWarning(warnings: readonly string[]): string | undefined {
  const target = warnings.find((w) => w.startsWith(LOUD.targetMissed) || w.startsWith(LOUD.deviceMayMiss));
  return target ?? warnings.find((w) => w.startsWith(LOUD.belowFloor)) ?? warnings.find((w) => w.startsWith(LOUD.indicesDisagree));
}
