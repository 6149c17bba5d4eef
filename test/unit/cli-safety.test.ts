/**
 * Nothing of the user's is ever lost: every way a new user can point the CLI's outputs at its inputs, at each
 * other, under a file, into a read-only or full folder, or its inputs at things that are not files. For each case:
 * the exit code, a first line that names the file, no stack trace, every user file byte-identical afterwards and no
 * temporary file left behind.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { CliIo } from '../../src/cli/cli-io';
import { describeFailure } from '../../src/cli/errors';
import { main } from '../../src/cli/main';
import { FileError } from '../../src/core/io/file-error';
import { writeNpy } from '../../src/core/data/index';
import { nodeWriteFs, type WriteFs } from '../../src/core/io/safe-write';
import { ModelBuilder, writeModel } from '../../src/core/tflite/index';
import { tempDir } from '../helpers/temp-dir';

const RUNNING_AS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

interface Run { code: number; out: string; err: string }

async function run(argv: string[], writeFs?: WriteFs): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, ...(writeFs ? { writeFs } : {}) };
  const code = await main(argv, io, {});
  return { code, out, err };
}

/** Every file below `dir` (following no links) with its SHA-256: the user's files before and after a run. */
function checksums(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size > 2 ** 27) out.set(path.relative(dir, p), `sparse:${fs.statSync(p).size}`);
      else if (e.isFile()) out.set(path.relative(dir, p), createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
      else out.set(path.relative(dir, p), e.isSymbolicLink() ? `link:${fs.readlinkSync(p)}` : 'special');
    }
  };
  walk(dir);
  return out;
}

function workspace(): { dir: string; model: string; data: string; notes: string } {
  const dir = tempDir('tinyml-safety-');
  const b = new ModelBuilder({ seed: 11 });
  b.output(b.softmax(b.fullyConnected(b.fullyConnected(b.input('x', [1, 8]), 16, { activation: 'RELU' }), 4)));
  const model = path.join(dir, 'm.tflite');
  fs.writeFileSync(model, writeModel(b.build()));
  const data = path.join(dir, 'x.npy');
  fs.writeFileSync(data, writeNpy([40, 8], Float32Array.from({ length: 320 }, (_, i) => Math.sin(i))));
  const notes = path.join(dir, 'notes.txt');
  fs.writeFileSync(notes, 'my notes\n');
  fs.mkdirSync(path.join(dir, 'sub'));
  return { dir, model, data, notes };
}

interface Case {
  name: string;
  argv: (w: ReturnType<typeof workspace>) => string[];
  code: number;
  /** What the first line of stderr says (it must also name `names`). */
  message: RegExp;
  /** Set up more of the workspace before the run (links, FIFOs). */
  setup?: (w: ReturnType<typeof workspace>) => void;
  /** Files the run is expected to add (relative); anything else added or changed fails the case. */
  adds?: string[];
  writeFs?: (w: ReturnType<typeof workspace>) => WriteFs;
}

const q = (w: ReturnType<typeof workspace>, ...rest: string[]) => ['quantize', w.model, '--data', w.data, ...rest];

/** Real fs, but writing a file under `dir` fails with `code` once `afterBytes` have been written there. */
function failingFs(dir: string, code: 'ENOSPC' | 'EROFS', afterBytes = 0): WriteFs {
  let written = 0;
  return {
    ...nodeWriteFs,
    writeFile: async (p, d, o) => {
      const n = typeof d === 'string' ? Buffer.byteLength(d) : d.length;
      if (p.startsWith(dir) && written + n > afterBytes) throw Object.assign(new Error(`${code}: injected, write '${p}'`), { code });
      written += n;
      return nodeWriteFs.writeFile(p, d, o);
    },
    mkdir: async (p) => {
      if (code === 'EROFS' && p.startsWith(dir)) throw Object.assign(new Error(`EROFS: injected, mkdir '${p}'`), { code });
      return nodeWriteFs.mkdir(p);
    },
  };
}

const CASES: Case[] = [
  { name: 'report = output', argv: (w) => q(w, '-o', path.join(w.dir, 'out.tflite'), '--report', path.join(w.dir, 'out.tflite')), code: 2, message: /out\.tflite: two outputs of this run would be the same file/ },
  { name: 'report = output through ..', argv: (w) => q(w, '-o', path.join(w.dir, 'out.tflite'), '--report', path.join(w.dir, 'sub', '..', 'out.tflite')), code: 2, message: /out\.tflite: two outputs of this run would be the same file/ },
  { name: 'report = source model, --force', argv: (w) => q(w, '--report', w.model, '--force'), code: 2, message: /m\.tflite: is a file this run reads/ },
  { name: 'output = source model, --force', argv: (w) => q(w, '-o', w.model, '--force'), code: 2, message: /m\.tflite: is a file this run reads/ },
  { name: 'output = calibration data, --force', argv: (w) => q(w, '-o', w.data, '--force'), code: 2, message: /x\.npy: is a file this run reads/ },
  { name: 'output = model through ..', argv: (w) => q(w, '-o', path.join(w.dir, 'sub', '..', 'm.tflite'), '--force'), code: 2, message: /m\.tflite: is a file this run reads/ },
  {
    name: 'output = model through a symlink', code: 2, message: /link\.tflite: is a file this run reads/,
    setup: (w) => fs.symlinkSync(w.model, path.join(w.dir, 'link.tflite')),
    argv: (w) => q(w, '-o', path.join(w.dir, 'link.tflite'), '--force'),
  },
  {
    name: 'output = model through a hard link', code: 2, message: /hard\.tflite: is a file this run reads/,
    setup: (w) => fs.linkSync(w.model, path.join(w.dir, 'hard.tflite')),
    argv: (w) => q(w, '-o', path.join(w.dir, 'hard.tflite'), '--force'),
  },
  {
    name: 'output = --eval data', code: 2, message: /eval\.npy: is a file this run reads/,
    setup: (w) => fs.copyFileSync(w.data, path.join(w.dir, 'eval.npy')),
    argv: (w) => q(w, '--eval', path.join(w.dir, 'eval.npy'), '-o', path.join(w.dir, 'eval.npy'), '--force'),
  },
  { name: 'output exists, no --force', setup: (w) => fs.writeFileSync(path.join(w.dir, 'm_int8.tflite'), 'old'), argv: (w) => q(w), code: 2, message: /m_int8\.tflite: already exists; pass --force/ },
  { name: 'report exists, no --force', argv: (w) => q(w, '--report', w.notes), code: 2, message: /notes\.txt: already exists; pass --force/ },
  { name: 'output under a file', argv: (w) => q(w, '-o', path.join(w.notes, 'x.tflite')), code: 2, message: /notes\.txt[/\\]x\.tflite: .*notes\.txt is a file, not a folder/ },
  { name: 'report under a file (model not written either)', argv: (w) => q(w, '--report', path.join(w.notes, 'r.json')), code: 2, message: /notes\.txt[/\\]r\.json: .*notes\.txt is a file, not a folder/ },
  { name: 'output is a folder', argv: (w) => q(w, '-o', path.join(w.dir, 'sub'), '--force'), code: 2, message: /sub: is a folder or device, not a file/ },
  { name: 'quantize into a full disk (injected ENOSPC)', argv: (w) => q(w, '--report', path.join(w.dir, 'r.json')), writeFs: (w) => failingFs(w.dir, 'ENOSPC', 64), code: 2, message: /no space left on the device/ },
  { name: 'quantize into a read-only folder (injected EROFS)', argv: (w) => q(w, '-o', path.join(w.dir, 'new', 'm8.tflite')), writeFs: (w) => failingFs(w.dir, 'EROFS'), code: 2, message: /m8\.tflite: the file system is read-only/ },
  { name: 'quantize with the data as a FIFO', setup: (w) => execFileSync('mkfifo', [path.join(w.dir, 'pipe.npy')]), argv: (w) => ['quantize', w.model, '--data', path.join(w.dir, 'pipe.npy')], code: 2, message: /pipe\.npy: is not a regular file/ },
  { name: 'export a text file', argv: (w) => ['export', w.notes, '--out', path.join(w.dir, 'fw')], code: 2, message: /notes\.txt: not a TFLite model.*pass --raw/ },
  {
    name: 'export a truncated model', code: 2, message: /cut\.tflite: .*pass --raw/,
    setup: (w) => fs.writeFileSync(path.join(w.dir, 'cut.tflite'), fs.readFileSync(w.model).subarray(0, 100)),
    argv: (w) => ['export', path.join(w.dir, 'cut.tflite'), '--out', path.join(w.dir, 'fw')],
  },
  { name: 'export --raw of a text file writes the bytes', argv: (w) => ['export', w.notes, '--raw', '--out', path.join(w.dir, 'fw')], code: 0, message: /^$/, adds: ['fw/model_data.cc', 'fw/model_data.h'] },
  { name: 'export onto a full disk (injected ENOSPC)', argv: (w) => ['export', w.model, '--out', path.join(w.dir, 'fw'), '--boilerplate'], writeFs: (w) => failingFs(w.dir, 'ENOSPC', 2000), code: 2, message: /no space left on the device/ },
  { name: 'export under a file', argv: (w) => ['export', w.model, '--out', path.join(w.notes, 'fw')], code: 2, message: /notes\.txt is a file, not a folder/ },
  { name: 'inspect /dev/zero', argv: () => ['inspect', '/dev/zero'], code: 2, message: /\/dev\/zero: is not a regular file/ },
  { name: 'inspect a FIFO', setup: (w) => execFileSync('mkfifo', [path.join(w.dir, 'pipe.tflite')]), argv: (w) => ['inspect', path.join(w.dir, 'pipe.tflite')], code: 2, message: /pipe\.tflite: is not a regular file/ },
  { name: 'inspect a folder', argv: (w) => ['inspect', w.dir], code: 2, message: /is a folder, not a model/ },
  {
    name: 'inspect a file over 2 GiB (sparse)', code: 2, message: /huge\.tflite: 2,147,483,648 bytes is over the 2 GiB/,
    setup: (w) => fs.truncateSync((fs.writeFileSync(path.join(w.dir, 'huge.tflite'), ''), path.join(w.dir, 'huge.tflite')), 2 ** 31),
    argv: (w) => ['inspect', path.join(w.dir, 'huge.tflite')],
  },
  { name: 'arena --margin -5', argv: (w) => ['arena', w.model, '--margin', '-5'], code: 2, message: /--margin must be ≥ 0/ },
  { name: 'arena --isa without --kernels cmsis-nn (it is CMSIS-NN\'s code path)', argv: (w) => ['arena', w.model, '--isa', 'mve'], code: 2, message: /--isa is the CMSIS-NN code path: it goes with --kernels cmsis-nn/ },
  { name: 'arena --margin 12.5 is accepted', argv: (w) => ['arena', w.model, '--margin', '12.5'], code: 0, message: /^$/ },
  { name: 'unknown option shows the usage', argv: (w) => ['arena', w.model, '--colour'], code: 2, message: /unknown option '--colour'/ },
];

for (const c of CASES) {
  test(`CLI safety: ${c.name}`, async () => {
    const w = workspace();
    try {
      c.setup?.(w);
      const before = checksums(w.dir);
      const r = await run(c.argv(w), c.writeFs?.(w));
      assert.equal(r.code, c.code, `exit code; stderr: ${r.err}`);
      // Progress ("calibrating 3/8") goes to stderr too, once a second; the message is what follows it.
      const lines = r.err.trimEnd().split('\n').filter((l) => l && !/^[a-z ]+ \d+\/\d+$/.test(l));
      if (c.code === 0) {
        assert.ok(lines.every((l) => !/error/i.test(l)), r.err);
      } else {
        assert.match(lines[0] ?? '', c.message);
        assert.ok(lines.length === 1 || (lines.length === 2 && lines[1]!.startsWith('usage: tinyml ')), `one line (plus usage): ${r.err}`);
        assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
        assert.doesNotMatch(r.err, /internal error/);
      }
      const after = checksums(w.dir);
      for (const [f, sum] of before) assert.equal(after.get(f), sum, `${f} must be byte-identical`);
      const added = [...after.keys()].filter((f) => !before.has(f)).sort();
      assert.deepEqual(added, (c.adds ?? []).map((f) => f.split('/').join(path.sep)).sort(), 'files added by the run');
    } finally {
      fs.rmSync(w.dir, { recursive: true, force: true });
    }
  });
}

test('CLI conventions: --version, help CMD, CMD --help and -h on every command, exit codes in the help', async () => {
  const version = await run(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.out, /^\d+\.\d+\.\d+\n$/);
  const top = await run(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.out, /Exit codes:[\s\S]*0 {2}done[\s\S]*1 {2}a bug[\s\S]*2 {2}bad input[\s\S]*3 {2}done, but a check/);
  for (const name of ['inspect', 'quantize', 'arena', 'export', 'demo']) {
    for (const argv of [['help', name], [name, '--help'], [name, '-h'], [name, 'some.tflite', '--help']]) {
      const r = await run(argv);
      assert.equal(r.code, 0, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.out, new RegExp(`^usage: tinyml ${name}`), argv.join(' '));
      assert.match(r.out, /Exit codes:/);
      assert.equal(r.err, '');
    }
  }
  const unknown = await run(['help', 'frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown command 'frobnicate'/);
});

test('a bug exits 1 with one line; the stack only with TINYML_DEBUG=1', () => {
  const bug = new TypeError("Cannot read properties of undefined (reading 'shape')");
  const plain = describeFailure(bug, 'inspect', 'tinyml inspect MODEL', false);
  assert.equal(plain.code, 1);
  assert.equal(plain.text.trimEnd().split('\n').length, 1, plain.text);
  assert.match(plain.text, /^tinyml inspect: internal error: Cannot read properties of undefined .*TINYML_DEBUG=1/);
  const debug = describeFailure(bug, 'inspect', 'tinyml inspect MODEL', true);
  assert.match(debug.text, /\n\s+at /, 'TINYML_DEBUG=1 prints the stack');
  // A user error never becomes a bug report.
  assert.equal(describeFailure(new FileError('not-found', 'm.tflite', 'm.tflite: no such file'), 'inspect', undefined, false).code, 2);
});

/** A real full disk and a real read-only mount: tmpfs, which only root can mount. */
function withTmpfs(options: string, body: (mnt: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', mnt]);
    } catch {
      fs.rmdirSync(mnt);
      return; // not permitted here (a container without CAP_SYS_ADMIN): the injected-fs cases above cover it
    }
    try {
      await body(mnt);
    } finally {
      execFileSync('umount', [mnt]);
      fs.rmdirSync(mnt);
    }
  };
}

test('export onto a real full disk (tmpfs of 16 KiB): nothing left behind', { skip: !RUNNING_AS_ROOT && 'mounting a tmpfs needs root' }, withTmpfs('size=16k', async (mnt) => {
  const w = workspace();
  try {
    // A model whose C array (~6 bytes of text per byte) does not fit in 16 KiB.
    const b = new ModelBuilder({ seed: 3 });
    b.output(b.fullyConnected(b.input('x', [1, 64]), 64));
    const big = path.join(w.dir, 'big.tflite');
    fs.writeFileSync(big, writeModel(b.build()));
    const r = await run(['export', big, '--out', path.join(mnt, 'fw'), '--boilerplate']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /no space left on the device/);
    assert.deepEqual(fs.readdirSync(mnt), [], 'fw/ and every temporary are removed again');
  } finally {
    fs.rmSync(w.dir, { recursive: true, force: true });
  }
}));

test('quantize into a real read-only mount: refused before calibration, nothing written', { skip: !RUNNING_AS_ROOT && 'mounting a tmpfs needs root' }, withTmpfs('size=1m,ro', async (mnt) => {
  const w = workspace();
  try {
    const r = await run(['quantize', w.model, '--data', w.data, '-o', path.join(mnt, 'm8.tflite')]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err.split('\n')[0]!, /m8\.tflite: the file system is read-only/);
    assert.deepEqual(fs.readdirSync(mnt), []);
  } finally {
    fs.rmSync(w.dir, { recursive: true, force: true });
  }
}));

test('the shipped CLI never blocks on a FIFO or /dev/zero (a real process, bounded in time)', async () => {
  const cli = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');
  if (!fs.existsSync(cli)) return; // built by npm test before the unit tests; absent in a bare test:unit run
  const r = await new Promise<{ code: number | null; err: string; ms: number }>((resolve) => {
    const t0 = Date.now();
    const p = spawn(process.execPath, [cli, 'inspect', '/dev/zero'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.on('exit', (code) => { clearTimeout(timer); resolve({ code, err, ms: Date.now() - t0 }); });
  });
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /^tinyml inspect: \/dev\/zero: is not a regular file/);
});
