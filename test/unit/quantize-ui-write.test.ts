import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkWritable, describeWriteFailure, OutputExistsError, OutputWriteError, writeOutput } from '../../src/extension/quantize/write-output';

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tinyml-qwrite-'));
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

test('a new output is written whole and no temporary file stays', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'ae_int8.tflite');
  writeOutput(file, new Uint8Array([1, 2, 3]), { overwrite: false });
  assert.deepEqual([...fs.readFileSync(file)], [1, 2, 3]);
  assert.deepEqual(fs.readdirSync(dir), ['ae_int8.tflite']);
});

test('an existing output is never replaced without overwrite, and is replaced with it', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'ae_int8.tflite');
  fs.writeFileSync(file, 'keep me');
  assert.throws(() => writeOutput(file, new Uint8Array([9]), { overwrite: false }), (e: unknown) => e instanceof OutputExistsError && e.file === file);
  assert.equal(fs.readFileSync(file, 'utf8'), 'keep me');
  assert.deepEqual(fs.readdirSync(dir), ['ae_int8.tflite'], 'no temporary file left after the refusal');
  writeOutput(file, new Uint8Array([9]), { overwrite: true });
  assert.deepEqual([...fs.readFileSync(file)], [9]);
  assert.deepEqual(fs.readdirSync(dir), ['ae_int8.tflite']);
});

test('a missing folder or a file in the way is an error naming the path', () => {
  const dir = tmpDir();
  const missing = path.join(dir, 'gone', 'ae_int8.tflite');
  assert.throws(() => checkWritable(missing), (e: unknown) => e instanceof OutputWriteError && e.message.includes(missing) && /does not exist/.test(e.message));
  assert.throws(() => writeOutput(missing, new Uint8Array(1), { overwrite: false }), (e: unknown) => e instanceof OutputWriteError && e.message.includes(missing));
  fs.writeFileSync(path.join(dir, 'plain'), '');
  const underFile = path.join(dir, 'plain', 'ae_int8.tflite');
  assert.throws(() => checkWritable(underFile), (e: unknown) => e instanceof OutputWriteError && e.message.includes(underFile) && /not a folder/.test(e.message));
});

test('a read-only folder is reported before the run, naming the file and the folder', { skip: isRoot ? 'root can write to a mode 555 folder' : false }, () => {
  const dir = tmpDir();
  const ro = path.join(dir, 'ro');
  fs.mkdirSync(ro, { mode: 0o555 });
  const file = path.join(ro, 'ae_int8.tflite');
  try {
    assert.throws(() => checkWritable(file), (e: unknown) => e instanceof OutputWriteError && e.message.includes(file) && /read-only/.test(e.message) && /Save as/.test(e.message));
    assert.throws(() => writeOutput(file, new Uint8Array(1), { overwrite: false }), OutputWriteError);
    assert.deepEqual(fs.readdirSync(ro), []);
  } finally {
    fs.chmodSync(ro, 0o755);
  }
});

test('write failures by code: read-only (EROFS/EACCES/EPERM) suggests Save as, full disk, other errors keep their text', () => {
  const file = path.join('fw', 'models', 'ae_int8.tflite');
  for (const code of ['EROFS', 'EACCES', 'EPERM']) {
    const e = describeWriteFailure(file, Object.assign(new Error('x'), { code }));
    assert.equal(e.code, code);
    assert.equal(e.message, `Cannot write ${file}: the folder ${path.dirname(file)} is read-only (${code}). Choose another place with "Save as…".`);
  }
  assert.match(describeWriteFailure(file, Object.assign(new Error('x'), { code: 'ENOSPC' })).message, /disk is full/);
  assert.equal(describeWriteFailure(file, new Error('odd failure')).message, `Cannot write ${file}: odd failure`);
});
