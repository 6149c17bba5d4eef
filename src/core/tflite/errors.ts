/**
 * The one error type for a model file that cannot be used: corrupt bytes, an index out of range, a buffer that does
 * not fit its tensor. The message says where ("subgraph 0, operator 12: input 3 refers to tensor 999, model has 120")
 * so a user can tell a damaged download from an unsupported converter output.
 */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
  constructor(message: string, readonly file?: string) {
    super(file ? `${file}: ${message}` : message);
  }

  /** The same error, its message prefixed with the file it came from. */
  withFile(file: string): ModelFormatError {
    return this.file ? this : new ModelFormatError(this.message, file);
  }
}
