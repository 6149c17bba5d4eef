/**
 * The few numbers of a model the latency model prices, from its operators' work (op-work.ts): MACs of convolutions,
 * of fully-connected layers and of depthwise convolutions, the output elements of those MAC operators (requantize
 * and store, once per output), the elements of cheap per-element ops and the operator count (interpreter overhead).
 */
import type { OperatorWork } from './op-work';

export interface LatencyFeatures {
  convMacs: number;
  fcMacs: number;
  dwMacs: number;
  /** Output elements of conv, depthwise and fully-connected operators plus elements of pool/elementwise/activation ops. */
  elements: number;
  ops: number;
}

export function latencyFeatures(work: readonly OperatorWork[]): LatencyFeatures {
  const f: LatencyFeatures = { convMacs: 0, fcMacs: 0, dwMacs: 0, elements: 0, ops: work.length };
  for (const w of work) {
    switch (w.workClass) {
      case 'conv': f.convMacs += w.units; f.elements += w.outputElements; break;
      case 'dwconv': f.dwMacs += w.units; f.elements += w.outputElements; break;
      case 'fc': case 'rnn': f.fcMacs += w.units; f.elements += w.outputElements; break;
      case 'free': break;
      default: f.elements += w.units;
    }
  }
  return f;
}

/** Shape of a kernel family's cost, in cycles per unit relative to one convolution MAC. */
export interface CostShape {
  fcPerMac: number;
  dwPerMac: number;
  perElement: number;
  perOp: number;
}

/** Cycles on the reference scale (one conv MAC = 1); multiply by the profile's cycles per conv MAC. */
export function shapedCycles(f: LatencyFeatures, s: CostShape): number {
  return f.convMacs + s.fcPerMac * f.fcMacs + s.dwPerMac * f.dwMacs + s.perElement * f.elements + s.perOp * f.ops;
}
