/**
 * The one write path (core/io/safe-write): all outputs of a run or none, never onto an input, a replaced file put
 * back when a later step fails, no temporary left behind, cleanup that never throws.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FileError } from '../../src/core/io/file-error';
import { checkOutputs, nodeWriteFs, planWrites, writeFilesSafely, type WriteFs } from '../../src/core/io/safe-write';
import { tempDir } from '../helpers/temp-dir';

const tmpDir = (): string => fs.realpathSync(tempDir('tinyml-safewrite-'));
const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: injected`), { code });
const isFileError = (kind: string, re: RegExp) => (e: unknown): boolean => e instanceof FileError && e.kind === kind && re.test(e.message);

test('new outputs are written whole, missing folders created, and no temporary stays', async () => {
  const dir = tmpDir();
  const a = path.join(dir, 'a.tflite');
  const b = path.join(dir, 'deep', 'er', 'b.json');
  await writeFilesSafely([{ path: a, contents: new Uint8Array([1, 2, 3]) }, { path: b, contents: '{}' }]);
  assert.deepEqual([...fs.readFileSync(a)], [1, 2, 3]);
  assert.equal(fs.readFileSync(b, 'utf8'), '{}');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['a.tflite', 'deep']);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'deep', 'er')), ['b.json']);
});

test('an existing output is refused unless replace is allowed, then replaced in one step', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'ae_int8.tflite');
  fs.writeFileSync(file, 'keep me');
  await assert.rejects(writeFilesSafely([{ path: file, contents: 'new' }], { existsHint: '; pass --force' }), isFileError('exists', /ae_int8\.tflite: already exists; pass --force/));
  assert.equal(fs.readFileSync(file, 'utf8'), 'keep me');
  await writeFilesSafely([{ path: file, contents: 'new', existing: 'replace' }]);
  assert.equal(fs.readFileSync(file, 'utf8'), 'new');
  assert.deepEqual(fs.readdirSync(dir), ['ae_int8.tflite']);
});

test('outputs are compared with inputs by identity: path, .., symlink, hard link, a file inside an input folder', async () => {
  const dir = tmpDir();
  const model = path.join(dir, 'm.tflite');
  fs.writeFileSync(model, 'model');
  fs.mkdirSync(path.join(dir, 'images'));
  fs.writeFileSync(path.join(dir, 'images', 'cat.png'), 'png');
  fs.symlinkSync(model, path.join(dir, 'soft.tflite'));
  fs.linkSync(model, path.join(dir, 'hard.tflite'));
  const inputs = [model, path.join(dir, 'images')];
  for (const out of [model, path.join(dir, 'images', '..', 'm.tflite'), path.join(dir, 'soft.tflite'), path.join(dir, 'hard.tflite'), path.join(dir, 'images', 'cat.png')]) {
    await assert.rejects(writeFilesSafely([{ path: out, contents: 'x', existing: 'replace' }], { inputs }), isFileError('output-is-input', /is a file this run reads/), out);
  }
  // A new file in an input folder is not an input.
  await writeFilesSafely([{ path: path.join(dir, 'images', 'new.txt'), contents: 'x' }], { inputs });
  assert.equal(fs.readFileSync(model, 'utf8'), 'model');
});

test('two outputs that are one file are refused before anything is written', async () => {
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, 'sub'));
  await assert.rejects(
    writeFilesSafely([{ path: path.join(dir, 'o.tflite'), contents: 'a' }, { path: path.join(dir, 'sub', '..', 'o.tflite'), contents: 'b' }]),
    isFileError('duplicate-output', /two outputs of this run would be the same file/),
  );
  assert.deepEqual(fs.readdirSync(dir), ['sub']);
});

test('a file in the way, a folder as output: errors naming the path, nothing written', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'plain'), '');
  await assert.rejects(checkOutputs([{ path: path.join(dir, 'plain', 'x', 'a.tflite') }]), isFileError('not-a-folder', /plain is a file, not a folder/));
  fs.mkdirSync(path.join(dir, 'folder'));
  await assert.rejects(checkOutputs([{ path: path.join(dir, 'folder'), existing: 'replace' }]), isFileError('is-folder', /folder: is a folder or device/));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['folder', 'plain']);
});

/** Real fs with failures injected by call and path. */
function injected(over: Partial<WriteFs>): WriteFs {
  return { ...nodeWriteFs, ...over };
}

test('a read-only folder (access and probe) is reported by the check, naming the file and the folder', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'a.tflite');
  const denyAccess = injected({ access: async (p) => { if (p === dir) throw errno('EROFS'); } });
  await assert.rejects(checkOutputs([{ path: file }], { fs: denyAccess }), isFileError('read-only', new RegExp(`a\\.tflite: the file system is read-only; the folder ${dir.replace(/[/\\]/g, '.')} cannot be written`)));
  // Root passes access() on a read-only bind mount: the probe file catches it.
  const probes: string[] = [];
  const denyProbe = injected({ writeFile: async (p) => { probes.push(p); throw errno('EACCES'); } });
  await assert.rejects(checkOutputs([{ path: file }, { path: path.join(dir, 'b.h') }], { fs: denyProbe }), isFileError('permission', /permission denied/));
  assert.equal(probes.length, 1);
  const okProbes: string[] = [];
  await checkOutputs([{ path: file }, { path: path.join(dir, 'b.h') }], { fs: injected({ writeFile: async (p, d, o) => { okProbes.push(p); return nodeWriteFs.writeFile(p, d, o); } }) });
  assert.equal(okProbes.length, 1, 'each folder is probed once per plan');
  assert.deepEqual(fs.readdirSync(dir), [], 'the probe leaves nothing behind');
});

test('a full disk while staging removes every temporary and every folder the run created', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'keep.h'), 'old');
  let writes = 0;
  const full = injected({ writeFile: async (p, d, o) => { if (!p.includes('write-probe') && ++writes === 2) throw errno('ENOSPC'); return nodeWriteFs.writeFile(p, d, o); } });
  await assert.rejects(
    writeFilesSafely([{ path: path.join(dir, 'new', 'a.cc'), contents: 'a' }, { path: path.join(dir, 'keep.h'), contents: 'b', existing: 'replace' }], { fs: full }),
    isFileError('no-space', /keep\.h: no space left on the device; nothing was written/),
  );
  assert.deepEqual(fs.readdirSync(dir), ['keep.h']);
  assert.equal(fs.readFileSync(path.join(dir, 'keep.h'), 'utf8'), 'old');
});

test('a failure while moving into place puts back what was replaced and removes what was created', async () => {
  const dir = tmpDir();
  const a = path.join(dir, 'a.cc');
  const b = path.join(dir, 'b.h');
  const c = path.join(dir, 'c.cc');
  fs.writeFileSync(a, 'old a');
  let renames = 0;
  const failing = injected({ rename: async (from, to) => { if (!from.endsWith('.bak') && ++renames === 2) throw errno('EIO'); return nodeWriteFs.rename(from, to); } });
  // a (replaced, rename 1), b (new: link), c (new: link): make links fail so that new files are renamed too.
  const noLinks = { ...failing, link: async () => { throw errno('EPERM'); }, copyFile: nodeWriteFs.copyFile };
  await assert.rejects(
    writeFilesSafely([{ path: a, contents: 'new a', existing: 'replace' }, { path: b, contents: 'b' }, { path: c, contents: 'c' }], { fs: noLinks }),
    isFileError('io', /b\.h: EIO: injected; nothing was changed/),
  );
  assert.deepEqual(fs.readdirSync(dir), ['a.cc'], 'no temporary, backup or new file stays');
  assert.equal(fs.readFileSync(a, 'utf8'), 'old a', 'the replaced file is put back');
});

test('a file that appears between the check and the commit is never clobbered', async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'late.tflite');
  const plan = await planWrites([{ path: file, contents: 'ours' }]);
  const staged = await plan.stage();
  fs.writeFileSync(file, 'someone else');
  await assert.rejects(staged.commit(), isFileError('exists', /late\.tflite: appeared while the run was working/));
  assert.equal(fs.readFileSync(file, 'utf8'), 'someone else');
  assert.deepEqual(fs.readdirSync(dir), ['late.tflite']);
});

test('abort removes what stage wrote; cleanup that fails is named, never thrown', async () => {
  const dir = tmpDir();
  const staged = await (await planWrites([{ path: path.join(dir, 'x', 'a.cc'), contents: 'a' }])).stage();
  await staged.abort();
  assert.deepEqual(fs.readdirSync(dir), []);

  const stuck = injected({
    writeFile: async (p, d, o) => { if (p.endsWith('.tmp') && !p.includes('write-probe') && p.includes('b.cc')) throw errno('ENOSPC'); return nodeWriteFs.writeFile(p, d, o); },
    unlink: async (p) => { if (p.includes('a.cc')) throw errno('EBUSY'); return nodeWriteFs.unlink(p); },
  });
  await assert.rejects(
    writeFilesSafely([{ path: path.join(dir, 'a.cc'), contents: 'a' }, { path: path.join(dir, 'b.cc'), contents: 'b' }], { fs: stuck }),
    (e: unknown) => e instanceof FileError && e.kind === 'no-space' && /could not clean up: .*\.a\.cc\.tinyml-/.test(e.message),
  );
});
