/** The recipes a user can force one by one, the anchors the default recipe is judged against in the quantize benches. */
import type { QuantizeOptions } from '../src/core/quantize/index';
import { RANGE_METHODS } from '../src/core/quantize/recipe';
import { recipeLabel } from '../src/core/quantize/report-text';

/** Every single option forced: each range method × per-channel FC on/off × bias correction on/off, weights rounded to nearest. */
export function singleOptions(): QuantizeOptions[] {
  const out: QuantizeOptions[] = [];
  for (const calibration of RANGE_METHODS) {
    for (const perChannelFullyConnected of [false, true]) {
      for (const biasCorrection of [false, true]) out.push({ calibration, perChannelFullyConnected, biasCorrection, weightRounding: 'nearest' });
    }
  }
  return out;
}

export const optionLabel = (o: QuantizeOptions): string =>
  recipeLabel({ method: o.calibration!, perChannelFullyConnected: !!o.perChannelFullyConnected, biasCorrection: !!o.biasCorrection });
