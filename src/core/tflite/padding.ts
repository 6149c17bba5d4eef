/**
 * How TFLite and TFLite Micro pad a convolution-like operator (tensorflow/lite/kernels/padding.h
 * ComputePaddingHeightWidth): one rule for the arena model, the TFLite Micro evaluator and the compatibility check.
 */

/** Whether an operator's `padding` option is SAME (the enum's name or its value, 0). */
export const isSamePadding = (options: Readonly<Record<string, unknown>>): boolean => options['padding'] === 'SAME' || options['padding'] === 0;

/** The output size of one spatial dimension as TFLite computes it (padding.h ComputeOutSize), SAME (`same`) or VALID. */
export function computeOutSize(same: boolean, stride: number, dilation: number, inSize: number, filter: number): number {
  // ComputeOutSizeChecked: no output for a stride, dilation or window below 1, or a VALID window past the input.
  if (!(stride >= 1 && dilation >= 1 && filter >= 1)) return 0;
  const effective = (filter - 1) * dilation + 1;
  return Math.max(0, same ? Math.trunc((inSize + stride - 1) / stride) : Math.trunc((inSize + stride - effective) / stride));
}

/** The leading padding of one spatial dimension, for SAME (`same`) or VALID, with TFLite's output size. */
export function leadingPadding(same: boolean, stride: number, dilation: number, inSize: number, filter: number): number {
  const effective = (filter - 1) * dilation + 1;
  const outSize = computeOutSize(same, stride, dilation, inSize, filter);
  return Math.trunc(Math.max(0, (outSize - 1) * stride + effective - inSize) / 2);
}
