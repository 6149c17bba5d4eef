/**
 * The one error type of the quantizer. `kind` lets a caller react (a cancelled run is not a failure to report),
 * the message names the model, the operator or the data sample and says what to do.
 */
import type { Tensor } from '../tflite/index';
import { describeShapeMismatch } from '../tflite/operator-shapes';

export type QuantizeErrorKind =
  /** An operator has no integer form here; the message names it and suggests keeping it in float. */
  | 'unsupported-op'
  /** The model itself cannot be quantized (already quantized, several subgraphs, dynamic shapes, ...). */
  | 'unsupported-model'
  /** The calibration or evaluation data does not fit the model. */
  | 'bad-data'
  /** The caller's AbortSignal fired. */
  | 'cancelled';

export class QuantizeError extends Error {
  override readonly name = 'QuantizeError';
  constructor(readonly kind: QuantizeErrorKind, message: string) {
    super(message);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new QuantizeError('cancelled', `${what} was cancelled.`);
}

/**
 * A tensor whose declared shape disagrees with what its operator computes (a damaged file): TFLite Micro, and some of
 * LiteRT's paths, size buffers by the declared shapes. Names the tensor; the file is to be made again.
 */
export function shapeMismatch(t: Tensor, op: string, computed: number | readonly number[]): QuantizeError {
  return new QuantizeError('unsupported-model', `${describeShapeMismatch(t, op, computed)}: the file's shapes disagree, and TFLite Micro, which uses `
    + 'the declared shapes, would read or write past the tensor. The file is damaged: convert or export the model again.');
}
