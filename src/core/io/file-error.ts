/**
 * The one error type for reading and writing the user's files. `kind` says what went wrong in a word a caller can
 * branch on, `file` is the path as the user should see it, and the message is one line that names the file and what
 * to do about it, because the CLI and the extension show it as is.
 */
export type FileErrorKind =
  | 'not-found' // the file (or a folder above it) does not exist
  | 'is-folder' // a folder where a file was expected
  | 'not-regular' // a FIFO, socket or device: never read, never replaced
  | 'too-large' // over the size cap of what it should hold
  | 'permission' // no permission to read or write
  | 'read-only' // the file system or folder is read-only
  | 'no-space' // the disk is full
  | 'not-a-folder' // a parent of the path is a file
  | 'exists' // an output exists and replacing it was not allowed
  | 'output-is-input' // an output resolves to a file the same run reads
  | 'duplicate-output' // two outputs of one run resolve to the same file
  | 'io'; // anything else the system reported

export class FileError extends Error {
  override readonly name: string = 'FileError';
  readonly domain = 'file' as const;
  constructor(readonly kind: FileErrorKind, readonly file: string, message: string) {
    super(message);
  }
}

/** A few words for a system error code, for messages of the form "`file`: `reason`". */
export function describeErrno(e: unknown): { kind: FileErrorKind; reason: string } {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': return { kind: 'not-found', reason: 'no such file or folder' };
    case 'EISDIR': return { kind: 'is-folder', reason: 'it is a folder, not a file' };
    case 'ENOTDIR': return { kind: 'not-a-folder', reason: 'a parent of it is a file, not a folder' };
    case 'EACCES': case 'EPERM': return { kind: 'permission', reason: 'permission denied' };
    case 'EROFS': return { kind: 'read-only', reason: 'the file system is read-only' };
    case 'ENOSPC': case 'EDQUOT': return { kind: 'no-space', reason: 'no space left on the device' };
    case 'EFBIG': return { kind: 'too-large', reason: 'the file is too large for the file system' };
    case 'ENAMETOOLONG': return { kind: 'io', reason: 'the path is too long' };
    case 'ELOOP': return { kind: 'io', reason: 'too many levels of symbolic links' };
    default: return { kind: 'io', reason: firstLine((e as Error | undefined)?.message ?? String(e)) };
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!;
}

/** FileError for a failed system call on `file`: "`file`: `reason``hint`". */
export function fileErrorFrom(e: unknown, file: string, hint = ''): FileError {
  if (e instanceof FileError) return e;
  const { kind, reason } = describeErrno(e);
  return new FileError(kind, file, `${file}: ${reason}${hint}`);
}
