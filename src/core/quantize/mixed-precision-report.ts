/** What --target-sqnr kept in higher precision (the report's types; mixed-precision.ts does the search). Pure types, so the webview can read them. */
import type { KernelLibrary } from '../arena/kernels/types';

export type HigherPrecision = 'int16x8' | 'float';

export interface KeptLayer {
  /** The operator of the model as given, e.g. "CONV_2D #12" (with its consumers, which read its output in the same precision). */
  op: string;
  /** Its index in the float graph that was quantized. */
  index: number;
  tensor: string;
  precision: HigherPrecision;
  /** SQNR of the layer's output in the int8 model, and the relative noise power it added there. */
  int8SqnrDb: number;
  addedNoise: number;
  /** Why not int16x8, for float layers. */
  reason?: string;
}

export interface MixedPrecisionReport {
  targetDb: number;
  kernels: KernelLibrary;
  met: boolean;
  /** Worst output SQNR (dB) per output, before (all int8) and after, on the scoring samples. */
  outputsBeforeDb: number[];
  outputsAfterDb: number[];
  /** The samples the search selected on (with held-out data, one half of it: data/split.ts splitForTargetSearch). */
  scoredOn: { source: string; samples: number };
  /**
   * The samples the report's accuracy scores the result on, its worst output there and whether that meets the
   * target; `unseen` is false when there were too few held-out samples to split and both are the same samples.
   */
  reportedOn?: { source: string; samples: number; worstDb: number; met: boolean; unseen: boolean; device?: DeviceTarget };
  kept: KeptLayer[];
  /** Shape operators that read an int16 tensor and were switched to int16 with it (no extra rounding). */
  followed: number;
  /**
   * Candidates (layers feeding a failing output and adding noise, and the producers of outputs written as int16,
   * which are kept without a search), and rewrites scored.
   */
  candidates: number;
  probes: number;
  /** `arenaBuild`: the TFLite Micro build the arena figure is for (arena/figures.ts buildLabel). */
  cost: { flashBytes: number; arenaBytes?: number; arenaBuild?: string; floatMacs: number; int16Macs: number };
  /**
   * Outputs written as int16 instead of int8 (their producer kept in int16x8): on the int8 grid alone they could not
   * reach the target on the scoring samples (int8FloorDb).
   */
  widenedOutputs?: { name: string; int8FloorDb: number }[];
  /** When the target is missed: why. */
  note?: string;
}

/**
 * The target as TFLite Micro computes the outputs (the reference evaluator, tflm-reference.ts). The search and the
 * report score on LiteRT, whose kernels round differently; the evaluator runs the first `samples` of the reported
 * ones. `worstDb` is the worst output over those samples when they are all of them; else it is an estimate
 * (`estimated`): each output's reported SQNR moved by what TFLite Micro and LiteRT differ on the same samples.
 * `met`: worstDb reaches the target. Only an exact figure decides the target (targetMet): an estimate from a few
 * samples moves by tenths of a dB, and the search stops as soon as LiteRT reaches the target, so thin margins are
 * the rule; an estimate below the target is a warning.
 */
export interface DeviceTarget { samples: number; worstDb: number; estimated: boolean; met: boolean }

/**
 * DeviceTarget from the report's outputs (LiteRT, on all reported samples) and TFLite Micro's on its samples, with
 * LiteRT's on those same samples; undefined when the evaluator did not run.
 */
export function deviceTarget(targetDb: number, reportedSamples: number, outputs: readonly { name: string; sqnrDb: number }[],
  tflm: { samples: number; outputs: readonly { name: string; sqnrDb: number; liteRtSqnrDb?: number }[] } | undefined): DeviceTarget | undefined {
  if (!tflm || !tflm.samples || !tflm.outputs.length) return undefined;
  const estimated = tflm.samples < reportedSamples;
  const per = tflm.outputs.map((o) => {
    if (!estimated) return o.sqnrDb;
    const all = outputs.find((x) => x.name === o.name)?.sqnrDb ?? o.sqnrDb;
    // A TFLite Micro figure that is not finite there (a reference all zeros on those samples: -Infinity or NaN;
    // exact: Infinity) carries no difference, the reported figure stands; LiteRT exact there while TFLite Micro is
    // not: TFLite Micro's own figure bounds it.
    if (!Number.isFinite(o.sqnrDb)) return all;
    if (o.liteRtSqnrDb === undefined || !Number.isFinite(o.liteRtSqnrDb)) return Math.min(all, o.sqnrDb);
    return all + (o.sqnrDb - o.liteRtSqnrDb);
  }).filter((x) => !Number.isNaN(x));
  if (!per.length) return undefined;
  const worstDb = Math.min(...per);
  return { samples: tflm.samples, worstDb, estimated, met: worstDb >= targetDb };
}

/** A device figure that decides the target and misses it: exact (every reported sample) and below. */
export function deviceMissed(d: DeviceTarget | undefined): d is DeviceTarget {
  return !!d && !d.estimated && !d.met;
}

/**
 * Whether the target holds: on the samples searched on and, when the report scored others, on those too (LiteRT),
 * and as TFLite Micro computes them when the evaluator ran all of those (DeviceTarget).
 */
export function targetMet(m: MixedPrecisionReport): boolean {
  return m.met && m.reportedOn?.met !== false && !deviceMissed(m.reportedOn?.device);
}
