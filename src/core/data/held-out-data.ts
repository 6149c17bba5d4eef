/**
 * Held-out data of its own (`--eval`, VS Code's held-out data pick) must not be the calibration data: a score on
 * samples that calibrated the model would be reported as held-out and flatter it. Checked before either is loaded,
 * through links too: the same file or folder, or one folder reading the other's files (the folder loader's rule:
 * sample files, MAX_DEPTH levels down, no hidden names).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { isWithin } from '../io/path-within';
import { displayPath } from './display-path';
import { DatasetError } from './errors';
import { MAX_DEPTH, sampleFileKind } from './sample-files';

interface Resolved { real: string; folder: boolean; id: string }

/** The real path, whether it is a folder, and its identity (device and inode: a hard link is the same file); undefined when it cannot be read (the loader says why). */
async function resolved(p: string): Promise<Resolved | undefined> {
  try {
    const real = await fsp.realpath(p);
    const st = await fsp.stat(real);
    return { real, folder: st.isDirectory(), id: `${st.dev}:${st.ino}` };
  } catch {
    return undefined;
  }
}

/** Whether loading `folder` reads `inner` (a path below it): a sample file, or a folder, within the loader's depth. */
function folderReads(folder: string, inner: Resolved): boolean {
  const parts = path.relative(folder, inner.real).split(path.sep);
  if (parts.some((p) => p.startsWith('.'))) return false;
  return inner.folder ? parts.length <= MAX_DEPTH : parts.length <= MAX_DEPTH + 1 && sampleFileKind(inner.real) !== undefined;
}

/**
 * Throws a DatasetError when `evalPath` is the calibration data, or either is a folder that reads the other's
 * files. `heldOutPart` names the part of the calibration data held out without it ("20%").
 */
export async function checkHeldOutApart(evalPath: string, calibrationPath: string | undefined, options: { displayRoot?: string; heldOutPart?: string } = {}): Promise<void> {
  if (calibrationPath === undefined) return;
  const [ev, cal] = await Promise.all([resolved(evalPath), resolved(calibrationPath)]);
  if (!ev || !cal) return;
  const how = ev.real === cal.real || ev.id === cal.id ? 'is the calibration data'
    : ev.folder && isWithin(cal.real, ev.real) && folderReads(ev.real, cal) ? 'holds the calibration data'
      : cal.folder && isWithin(ev.real, cal.real) && folderReads(cal.real, ev) ? 'lies inside the calibration data' : undefined;
  if (!how) return;
  const shown = displayPath(evalPath, options);
  throw new DatasetError('mismatch', shown, `${shown} ${how} (${displayPath(calibrationPath, options)}): held-out samples must be ones that did not calibrate the model.`,
    `Give data the calibration does not read, or none: then ${options.heldOutPart ?? 'a part'} of the calibration data is held out.`);
}
