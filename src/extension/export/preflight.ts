/**
 * Checks, before anything is written, that every file of an export can be written: its folder (or the nearest folder
 * that exists) is a folder and takes a new file, and an existing file is a writable file. A write probe backs the
 * permission bits, which say nothing on read-only mounts seen through some file systems or for root.
 */
import nodeFs from 'node:fs/promises';
import path from 'node:path';
import { ExportPermissionError } from '../../core/codegen';

/** The calls the check makes; unit tests inject failures. */
export interface PreflightFs {
  stat(p: string): Promise<{ isDirectory(): boolean; isFile(): boolean }>;
  access(p: string, mode: number): Promise<void>;
  /** Creates and removes a probe file in `dir`. */
  probe(dir: string): Promise<void>;
}

const W_OK = 2;

export const nodePreflightFs: PreflightFs = {
  stat: (p) => nodeFs.stat(p),
  access: (p, mode) => nodeFs.access(p, mode),
  async probe(dir) {
    const probe = path.join(dir, `.tinyml-write-probe-${process.pid}-${Date.now()}`);
    const handle = await nodeFs.open(probe, 'wx');
    await handle.close();
    await nodeFs.unlink(probe);
  },
};

export function errnoReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOTDIR': return 'a parent of it is a file, not a folder';
    case 'ENOSPC': return 'no space left on the device';
    default: return (e as Error).message;
  }
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/**
 * Throws ExportPermissionError naming the first path that cannot be written. `shown` turns an absolute path into
 * what the user sees (workspace-relative).
 */
export async function checkWritable(files: readonly string[], shown: (abs: string) => string, fs: PreflightFs = nodePreflightFs): Promise<void> {
  const checkedDirs = new Set<string>();
  for (const file of files) {
    // The file itself.
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) throw new ExportPermissionError(shown(file), 'it is a folder');
      try {
        await fs.access(file, W_OK);
      } catch (e) {
        throw new ExportPermissionError(shown(file), errnoReason(e));
      }
    } catch (e) {
      if (e instanceof ExportPermissionError) throw e;
      if (code(e) !== 'ENOENT' && code(e) !== 'ENOTDIR') throw new ExportPermissionError(shown(file), errnoReason(e));
    }
    // Its folder, or the nearest one that exists (the rest is created).
    let dir = path.dirname(file);
    for (;;) {
      if (checkedDirs.has(dir)) break;
      let st: { isDirectory(): boolean } | undefined;
      try {
        st = await fs.stat(dir);
      } catch (e) {
        if (code(e) !== 'ENOENT' && code(e) !== 'ENOTDIR') throw new ExportPermissionError(shown(dir), errnoReason(e));
      }
      if (st) {
        if (!st.isDirectory()) throw new ExportPermissionError(shown(file), `${shown(dir)} is a file, not a folder`);
        try {
          await fs.access(dir, W_OK);
          await fs.probe(dir);
        } catch (e) {
          throw new ExportPermissionError(shown(dir), errnoReason(e));
        }
        checkedDirs.add(dir);
        break;
      }
      const parent = path.dirname(dir);
      if (parent === dir) throw new ExportPermissionError(shown(file), 'no existing parent folder');
      dir = parent;
    }
  }
}
