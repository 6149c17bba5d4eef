import { promises as fsp } from 'node:fs';
import { DatasetError } from './errors';

/** Reads a file, turning fs failures into a DatasetError that names it. */
export async function readBytes(filePath: string, shown: string): Promise<Uint8Array> {
  try {
    const b = await fsp.readFile(filePath);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new DatasetError('unreadable', shown, `${shown}: cannot read it (${why}).`);
  }
}
