import { DATA_FILE_LIMIT, readFileBoundedAsync } from '../io/bounded-read';
import { FileError } from '../io/file-error';
import { DatasetError } from './errors';

/**
 * Reads a data file: a regular file within the data file limit (1 GiB, README), never a FIFO, device or folder.
 * Failures become a DatasetError that names it.
 */
export async function readBytes(filePath: string, shown: string): Promise<Uint8Array> {
  try {
    return await readFileBoundedAsync(filePath, DATA_FILE_LIMIT, shown);
  } catch (e) {
    if (e instanceof FileError) throw new DatasetError('unreadable', shown, `${e.message.replace(/\.$/, '')}.`);
    throw e;
  }
}
