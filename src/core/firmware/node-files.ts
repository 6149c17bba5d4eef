/** The file access of model location and loading, on the local disk (node:fs, asynchronous). */
import fs from 'node:fs/promises';
import { MODEL_FILE_LIMIT, readFileBoundedAsync, SOURCE_FILE_LIMIT } from '../io/bounded-read';
import type { ModelFiles } from './model-cache';
import type { SourceFiles } from './locate-model';

async function readHead(file: string, maxChars: number): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(maxChars);
    const { bytesRead } = await handle.read(buffer, 0, maxChars, 0);
    return buffer.toString('latin1', 0, bytesRead);
  } finally {
    await handle.close();
  }
}

export const nodeSourceFiles: SourceFiles = {
  async readText(file, maxChars) {
    try {
      return maxChars === undefined ? Buffer.from(await readFileBoundedAsync(file, SOURCE_FILE_LIMIT)).toString('latin1') : await readHead(file, maxChars);
    } catch {
      return undefined;
    }
  },
  async listDir(dir) {
    try {
      return (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    } catch {
      return [];
    }
  },
  async exists(file) {
    try {
      return (await fs.stat(file)).isFile();
    } catch {
      return false;
    }
  },
};

export const nodeModelFiles: ModelFiles = {
  async stat(file) {
    try {
      const s = await fs.stat(file);
      return s.isFile() ? { mtimeMs: s.mtimeMs, size: s.size } : undefined;
    } catch {
      return undefined;
    }
  },
  // Regular files within the limits only: a FIFO or device named like a model never blocks the hover.
  async readBytes(file) {
    return readFileBoundedAsync(file, MODEL_FILE_LIMIT);
  },
  async readText(file) {
    return Buffer.from(await readFileBoundedAsync(file, SOURCE_FILE_LIMIT)).toString('latin1');
  },
};
