/** What went wrong with a dataset file: lets callers (QuickPick, CLI) react without parsing messages. */
export type DatasetErrorKind =
  | 'unreadable' // the file or folder cannot be read
  | 'empty' // no samples in it
  | 'format' // not a valid file of its kind (bad header, truncated, corrupt zip)
  | 'dtype' // an element type we cannot use
  | 'shape' // data that does not fit the model input
  | 'non-finite' // NaN or Inf values
  | 'mismatch' // inputs, sample counts or sample rates that disagree
  | 'unsupported'; // a valid file we do not read (Fortran order, stereo audio, compressed BMP...)

/**
 * A dataset the loaders cannot use. The message names the file, what was found and what the model input expects, so
 * the user can fix the data without reading code.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  /**
   * @param fix what to do, when the loader knows it better than the kind says (the message ends with it; VS Code then
   *   adds no fix of its own for the kind)
   */
  constructor(readonly kind: DatasetErrorKind, readonly file: string, message: string, readonly fix?: string) {
    super(fix ? `${message} ${fix}` : message);
  }
}

/**
 * A sample file its decoder cannot read (a truncated download, another format under this extension): names the file
 * and why, and says what to do, since one such file stops the whole folder.
 */
export function unreadableSample(file: string, what: string, why: string): DatasetError {
  return new DatasetError('format', file, `${file}: not a readable ${what} (${why}).`, 'Re-save it, or move it out of the calibration data.');
}

/** A DatasetError as it crosses to another thread (postMessage keeps no class): what datasetErrorFrom rebuilds. */
export interface DatasetErrorFields {
  kind: DatasetErrorKind;
  file: string;
  /** The whole message, the fix included. */
  message: string;
  fix?: string;
}

export function datasetErrorFields(e: DatasetError): DatasetErrorFields {
  return { kind: e.kind, file: e.file, message: e.message, ...(e.fix ? { fix: e.fix } : {}) };
}

/** The DatasetError of `f`, its fix kept apart again (the constructor appends it to the message). */
export function datasetErrorFrom(f: DatasetErrorFields): DatasetError {
  const base = f.fix && f.message.endsWith(` ${f.fix}`) ? f.message.slice(0, -(f.fix.length + 1)) : f.message;
  return new DatasetError(f.kind, f.file, base, f.fix);
}
