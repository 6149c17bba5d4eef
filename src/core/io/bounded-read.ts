/**
 * Reading a user's file with bounds: only regular files (a FIFO would block forever, /dev/zero never ends, a folder
 * is not data), and never more than a cap that fits what the file should hold, checked before a byte is read.
 * The file is opened non-blocking and checked on the open descriptor, so what is checked is what is read.
 */
import nodeFs from 'node:fs';
import { FileError, fileErrorFrom } from './file-error';
import { formatCount } from '../common/format';

/** What the reader is for: its size cap and the name of what it holds in messages ("model", "data file"). */
export interface ReadLimit {
  maxBytes: number;
  /** Human name of the cap, e.g. "2 GiB (the FlatBuffers limit of a .tflite file)". */
  maxLabel: string;
  what: string;
}

/** A .tflite is one FlatBuffer, whose offsets are signed 32-bit: 2 GiB is the most any TFLite runtime reads. */
export const MODEL_FILE_LIMIT: ReadLimit = { maxBytes: 2 ** 31 - 1, maxLabel: '2 GiB (the FlatBuffers limit of a .tflite file)', what: 'model' };
/** Calibration and evaluation data: one .npy/.npz/.csv/.json file, image or .wav. Documented in the README. */
export const DATA_FILE_LIMIT: ReadLimit = { maxBytes: 2 ** 30, maxLabel: '1 GiB (the data file limit)', what: 'data file' };
/** C/C++ sources and build files of a firmware project (a generated model array of a 2 GiB model is ~12 GiB). */
export const SOURCE_FILE_LIMIT: ReadLimit = { maxBytes: 2 ** 32, maxLabel: '4 GiB', what: 'source file' };

const OPEN_FLAGS = nodeFs.constants.O_RDONLY | (nodeFs.constants.O_NONBLOCK ?? 0);

interface StatLike { isFile(): boolean; isDirectory(): boolean; size: number }

function checkStat(st: StatLike, file: string, limit: ReadLimit): void {
  if (st.isDirectory()) throw new FileError('is-folder', file, `${file}: is a folder, not a ${limit.what}; name a file`);
  if (!st.isFile()) throw new FileError('not-regular', file, `${file}: is not a regular file (a device, FIFO or socket); name a ${limit.what} on disk`);
  if (st.size > limit.maxBytes) {
    throw new FileError('too-large', file, `${file}: ${formatCount(st.size)} bytes is over the ${limit.maxLabel} a ${limit.what} may have`);
  }
}

/** The whole file, synchronously; FileError (naming `shown`) when it is not a regular file within the limit. */
export function readFileBounded(file: string, limit: ReadLimit, shown = file): Uint8Array {
  let fd: number;
  try {
    fd = nodeFs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw fileErrorFrom(e, shown);
  }
  try {
    const st = nodeFs.fstatSync(fd);
    checkStat(st, shown, limit);
    const bytes = new Uint8Array(st.size);
    let off = 0;
    while (off < bytes.length) {
      const n = nodeFs.readSync(fd, bytes, off, bytes.length - off, off);
      if (n === 0) break; // shrank while reading: what is there is what we have
      off += n;
    }
    return off === bytes.length ? bytes : bytes.subarray(0, off);
  } catch (e) {
    throw fileErrorFrom(e, shown);
  } finally {
    try { nodeFs.closeSync(fd); } catch { /* nothing to do */ }
  }
}

/** The whole file, without blocking the event loop; same checks as readFileBounded. */
export async function readFileBoundedAsync(file: string, limit: ReadLimit, shown = file): Promise<Uint8Array> {
  let handle: nodeFs.promises.FileHandle;
  try {
    handle = await nodeFs.promises.open(file, OPEN_FLAGS);
  } catch (e) {
    throw fileErrorFrom(e, shown);
  }
  try {
    const st = await handle.stat();
    checkStat(st, shown, limit);
    const bytes = new Uint8Array(st.size);
    let off = 0;
    while (off < bytes.length) {
      const { bytesRead } = await handle.read(bytes, off, bytes.length - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return off === bytes.length ? bytes : bytes.subarray(0, off);
  } catch (e) {
    throw fileErrorFrom(e, shown);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The first `maxBytes` of a regular file (for ownership markers), or undefined when there is no regular file. */
export function readHeadBounded(file: string, maxBytes: number): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = nodeFs.openSync(file, OPEN_FLAGS);
    if (!nodeFs.fstatSync(fd).isFile()) return undefined;
    const buf = new Uint8Array(maxBytes);
    const n = nodeFs.readSync(fd, buf, 0, maxBytes, 0);
    return buf.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) try { nodeFs.closeSync(fd); } catch { /* nothing to do */ }
  }
}
