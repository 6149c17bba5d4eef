import { rejectsWithDatasetError as rejects } from '../helpers/dataset-asserts';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadDataset, readNpy, splitHeldOut, writeNpy, type Dataset, type InputSpec } from '../../src/core/data/index';
import { npyBytes, tempDir, write, zipBytes } from './data-writers';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/data');
const X = (shape: number[], name = 'x'): InputSpec => ({ name, shape, type: 'FLOAT32' });
/** x = arange(12).reshape(3, 4) / 4 - 1, the array in the NumPy fixtures. */
const FIXTURE_X = Array.from({ length: 12 }, (_, i) => i / 4 - 1);
const flat = (samples: Float32Array[][], k = 0) => samples.flatMap((s) => Array.from(s[k]!));
const seq = (n: number, f = (i: number) => i) => Float32Array.from({ length: n }, (_, i) => f(i));

test('.npy: [N, 640] and [N, 1, 640] both feed input [1, 640]; sample i is row i', async (t) => {
  const dir = tempDir(t);
  const data = seq(3 * 640, (i) => i / 1000);
  for (const shape of [[3, 640], [3, 1, 640]]) {
    const p = write(dir, `calib${shape.length}.npy`, writeNpy(shape, data));
    const { dataset, warnings } = await loadDataset(p, [X([1, 640])]);
    assert.equal(dataset.samples.length, 3);
    assert.deepEqual(dataset.inputShapes, [[1, 640]]);
    assert.deepEqual(Array.from(dataset.samples[2]![0]!), Array.from(data.subarray(1280)));
    assert.deepEqual(warnings, []);
  }
});

test('.npy: a scalar input [1, 1] takes a plain [N] vector (the hello_world case)', async (t) => {
  const p = write(tempDir(t), 'x.npy', writeNpy([5], seq(5, (i) => i * 1.25)));
  const { dataset } = await loadDataset(p, [X([1, 1])]);
  assert.deepEqual(flat(dataset.samples), [0, 1.25, 2.5, 3.75, 5]);
});

test('.npy: the shape error names the file, what it holds and the forms the input takes', async (t) => {
  const dir = tempDir(t);
  const p = write(dir, 'calib.npy', writeNpy([100, 32], new Float32Array(3200)));
  await rejects(loadDataset(p, [X([1, 640])], { displayRoot: dir }), 'shape',
    /^calib\.npy: shape \[100, 32\] does not fit input 'x' \[1, 640\]: expected \[N, 640\] or \[N, 1, 640\]\.$/);
});

test('.npy: float64, int8, uint8, int16, int32 (and big-endian, version 2) widen to float32', async (t) => {
  const dir = tempDir(t);
  const values = [-3, 0, 7, 100];
  for (const descr of ['<f8', '|i1', '|u1', '<i2', '<i4', '>f8', '>i4']) {
    const v = descr === '|u1' ? values.map(Math.abs) : values;
    const p = write(dir, `a${descr.replace(/[<>|]/, '_')}.npy`, npyBytes(descr, [2, 2], v, { version: descr === '<i2' ? 2 : 1 }));
    const { dataset } = await loadDataset(p, [X([1, 2])]);
    assert.deepEqual(flat(dataset.samples), v, descr);
  }
});

test('.npy written by NumPy: big-endian float64, float16 and int8 read as NumPy wrote them', () => {
  const read = (name: string) => readNpy(new Uint8Array(fs.readFileSync(path.join(FIXTURES, name))), name);
  assert.deepEqual(Array.from(read('numpy_f8_big_endian.npy').data), FIXTURE_X);
  assert.deepEqual(read('numpy_f8_big_endian.npy').shape, [3, 4]);
  assert.deepEqual(Array.from(read('numpy_f16.npy').data), FIXTURE_X); // all exactly representable in float16
  assert.deepEqual(Array.from(read('numpy_int8.npy').data), [-128, 0, 5, 127, -128, 0, 5, 127, -128, 0, 5, 127]);
});

test('.npy: Fortran order, complex, structured, bad signature and truncation are named errors', async (t) => {
  const dir = tempDir(t);
  await rejects(loadDataset(path.join(FIXTURES, 'numpy_fortran.npy'), [X([1, 4])]), 'unsupported', /numpy_fortran\.npy: the array is stored in Fortran \(column-major\) order; save it in C order: np\.save\(path, np\.ascontiguousarray\(x\)\)/);
  await rejects(loadDataset(path.join(FIXTURES, 'numpy_complex.npy'), [X([1, 4])]), 'dtype', /numpy_complex\.npy: element type <c8 is not supported; convert it with x\.astype\(np\.float32\)/);
  const structured = write(dir, 'rec.npy', npyBytes('<f4', [1], [0]));
  fs.writeFileSync(structured, Buffer.from(fs.readFileSync(structured).toString('latin1').replace("'descr': '<f4'", "'descr': [('a', '<f4')]"), 'latin1'));
  await rejects(loadDataset(structured, [X([1])]), 'dtype', /rec\.npy: holds a structured \(record\) array/);
  await rejects(loadDataset(write(dir, 'text.npy', 'hello, not numpy at all'), [X([1])]), 'format', /text\.npy: not a NumPy \.npy file/);
  const full = writeNpy([4, 4], seq(16));
  await rejects(loadDataset(write(dir, 'cut.npy', full.subarray(0, full.length - 8)), [X([1, 4])]), 'format', /cut\.npy: the \.npy file is truncated: shape \[4, 4\] float32 needs 64 data bytes, the file has 56/);
});

test('writeNpy: the header is 64-byte aligned and NumPy-style; readNpy round-trips', () => {
  const bytes = writeNpy([2, 3], seq(6, (i) => i - 2.5));
  const header = Buffer.from(bytes.subarray(10, 128)).toString('latin1');
  assert.equal((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64, 0);
  assert.match(header, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n/);
  const back = readNpy(bytes, 'x.npy');
  assert.deepEqual(back.shape, [2, 3]);
  assert.deepEqual(Array.from(back.data), [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
  assert.deepEqual(readNpy(writeNpy([3], seq(3)), 'v.npy').shape, [3]);
});

test('.npz from NumPy: stored (np.savez) and deflated (np.savez_compressed), picked by input name', async () => {
  const savez = await loadDataset(path.join(FIXTURES, 'numpy_savez.npz'), [X([1, 4], 'x')]);
  assert.deepEqual(flat(savez.dataset.samples), FIXTURE_X);
  const two = await loadDataset(path.join(FIXTURES, 'numpy_savez_compressed.npz'), [X([1, 4], 'serving_default_b:0'), X([4], 'a')]);
  assert.equal(two.dataset.samples.length, 3);
  assert.deepEqual(flat(two.dataset.samples, 0), FIXTURE_X.map((v) => 2 * v));
  assert.deepEqual(flat(two.dataset.samples, 1), FIXTURE_X);
  // Unnamed arrays arr_0, arr_1 go to the inputs in order.
  const unnamed = await loadDataset(path.join(FIXTURES, 'numpy_unnamed.npz'), [X([1, 4], 'p'), X([1, 4], 'q')]);
  assert.deepEqual(flat(unnamed.dataset.samples, 1), FIXTURE_X.map((v) => v + 1));
});

test('.npz: our own stored and deflated zips; name mismatches and count mismatches are named', async (t) => {
  const dir = tempDir(t);
  const entries = [{ name: 'img.npy', data: writeNpy([4, 2], seq(8)) }, { name: 'aux.npy', data: writeNpy([3, 1], seq(3)) }];
  for (const deflate of [false, true]) {
    const p = write(dir, `d${deflate}.npz`, zipBytes(entries, deflate));
    const { dataset } = await loadDataset(p, [X([1, 2], 'img')]);
    assert.deepEqual(flat(dataset.samples), Array.from(seq(8)));
    await rejects(loadDataset(p, [X([1, 2], 'img'), X([1, 1], 'aux')], { displayRoot: dir }), 'mismatch',
      new RegExp(`^d${deflate}\\.npz: the inputs have different sample counts: 'img' 4 \\(d${deflate}\\.npz\\[img\\]\\), 'aux' 3 \\(d${deflate}\\.npz\\[aux\\]\\)`));
  }
  const p = write(dir, 'names.npz', zipBytes(entries, false));
  await rejects(loadDataset(p, [X([1, 2], 'input_1')], { displayRoot: dir }), 'mismatch',
    /^names\.npz: holds arrays 'aux', 'img', but none is named for input 'input_1'; the model has 1 input \('input_1'\): name each array after its input\.$/);
  await rejects(loadDataset(write(dir, 'bad.npz', 'PK not really a zip file'), [X([1])], { displayRoot: dir }), 'format', /^bad\.npz: not a readable \.npz \(zip\) file: no end-of-central-directory record/);
  const corrupt = zipBytes(entries, true);
  corrupt[40] ^= 0xff;
  corrupt[41] ^= 0xff;
  await rejects(loadDataset(write(dir, 'corrupt.npz', corrupt), [X([1, 2], 'img')], { displayRoot: dir }), 'format', /^corrupt\.npz \(img\.npy\): /);
});

test('.csv: header optional, comma/semicolon/tab, one sample per row', async (t) => {
  const dir = tempDir(t);
  const cases: [string, string][] = [
    ['h.csv', 'a,b,c\n1,2,3\n4,5,6\n'],
    ['n.csv', '1;2;3\r\n4;5;6\r\n'],
    ['t.csv', '1\t2\t3\n\n4\t5\t6'],
    ['q.csv', '# exported\n"1","2","3"\n4, 5 ,6\n'],
  ];
  for (const [name, text] of cases) {
    const { dataset } = await loadDataset(write(dir, name, text), [X([1, 3])]);
    assert.deepEqual(flat(dataset.samples), [1, 2, 3, 4, 5, 6], name);
  }
});

test('.csv: wrong column count (with a label-column hint), ragged rows, text and NaN cells, several inputs', async (t) => {
  const dir = tempDir(t);
  const opts = { displayRoot: dir };
  await rejects(loadDataset(write(dir, 'wide.csv', '1,2,3,4\n'), [X([1, 3])], opts), 'shape', /^wide\.csv: rows have 4 columns \(one more than needed: drop the label or index column\); input 'x' \[1, 3\] needs 3 values per row \(one sample per row\)\.$/);
  await rejects(loadDataset(write(dir, 'narrow.csv', '1,2\n'), [X([1, 3])], opts), 'shape', /^narrow\.csv: rows have 2 columns; input 'x' \[1, 3\] needs 3/);
  await rejects(loadDataset(write(dir, 'ragged.csv', '1,2,3\n4,5\n'), [X([1, 3])], opts), 'format', /^ragged\.csv: line 2 has 2 columns, the rows before it 3\.$/);
  await rejects(loadDataset(write(dir, 'text.csv', 'a,b,c\n1,2,3\n4,five,6\n'), [X([1, 3])], opts), 'dtype', /^text\.csv: line 3, column 2: "five" is not a number/);
  await rejects(loadDataset(write(dir, 'nan.csv', '1,2,3\n4,nan,6\n'), [X([1, 3])], opts), 'non-finite', /^nan\.csv, line 2 \(sample 1\): holds NaN at element 1 of input 'x'/);
  await rejects(loadDataset(write(dir, 'two.csv', '1,2\n'), [X([1, 1], 'a'), X([1, 1], 'b')], opts), 'unsupported', /^two\.csv: a \.csv file feeds one input, and the model has 2 \('a', 'b'\): use an \.npz or \.json/);
  await rejects(loadDataset(write(dir, 'header-only.csv', 'a,b,c\n'), [X([1, 3])], opts), 'empty', /^header-only\.csv: has a header row but no data rows\.$/);
});

test('.json: nested or flat samples, scalar lists, {input: samples} and [{input: sample}] for several inputs', async (t) => {
  const dir = tempDir(t);
  const img = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]];
  let r = await loadDataset(write(dir, 'nested.json', JSON.stringify(img)), [X([1, 2, 2, 1])]);
  assert.deepEqual(flat(r.dataset.samples), [1, 2, 3, 4, 5, 6, 7, 8]);
  r = await loadDataset(write(dir, 'flat.json', '[[1,2,3,4],[5,6,7,8]]'), [X([1, 4])]);
  assert.equal(r.dataset.samples.length, 2);
  r = await loadDataset(write(dir, 'scalars.json', '[0.5, 1.5, 2.5]'), [X([1, 1])]);
  assert.deepEqual(flat(r.dataset.samples), [0.5, 1.5, 2.5]);
  const inputs = [X([1, 2], 'serving_default_audio:0'), X([1, 1], 'gain')];
  r = await loadDataset(write(dir, 'obj.json', JSON.stringify({ gain: [[9], [8]], audio: [[1, 2], [3, 4]] })), inputs);
  assert.deepEqual(flat(r.dataset.samples, 0), [1, 2, 3, 4]);
  assert.deepEqual(flat(r.dataset.samples, 1), [9, 8]);
  r = await loadDataset(write(dir, 'rows.json', JSON.stringify([{ audio: [1, 2], gain: 9 }, { audio: [3, 4], gain: 8 }])), inputs);
  assert.deepEqual(flat(r.dataset.samples, 1), [9, 8]);
});

test('.json: invalid JSON (with the NaN hint), wrong sizes, non-numbers and empty arrays are named', async (t) => {
  const dir = tempDir(t);
  const opts = { displayRoot: dir };
  await rejects(loadDataset(write(dir, 'py.json', '[[1, NaN]]'), [X([1, 2])], opts), 'format', /^py\.json: not valid JSON \(.*\)\. JSON has no NaN or Infinity/);
  await rejects(loadDataset(write(dir, 'size.json', '[[1,2],[3,4,5]]'), [X([1, 2])], opts), 'shape', /^size\.json\[1\]: shape \[3\] \(3 values\) does not fit input 'x' \[1, 2\]: each sample needs 2 values/);
  await rejects(loadDataset(write(dir, 'str.json', '[[1,"2"]]'), [X([1, 2])], opts), 'dtype', /^str\.json\[0\]: holds string "2"; samples must be numbers/);
  await rejects(loadDataset(write(dir, 'empty.json', '[]'), [X([1, 2])], opts), 'empty', /^empty\.json: the array is empty\.$/);
  await rejects(loadDataset(write(dir, 'flat5.json', '[1,2,3,4,5]'), [X([1, 2])], opts), 'shape', /^flat5\.json: a flat list of 5 numbers; input 'x' \[1, 2\] needs 2 per sample/);
  await rejects(loadDataset(write(dir, 'null.json', 'null'), [X([1, 2])], opts), 'format', /^null\.json: expected an array of samples or an object/);
});

test('NaN and Inf name the sample index and element; empty, missing and unknown files are named', async (t) => {
  const dir = tempDir(t);
  const opts = { displayRoot: dir };
  const data = seq(12);
  data[7] = Infinity;
  await rejects(loadDataset(write(dir, 'inf.npy', writeNpy([4, 3], data)), [X([1, 3])], opts), 'non-finite', /^inf\.npy, sample 2: holds \+Inf at element 1 of input 'x'; inputs must be finite values: drop or repair that sample\.$/);
  data[7] = NaN;
  await rejects(loadDataset(write(dir, 'nan.npy', writeNpy([4, 3], data)), [X([1, 3])], opts), 'non-finite', /^nan\.npy, sample 2: holds NaN/);
  await rejects(loadDataset(write(dir, 'zero.npy', writeNpy([0, 3], new Float32Array(0))), [X([1, 3])], opts), 'empty', /^zero\.npy: holds no samples\.$/);
  await rejects(loadDataset(write(dir, 'blank.csv', ''), [X([1, 3])], opts), 'empty', /^blank\.csv: the file is empty\.$/);
  await rejects(loadDataset(path.join(dir, 'missing.npy'), [X([1, 3])], opts), 'unreadable', /^missing\.npy: no such file or folder\.$/);
  await rejects(loadDataset(write(dir, 'notes.txt', '1,2,3'), [X([1, 3])], opts), 'unsupported', /^notes\.txt: \.txt cannot be read as data; use \.npy, \.npz, \.csv, \.json, or a folder/);
  if (process.getuid?.() !== 0) {
    const locked = write(dir, 'locked.npy', writeNpy([1, 3], seq(3)));
    fs.chmodSync(locked, 0);
    await rejects(loadDataset(locked, [X([1, 3])], opts), 'unreadable', /^locked\.npy: cannot read it \(permission denied\)\.$/);
  }
});

test('few samples load without a warning of their own (the quantizer warns, knowing its split); too many are thinned evenly with a warning', async (t) => {
  const dir = tempDir(t);
  const few = await loadDataset(write(dir, 'few.npy', writeNpy([12, 2], seq(24))), [X([1, 2])], { displayRoot: dir });
  assert.deepEqual(few.warnings, []);
  assert.equal(few.dataset.source, 'few.npy');
  const many = await loadDataset(write(dir, 'many.npy', writeNpy([10, 1], seq(10))), [X([1, 1])], { displayRoot: dir, maxSamples: 4 });
  assert.deepEqual(flat(many.dataset.samples), [0, 2, 5, 7]);
  assert.deepEqual(many.warnings, ['many.npy: 10 samples; using 4 spread evenly over them (raise maxSamples to use more).']);
});

test('samples that are all the same warn: a file of zeros, one sample copied; samples that differ do not', async (t) => {
  const dir = tempDir(t);
  const opts = { displayRoot: dir };
  const zeros = await loadDataset(write(dir, 'zeros.npy', writeNpy([5, 3], new Float32Array(15))), [X([1, 3])], opts);
  assert.deepEqual(zeros.warnings, ["zeros.npy: the value 0 at every element of input 'x' in all 5 samples: ranges calibrated on one input do not hold for the inputs the model will see; give recorded inputs (an input constant by design, such as a zero initial state, can stay)."]);
  const copies = await loadDataset(write(dir, 'copies.npy', writeNpy([4, 3], Float32Array.from({ length: 12 }, (_, i) => i % 3))), [X([1, 3])], opts);
  assert.match(copies.warnings.join(), /^copies\.npy: the same values of input 'x' in all 4 samples/);
  const differ = await loadDataset(write(dir, 'differ.npy', writeNpy([4, 3], Float32Array.from({ length: 12 }, (_, i) => (i === 11 ? 9 : i % 3)))), [X([1, 3])], opts);
  assert.deepEqual(differ.warnings, []);
  const one = await loadDataset(write(dir, 'one.npy', writeNpy([1, 3], new Float32Array(3))), [X([1, 3])], opts);
  assert.deepEqual(one.warnings, [], 'a single sample is not "all the same"');
});

test('splitHeldOut: seeded, disjoint, covering, order kept, reproducible', () => {
  const dataset: Dataset = { source: 'd.npy', samples: Array.from({ length: 50 }, (_, i) => [Float32Array.of(i)]), inputShapes: [[1, 1]] };
  const a = splitHeldOut(dataset, 0.2, 7);
  const b = splitHeldOut(dataset, 0.2, 7);
  const c = splitHeldOut(dataset, 0.2, 8);
  const ids = (d: typeof dataset) => d.samples.map((s) => s[0]![0]!);
  assert.equal(a.heldOut.samples.length, 10);
  assert.equal(a.calibration.samples.length, 40);
  assert.deepEqual(ids(a.heldOut), ids(b.heldOut));
  assert.notDeepEqual(ids(a.heldOut), ids(c.heldOut));
  assert.deepEqual([...ids(a.heldOut), ...ids(a.calibration)].sort((x, y) => x - y), ids(dataset));
  assert.deepEqual(ids(a.heldOut), [...ids(a.heldOut)].sort((x, y) => x - y));
  assert.match(a.heldOut.source, /^d\.npy \(held-out split, seed 7\)$/);
  const tiny = splitHeldOut({ ...dataset, samples: dataset.samples.slice(0, 2) }, 0.01, 1);
  assert.equal(tiny.heldOut.samples.length, 1);
  assert.throws(() => splitHeldOut(dataset, 1, 1), /fraction must be between 0 and 1/);
  assert.throws(() => splitHeldOut({ ...dataset, samples: dataset.samples.slice(0, 1) }, 0.5, 1), /a split needs at least 2/);
});
