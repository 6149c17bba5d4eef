/**
 * Writing the quantized model: checked before the run (a read-only folder is reported before minutes of
 * calibration), written through a temporary file in the same folder so that no partial model is ever visible, and
 * never over an existing file unless the caller says so (the no-clobber step is one atomic link).
 */
import fs from 'node:fs';
import path from 'node:path';

/** The output cannot be written; the message names the path and what to do. */
export class OutputWriteError extends Error {
  override readonly name = 'OutputWriteError';
  constructor(readonly file: string, readonly code: string | undefined, message: string) {
    super(message);
  }
}

/** The output exists and the caller did not allow overwriting it. */
export class OutputExistsError extends Error {
  override readonly name = 'OutputExistsError';
  constructor(readonly file: string) {
    super(`${file} already exists.`);
  }
}

/** The error to show for a failed write of `file`, by the system error code. */
export function describeWriteFailure(file: string, e: unknown): OutputWriteError {
  const code = (e as NodeJS.ErrnoException).code;
  const dir = path.dirname(file);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new OutputWriteError(file, code, `Cannot write ${file}: the folder ${dir} is read-only (${code}). Choose another place with "Save as…".`);
    case 'ENOENT':
      return new OutputWriteError(file, code, `Cannot write ${file}: the folder ${dir} does not exist.`);
    case 'ENOTDIR':
      return new OutputWriteError(file, code, `Cannot write ${file}: ${dir} is not a folder.`);
    case 'ENOSPC':
      return new OutputWriteError(file, code, `Cannot write ${file}: the disk is full.`);
    default:
      return new OutputWriteError(file, code, `Cannot write ${file}: ${(e as Error).message}`);
  }
}

/** Throws OutputWriteError when the folder of `file` cannot take a new file (checked by the OS, then by a probe). */
export function checkWritable(file: string): void {
  const dir = path.dirname(file);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (e) {
    throw describeWriteFailure(file, e);
  }
  // access() says yes to root on a read-only mount (EROFS shows only when writing): probe with a real file.
  const probe = tempName(file);
  try {
    fs.writeFileSync(probe, '');
  } catch (e) {
    throw describeWriteFailure(file, e);
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

/**
 * Writes `bytes` to `file` in one step. Without `overwrite`, an existing file (even one created while the model was
 * being quantized) is left untouched and OutputExistsError is thrown. The temporary file never survives.
 */
export function writeOutput(file: string, bytes: Uint8Array, options: { overwrite: boolean }): void {
  const tmp = tempName(file);
  try {
    try {
      fs.writeFileSync(tmp, bytes);
    } catch (e) {
      throw describeWriteFailure(file, e);
    }
    if (options.overwrite) {
      try {
        fs.renameSync(tmp, file);
      } catch (e) {
        throw describeWriteFailure(file, e);
      }
      return;
    }
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new OutputExistsError(file);
      // Some file systems have no hard links: check, then rename (a file created in between would be replaced).
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw describeWriteFailure(file, e);
      if (fs.existsSync(file)) throw new OutputExistsError(file);
      try {
        fs.renameSync(tmp, file);
      } catch (e2) {
        throw describeWriteFailure(file, e2);
      }
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
