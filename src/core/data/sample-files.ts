/**
 * Which files of a folder are samples, and of what kind: the listing the folder loader reads and the Quantize Model
 * command checks (whether image options apply) without loading any decoder.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from './errors';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp'];

export type SampleFileKind = 'image' | 'audio' | 'npy';

export function sampleFileKind(name: string): SampleFileKind | undefined {
  const ext = path.extname(name).toLowerCase();
  if (IMAGE_EXTENSIONS.includes(ext)) return 'image';
  if (ext === '.wav') return 'audio';
  if (ext === '.npy') return 'npy';
  return undefined;
}

export const KIND_NAMES: Record<SampleFileKind, string> = { image: 'image', audio: '.wav', npy: '.npy' };
export const MAX_DEPTH = 4;

/** Code-unit order, not locale order: the same on every machine. */
export const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sample files below `dir` (hidden entries skipped), sorted by relative path. */
export async function listSampleFiles(dir: string, shown: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await fsp.readdir(path.join(dir, rel), { withFileTypes: true });
    } catch (e) {
      throw new DatasetError('unreadable', shown, `${path.join(shown, rel)}: cannot list the folder (${(e as Error).message}).`);
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth < MAX_DEPTH) await walk(r, depth + 1);
      else if (e.isFile() && sampleFileKind(e.name)) out.push(r);
    }
  };
  await walk('', 0);
  return out.sort(byPath);
}

/** Whether `dataPath` is a folder whose sample files are all images: what ImageOptions apply to. */
export async function holdsImages(dataPath: string): Promise<boolean> {
  try {
    if (!(await fsp.stat(dataPath)).isDirectory()) return false;
    const files = await listSampleFiles(dataPath, dataPath);
    return files.length > 0 && files.every((f) => sampleFileKind(f) === 'image');
  } catch {
    return false;
  }
}
