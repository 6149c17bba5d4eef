/**
 * The one way TinyML Toolkit writes the user's files: every CLI command and every extension command that writes a
 * file on disk (quantized model and report, exported sources and build files, big sources written beside a
 * WorkspaceEdit) goes through here. A run writes all of its files or none:
 *
 *  1. plan    every output is resolved through realpath (symlinks, `..`) and compared by identity (device and inode)
 *             with every input of the run and every other output; existing files, folders in the way and parents
 *             that are files are found before anything is written;
 *  2. stage   missing folders are created and each output is written to a temporary file in its own folder;
 *  3. commit  only when every temporary is complete are they moved into place, a replaced file first kept as a
 *             backup link so that it can be put back.
 *
 * A failure at any step removes every temporary and every file and folder this run created, restores what it
 * replaced, and is reported as one FileError naming the file. Cleanup never throws: what it could not undo is
 * named in that one message. "Replace" never applies to an input: an output that is an input is always refused.
 */
import { isWithin } from './path-within';
import nodeFs from 'node:fs';
import path from 'node:path';
import { FileError, fileErrorFrom } from './file-error';

/** The file-system calls the writer makes (node:fs/promises by default); tests inject failures through it. */
export interface WriteFs {
  stat(p: string): Promise<{ isFile(): boolean; isDirectory(): boolean; dev: number; ino: number }>;
  realpath(p: string): Promise<string>;
  access(p: string, mode: number): Promise<void>;
  mkdir(p: string): Promise<unknown>;
  writeFile(p: string, data: Uint8Array | string, options: { flag: string }): Promise<void>;
  link(existing: string, newPath: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  copyFile(from: string, to: string, mode: number): Promise<void>;
  unlink(p: string): Promise<void>;
  rmdir(p: string): Promise<void>;
}

export const nodeWriteFs: WriteFs = nodeFs.promises as unknown as WriteFs;

export interface OutputFile {
  /** Where to write, absolute or relative to the process's folder. */
  path: string;
  /** Left out to check an output before its contents exist (checkOutputs). */
  contents?: Uint8Array | string;
  /** What to do when the file exists: refuse (the default) or replace it. Inputs are never replaced. */
  existing?: 'refuse' | 'replace';
}

export interface WriteOptions {
  /** Every file or folder the run reads (model, data, evaluation data): no output may be one of them or inside a folder one. */
  inputs?: readonly string[];
  /** How a path appears in messages (e.g. relative to the project); default as given. */
  shown?: (p: string) => string;
  /** The end of the message for an output that exists, e.g. "; pass --force to replace it". */
  existsHint?: string;
  fs?: WriteFs;
}

interface Identity { dev: number; ino: number }

interface ResolvedOutput {
  /** As given, for messages. */
  given: string;
  /** The real path to write: symlinks of the parents and of the file itself resolved. */
  real: string;
  contents: Uint8Array | string | undefined;
  replace: boolean;
  /** Set when the file exists. */
  existingId?: Identity;
}

const W_OK = nodeFs.constants.W_OK;
const TMP_TAG = '.tinyml-';

async function statOrUndefined(fs: WriteFs, p: string): Promise<Awaited<ReturnType<WriteFs['stat']>> | undefined> {
  try {
    return await fs.stat(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Real path of `p` when part of it does not exist yet: the nearest existing ancestor resolved, the rest appended. */
async function realPathOf(fs: WriteFs, p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      const real = await fs.realpath(cur);
      return rest.length ? path.join(real, ...rest.reverse()) : real;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = path.dirname(cur);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

interface ResolvedInput { real: string; id?: Identity; folder: boolean }

async function resolveInputs(fs: WriteFs, inputs: readonly string[]): Promise<ResolvedInput[]> {
  const out: ResolvedInput[] = [];
  for (const i of inputs) {
    const real = await realPathOf(fs, i);
    let st: Awaited<ReturnType<WriteFs['stat']>> | undefined;
    try {
      st = await statOrUndefined(fs, real);
    } catch {
      st = undefined;
    }
    out.push({ real, folder: !!st?.isDirectory(), ...(st ? { id: { dev: st.dev, ino: st.ino } } : {}) });
  }
  return out;
}

const sameId = (a: Identity | undefined, b: Identity | undefined): boolean => !!a && !!b && a.dev === b.dev && a.ino === b.ino;
const inside = (child: string, folder: string): boolean => child !== folder && isWithin(child, folder);

/**
 * The folders to create for `dir`, outermost first; throws when the nearest existing ancestor is a file or not
 * writable. Permission bits say nothing for root or on some read-only mounts, so a probe file backs them (created
 * and removed at once; once per folder and plan).
 */
async function foldersToCreate(fs: WriteFs, dir: string, shownFile: string, probed: Set<string>, shown: (p: string) => string): Promise<string[]> {
  const missing: string[] = [];
  let cur = dir;
  for (;;) {
    let st: Awaited<ReturnType<WriteFs['stat']>> | undefined;
    try {
      st = await statOrUndefined(fs, cur);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw fileErrorFrom(e, shownFile);
      st = undefined; // a file further up: found on the way up
    }
    if (st) {
      if (!st.isDirectory()) throw new FileError('not-a-folder', shownFile, `${shownFile}: ${shown(cur)} is a file, not a folder; choose another path`);
      if (probed.has(cur)) return missing;
      try {
        await fs.access(cur, W_OK);
        const probe = tempPath(path.join(cur, 'write-probe'), 'tmp');
        await fs.writeFile(probe, '', { flag: 'wx' });
        await fs.unlink(probe).catch(() => undefined);
      } catch (e) {
        throw fileErrorFrom(e, shownFile, `; the folder ${shown(cur)} cannot be written, choose another place`);
      }
      probed.add(cur);
      return missing;
    }
    missing.unshift(cur);
    const parent = path.dirname(cur);
    if (parent === cur) throw new FileError('not-found', shownFile, `${shownFile}: no existing folder above it`);
    cur = parent;
  }
}

let counter = 0;
function tempPath(target: string, what: 'tmp' | 'bak'): string {
  const tag = `${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  return path.join(path.dirname(target), `.${path.basename(target)}${TMP_TAG}${tag}.${what}`);
}

/** Best-effort undo steps; each failure is remembered for the message, none is thrown. */
class Undo {
  private readonly steps: { what: string; run: () => Promise<void> }[] = [];
  add(what: string, run: () => Promise<void>): void {
    this.steps.push({ what, run });
  }
  async run(): Promise<string[]> {
    const left: string[] = [];
    for (const s of this.steps.splice(0).reverse()) {
      try {
        await s.run();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') left.push(s.what); // already gone is undone
      }
    }
    return left;
  }
}

function withLeftovers(e: FileError, left: string[]): FileError {
  if (!left.length) return e;
  return new FileError(e.kind, e.file, `${e.message} (could not clean up: ${left.join(', ')})`);
}

/** Planned outputs: everything checked, nothing written yet. */
export class WritePlan {
  constructor(
    private readonly outputs: ResolvedOutput[],
    /** Folders to create, outermost first, each with the output that needs it (named in messages). */
    private readonly folders: { dir: string; for: string }[],
    private readonly fs: WriteFs,
    private readonly shown: (p: string) => string,
  ) {}

  /** Creates missing folders and writes every output to a temporary file next to it. */
  async stage(): Promise<StagedWrite> {
    const undo = new Undo();
    const temps: string[] = [];
    let current = this.outputs[0]?.given ?? '';
    let hint = '; nothing was written';
    try {
      for (const d of this.folders) {
        current = d.for;
        hint = `; cannot create the folder ${d.dir}, nothing was written`;
        await this.fs.mkdir(d.dir);
        undo.add(d.dir, () => this.fs.rmdir(d.dir));
      }
      hint = '; nothing was written';
      for (const o of this.outputs) {
        current = o.given;
        if (o.contents === undefined) throw new Error(`no contents planned for ${o.given}`);
        const tmp = tempPath(o.real, 'tmp');
        undo.add(tmp, () => this.fs.unlink(tmp));
        await this.fs.writeFile(tmp, o.contents, { flag: 'wx' });
        temps.push(tmp);
      }
    } catch (e) {
      const left = await undo.run();
      throw withLeftovers(fileErrorFrom(e, this.shown(current), hint), left);
    }
    return new StagedWrite(this.outputs, temps, undo, this.fs, this.shown);
  }
}

/** Every output written to its temporary: commit() moves them into place, abort() removes them. */
export class StagedWrite {
  private done = false;
  constructor(
    private readonly outputs: ResolvedOutput[],
    private readonly temps: string[],
    private readonly undo: Undo,
    private readonly fs: WriteFs,
    private readonly shown: (p: string) => string,
  ) {}

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.undo.run();
  }

  /** Moves every temporary into place; on a failure puts everything back as it was and throws one FileError. */
  async commit(): Promise<{ written: string[] }> {
    if (this.done) throw new Error('StagedWrite already committed or aborted');
    this.done = true;
    const backups: string[] = [];
    const fs = this.fs;
    let shown = '';
    try {
      for (let i = 0; i < this.outputs.length; i++) {
        const o = this.outputs[i]!;
        const tmp = this.temps[i]!;
        shown = this.shown(o.given);
        const now = await statOrUndefined(fs, o.real).catch(() => undefined);
        if (now && !now.isFile()) throw new FileError('is-folder', shown, `${shown}: a folder or device appeared there; nothing was written`);
        if (now && !o.replace) throw new FileError('exists', shown, `${shown}: appeared while the run was working; nothing was written`);
        if (now && o.existingId && !sameId(now, o.existingId)) throw new FileError('exists', shown, `${shown}: was replaced by another program while the run was working; nothing was written`);
        if (now) {
          // Keep the old file under a backup name (a hard link, or a copy where there are none) to restore it.
          const bak = tempPath(o.real, 'bak');
          try {
            await fs.link(o.real, bak);
          } catch {
            await fs.copyFile(o.real, bak, nodeFs.constants.COPYFILE_EXCL);
          }
          backups.push(bak);
          this.undo.add(`${shown} (its previous contents are in ${bak})`, () => fs.rename(bak, o.real));
          await fs.rename(tmp, o.real);
        } else {
          // No-clobber: link fails with EEXIST if a file appeared meanwhile; file systems without links: rename.
          try {
            await fs.link(tmp, o.real);
            await fs.unlink(tmp).catch(() => undefined);
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === 'EEXIST') throw new FileError('exists', shown, `${shown}: appeared while the run was working; nothing was written`);
            if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw e;
            await fs.rename(tmp, o.real);
          }
          this.undo.add(shown, () => fs.unlink(o.real));
        }
      }
    } catch (e) {
      const left = await this.undo.run();
      const err = e instanceof FileError ? e : fileErrorFrom(e, shown, '; nothing was changed');
      throw withLeftovers(err, left);
    }
    for (const b of backups) await fs.unlink(b).catch(() => undefined);
    return { written: this.outputs.map((o) => o.real) };
  }
}

/**
 * Checks a run's outputs against its inputs, each other and the disk, and returns the plan to stage. Throws one
 * FileError naming the first output that cannot be written; nothing is written by planning.
 */
export async function planWrites(outputs: readonly OutputFile[], options: WriteOptions = {}): Promise<WritePlan> {
  const fs = options.fs ?? nodeWriteFs;
  const shown = options.shown ?? ((p: string) => p);
  const inputs = await resolveInputs(fs, options.inputs ?? []);
  const resolved: ResolvedOutput[] = [];
  const folders: { dir: string; for: string }[] = [];
  const probed = new Set<string>();
  for (const o of outputs) {
    const label = shown(o.path);
    let real: string;
    let st: Awaited<ReturnType<WriteFs['stat']>> | undefined;
    try {
      real = await realPathOf(fs, o.path);
      st = await statOrUndefined(fs, real);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTDIR') throw fileErrorFrom(e, label);
      real = path.resolve(o.path);
      st = undefined;
    }
    const id = st ? { dev: st.dev, ino: st.ino } : undefined;
    for (const i of inputs) {
      if (real === i.real || sameId(id, i.id) || (i.folder && inside(real, i.real) && st)) {
        throw new FileError('output-is-input', label, `${label}: is a file this run reads (${shown(i.real)}); choose another output path`);
      }
    }
    const dup = resolved.find((r) => r.real === real || sameId(id, r.existingId));
    if (dup) throw new FileError('duplicate-output', label, `${label}: two outputs of this run would be the same file (${shown(dup.given)}); give each its own path`);
    if (st && !st.isFile()) throw new FileError('is-folder', label, `${label}: is a folder or device, not a file; choose a file path`);
    if (st && o.existing !== 'replace') throw new FileError('exists', label, `${label}: already exists${options.existsHint ?? '; choose another path'}`);
    if (st) {
      try {
        await fs.access(real, W_OK);
      } catch (e) {
        throw fileErrorFrom(e, label, '; it cannot be replaced');
      }
    }
    for (const d of await foldersToCreate(fs, path.dirname(real), label, probed, shown)) if (!folders.some((f) => f.dir === d)) folders.push({ dir: d, for: o.path });
    resolved.push({ given: o.path, real, contents: o.contents, replace: o.existing === 'replace', ...(id ? { existingId: id } : {}) });
  }
  return new WritePlan(resolved, folders, fs, shown);
}

/**
 * The checks of planWrites for outputs whose contents do not exist yet: run before minutes of calibration, so that
 * an output that is an input, exists or sits in a read-only folder is reported first. Writes nothing.
 */
export async function checkOutputs(outputs: readonly OutputFile[], options: WriteOptions = {}): Promise<void> {
  await planWrites(outputs.map((o) => ({ path: o.path, ...(o.existing ? { existing: o.existing } : {}) })), options);
}

/** plan → stage → commit in one call: what a command that has nothing else to apply in between uses. */
export async function writeFilesSafely(outputs: readonly OutputFile[], options: WriteOptions = {}): Promise<{ written: string[] }> {
  const plan = await planWrites(outputs, options);
  const staged = await plan.stage();
  return staged.commit();
}
