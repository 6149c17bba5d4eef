/**
 * The one error type of the quantizer. `kind` lets a caller react (a cancelled run is not a failure to report),
 * the message names the model, the operator or the data sample and says what to do.
 */
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
