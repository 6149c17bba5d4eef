import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DatasetError } from '../../src/core/data/errors';
import { checkHeldOutApart } from '../../src/core/data/held-out-data';
import { isWithin } from '../../src/core/io/path-within';
import { tempDir } from '../helpers/temp-dir';

const refused = (e: unknown, how: RegExp) => e instanceof DatasetError && e.kind === 'mismatch' && how.test(e.message) && /Give data the calibration does not read/.test(e.message);

test('held-out data apart from the calibration data: the same file (also by a link), or a folder that would read the other\'s files, is refused', async () => {
  const dir = tempDir('tinyml-heldout-');
  const f = (...p: string[]) => path.join(dir, ...p);
  fs.mkdirSync(f('e', 'deep', 'a', 'b', 'c', 'd'), { recursive: true });
  fs.mkdirSync(f('train'));
  fs.mkdirSync(f('e', '.hidden'));
  for (const p of [['cal.npy'], ['e', 'x.npy'], ['e', 'cal.csv'], ['train', 'y.npy'], ['e', 'deep', 'a', 'b', 'c', 'd', 'far.npy'], ['e', '.hidden', 'z.npy']]) fs.writeFileSync(f(...p), 'x');
  fs.symlinkSync(f('cal.npy'), f('link.npy'));
  fs.linkSync(f('cal.npy'), f('hard.npy'));
  const opts = { displayRoot: dir, heldOutPart: '20%' };
  await assert.rejects(checkHeldOutApart(f('cal.npy'), f('cal.npy'), opts), (e) => refused(e, /^cal\.npy is the calibration data \(cal\.npy\): .* then 20% of the calibration data is held out\.$/));
  await assert.rejects(checkHeldOutApart(f('link.npy'), f('cal.npy'), opts), (e) => refused(e, /^link\.npy is the calibration data/));
  await assert.rejects(checkHeldOutApart(f('hard.npy'), f('cal.npy'), opts), (e) => refused(e, /^hard\.npy is the calibration data/));
  // Missing paths are the loader's to name ("no such file or folder"), not this check's.
  await checkHeldOutApart(f('gone.npy'), f('gone.npy'), opts);
  await assert.rejects(checkHeldOutApart(dir, f('train'), opts), (e) => refused(e, /^\. holds the calibration data \(train\)/));
  await assert.rejects(checkHeldOutApart(f('e', 'x.npy'), f('e'), opts), (e) => refused(e, /^e\/x\.npy lies inside the calibration data \(e\)/));
  // Files the folder loader does not read: a .csv, a file deeper than its 4 levels, a hidden folder.
  await checkHeldOutApart(f('e'), f('e', 'cal.csv'), opts);
  await checkHeldOutApart(f('e', 'deep', 'a', 'b', 'c', 'd', 'far.npy'), f('e'), opts);
  await checkHeldOutApart(f('e'), f('e', '.hidden', 'z.npy'), opts);
  await checkHeldOutApart(f('train', 'y.npy'), f('cal.npy'), opts);
  await checkHeldOutApart(f('cal.npy'), undefined, opts);
});

test('a path is within a folder by its parts: "..notes" is inside, ".." and siblings are not', () => {
  assert.ok(isWithin(path.join('a', '..notes'), 'a'));
  assert.ok(isWithin('a', 'a'));
  assert.ok(isWithin(path.join('a', 'b', 'c'), 'a'));
  assert.ok(!isWithin('ab', 'a'));
  assert.ok(!isWithin(path.join('a', '..'), 'a'));
  assert.ok(!isWithin(path.join('a', '..', 'b'), 'a'));
});
