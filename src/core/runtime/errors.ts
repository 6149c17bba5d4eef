/**
 * The one error type of the runtime: the model cannot be loaded or run by LiteRT, or the caller passed inputs that do
 * not match the model. `kind` lets a caller react (e.g. fall back to static analysis for `variable-tensors`), the
 * message says what is wrong and what to do about it, `details` keeps LiteRT's own ERROR lines for a bug report.
 */
export type RuntimeErrorKind =
  /** The LiteRT wasm files are missing or failed to start. */
  | 'runtime-unavailable'
  /** The wasm runtime trapped (abort); it is restarted on next use and models loaded before must be loaded again. */
  | 'runtime-crashed'
  /** The model was disposed, or loaded before a runtime restart. */
  | 'model-disposed'
  /** Stateful models (LSTM, SVDF): LiteRT has no variable tensors. */
  | 'variable-tensors'
  /** A custom operator that LiteRT does not implement (signal ops, ethos-u, ...). */
  | 'unsupported-op'
  /** Quantization parameters that full TFLite rejects. */
  | 'invalid-quantization'
  /** An output whose shape is only known while running: LiteRT.js cannot return it. */
  | 'dynamic-shape'
  /** Inputs that do not match the model: count, element type or element count. */
  | 'invalid-input'
  /** The model failed to load or compile for another reason. */
  | 'load-failed'
  /** An operator failed while running. */
  | 'run-failed';

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  constructor(
    readonly kind: RuntimeErrorKind,
    message: string,
    /** LiteRT's ERROR lines (deduplicated), when it printed any. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}
