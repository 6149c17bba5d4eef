/**
 * Latency per operator and per model: work × cycles per unit (a cost shape per kernel family, a scale per core
 * class, both from the calibration in latency-calibration.ts) ÷ clock. Reports a range, never one number alone:
 * the measured held-out error, widened where a core class has no measurement of its own.
 */
import type { Board, CoreId } from './boards';
import { fitAll, leaveOneOut, type FamilyFit, type KernelFamily } from './latency-calibration';
import type { CostShape } from './latency-features';
import type { OperatorWork } from './op-work';

export type FitKernels = 'reference' | 'cmsis-nn' | 'esp-nn';

export const FIT_KERNELS: readonly FitKernels[] = ['reference', 'cmsis-nn', 'esp-nn'];

export interface LatencyProfile {
  family: KernelFamily;
  /** Cycles per convolution MAC (the shape gives every other unit relative to it). */
  cyclesPerConvMac: number;
  shape: CostShape;
  /** The range is [latency / spread, latency × spread]. */
  spread: number;
  /** How the profile was obtained, for the report's assumptions. */
  basis: string;
  /** True when boards of this core class and kernel set are in the calibration data. */
  measured: boolean;
}

export interface OperatorLatency {
  subgraph: number;
  operatorIndex: number;
  opcode: string;
  cycles: number;
  ms: number;
}

export interface LatencyEstimate {
  ms: number;
  rangeMs: [number, number];
  cycles: number;
  perOperator: OperatorLatency[];
  profile: LatencyProfile;
}

export class KernelChoiceError extends Error {
  override readonly name = 'KernelChoiceError';
}

const isEsp = (core: CoreId) => core === 'xtensa-lx6' || core === 'xtensa-lx7' || core === 'riscv32-imc';

/** The kernels a build for this board uses unless told otherwise: the vendor-optimized library of its core. */
export function defaultKernels(board: Board): FitKernels {
  return isEsp(board.core) ? 'esp-nn' : 'cmsis-nn';
}

export function checkKernels(board: Board, kernels: FitKernels): void {
  if (kernels === 'cmsis-nn' && isEsp(board.core)) {
    throw new KernelChoiceError(`CMSIS-NN is for Arm Cortex-M; ${board.id} has a ${board.core} core: use --kernels esp-nn or reference`);
  }
  if (kernels === 'esp-nn' && !isEsp(board.core)) {
    throw new KernelChoiceError(`ESP-NN is for Espressif chips; ${board.id} has a ${board.core} core: use --kernels cmsis-nn or reference`);
  }
}

let fitted: { fits: Record<KernelFamily, FamilyFit>; heldOutSpread: number } | undefined;

/** The fit and its held-out error (root mean square of log(predicted / measured)), computed once. */
export function calibration(): { fits: Record<KernelFamily, FamilyFit>; heldOutSpread: number } {
  if (!fitted) {
    const held = leaveOneOut();
    const rms = Math.sqrt(held.reduce((a, h) => a + Math.log(h.ratio) ** 2, 0) / held.length);
    fitted = { fits: fitAll(), heldOutSpread: Math.exp(rms) };
  }
  return fitted;
}

function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

/** Which chip's calibration an Espressif core uses. */
const ESP_CALIBRATION_BOARD: Partial<Record<CoreId, string>> = {
  'xtensa-lx7': 'esp32-s3-devkitc-1', 'xtensa-lx6': 'esp32dev', 'riscv32-imc': 'esp32-c3-devkitm-1',
};

/**
 * Core-class factors for Arm cores without a measurement of their own, relative to a measured class. Priors, not fits:
 * the Cortex-M7 and M85 issue two instructions per cycle (M7 ~0.7 of the M4's cycles on the same code); the M55 has
 * Helium but a narrower pipeline than the M85; the M0+ lacks the 32×32→64 multiply and the DSP extension that CMSIS-NN
 * uses (CMSIS-NN then runs its plain C path, about half the cycles of the reference kernels).
 */
const PRIOR: Partial<Record<CoreId, { cmsis: [KernelFamily, number]; reference: number }>> = {
  'cortex-m0plus': { cmsis: ['reference-scalar', 0.5 * 1.4], reference: 1.4 },
  'cortex-m3': { cmsis: ['reference-scalar', 0.5], reference: 1 },
  'cortex-m4': { cmsis: ['cmsis-dsp', 1], reference: 1 },
  'cortex-m33': { cmsis: ['cmsis-dsp', 1], reference: 1 },
  'cortex-m7': { cmsis: ['cmsis-dsp', 0.7], reference: 0.7 },
  'cortex-m55': { cmsis: ['cmsis-mve', 1.3], reference: 1 },
  'cortex-m85': { cmsis: ['cmsis-mve', 1], reference: 0.7 },
};
const MEASURED_CMSIS: ReadonlySet<CoreId> = new Set(['cortex-m4', 'cortex-m33', 'cortex-m85']);
/** Extra uncertainty of a prior core factor or of a family measured on one point only. */
const PRIOR_SPREAD = 1.5;

export function latencyProfile(board: Board, kernels: FitKernels): LatencyProfile {
  checkKernels(board, kernels);
  const { fits, heldOutSpread } = calibration();
  if (isEsp(board.core)) {
    const family: KernelFamily = kernels === 'esp-nn' ? 'esp-nn' : 'reference-scalar';
    const calBoard = ESP_CALIBRATION_BOARD[board.core]!;
    const fit = fits[family];
    return {
      family, cyclesPerConvMac: fit.scales[calBoard]!, shape: fit.shape, spread: heldOutSpread * PRIOR_SPREAD,
      basis: `${kernels} on ${board.core}: scaled to the ${calBoard} person_detect measurement (one point, not held out)`,
      measured: true,
    };
  }
  const prior = PRIOR[board.core]!;
  if (kernels === 'reference') {
    const ref = fits['reference-scalar'];
    // the two single-issue 32-bit scalar cores (ESP32-S3 LX7, ESP32-C3 RV32IMC) running TFLM's reference kernels
    const base = geomean([ref.scales['esp32-s3-devkitc-1']!, ref.scales['esp32-c3-devkitm-1']!]);
    return {
      family: 'reference-scalar', cyclesPerConvMac: base * prior.reference, shape: ref.shape,
      spread: heldOutSpread * PRIOR_SPREAD * PRIOR_SPREAD,
      basis: `reference kernels: cycles of TFLM's reference kernels on single-issue 32-bit cores (ESP32-S3, ESP32-C3 person_detect), ×${prior.reference} for ${board.core}; no Cortex-M reference-kernel measurement in the public data`,
      measured: false,
    };
  }
  const [family, factor] = prior.cmsis;
  const fit = fits[family];
  const own = fit.scales[board.id];
  if (own !== undefined) {
    return {
      family, cyclesPerConvMac: own, shape: fit.shape, spread: heldOutSpread,
      basis: `cmsis-nn: this board's own MLPerf Tiny measurements`, measured: true,
    };
  }
  const scales = Object.values(fit.scales);
  const base = geomean(scales);
  // boards of one class measured with different TFLM/CMSIS-NN versions differ: the range covers them
  const boardSpread = Math.sqrt(Math.max(...scales) / Math.min(...scales));
  const measured = MEASURED_CMSIS.has(board.core) && family !== 'reference-scalar';
  return {
    family, cyclesPerConvMac: base * factor, shape: fit.shape,
    spread: heldOutSpread * boardSpread * (measured ? 1 : PRIOR_SPREAD),
    basis: measured
      ? `cmsis-nn (${family}): geometric mean of the ${Object.keys(fit.scales).join(', ')} MLPerf Tiny fits`
      : `cmsis-nn on ${board.core}: ${family} fit × ${factor} (a prior for this core class, not measured)`,
    measured,
  };
}

export function operatorCycles(w: OperatorWork, p: LatencyProfile): number {
  const s = p.shape;
  let shaped: number;
  switch (w.workClass) {
    case 'conv': shaped = w.units + s.perElement * w.outputElements; break;
    case 'dwconv': shaped = s.dwPerMac * w.units + s.perElement * w.outputElements; break;
    case 'fc': case 'rnn': shaped = s.fcPerMac * w.units + s.perElement * w.outputElements; break;
    case 'free': shaped = 0; break;
    default: shaped = s.perElement * w.units;
  }
  return p.cyclesPerConvMac * (shaped + s.perOp);
}

/** Float32 ops without an FPU: every multiply-add is a library call (~8× the cycles, a prior). */
const SOFT_FLOAT_FACTOR = 8;

export function estimateLatency(work: readonly OperatorWork[], board: Board, kernels: FitKernels): LatencyEstimate {
  const profile = latencyProfile(board, kernels);
  // float ops run TFLM's reference float kernels: priced with the reference profile
  const floatProfile = work.some((w) => w.float) && kernels !== 'reference' ? latencyProfile(board, 'reference') : profile;
  const hz = board.clockMhz * 1e6;
  const perOperator = work.map((w) => {
    const cycles = w.float
      ? operatorCycles(w, floatProfile) * (board.fpu === 'none' ? SOFT_FLOAT_FACTOR : 1)
      : operatorCycles(w, profile);
    return { subgraph: w.subgraph, operatorIndex: w.operatorIndex, opcode: w.opcode, cycles, ms: (cycles / hz) * 1e3 };
  });
  const cycles = perOperator.reduce((a, o) => a + o.cycles, 0);
  const ms = (cycles / hz) * 1e3;
  return { ms, rangeMs: [ms / profile.spread, ms * profile.spread], cycles, perOperator, profile };
}
