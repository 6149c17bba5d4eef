import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { estimateArena, type ArenaOptions } from '../../src/core/arena';
import { readModel, type Model } from '../../src/core/tflite';
import { SHARED_DIR } from '../helpers/paths';

/** The measured TFLM arenas: one TSV per build (target ABI and kernel library). */
const REFERENCE_DIR = path.join(SHARED_DIR, 'reference');
const SKIP = fs.existsSync(REFERENCE_DIR) ? false : '../shared/reference is not present (fresh clone): arena reference test skipped';

const FILES: ReadonlyArray<[string, ArenaOptions]> = [
  ['tflm-arena-x86_64.tsv', { target: 'x86_64', kernels: 'reference' }],
  ['tflm-arena-arm32.tsv', { target: 'arm32', kernels: 'reference' }],
  ['tflm-arena-cortex-m.tsv', { target: 'cortex-m', kernels: 'reference' }],
  ['tflm-arena-arm32-cmsisnn.tsv', { target: 'arm32', kernels: 'cmsis-nn', isa: 'dsp' }],
  ['tflm-arena-cortex-m-cmsisnn.tsv', { target: 'cortex-m', kernels: 'cmsis-nn', isa: 'dsp' }],
];

const models = new Map<string, Model>();
function model(relative: string): Model {
  let m = models.get(relative);
  if (!m) {
    m = readModel(new Uint8Array(fs.readFileSync(path.join(SHARED_DIR, relative))));
    models.set(relative, m);
  }
  return m;
}

describe('arena estimate equals the measured TFLite Micro arena', { skip: SKIP }, () => {
  for (const [file, options] of FILES) {
    test(`${file}: every row (used, minimum, head, tail)`, () => {
      const rows = fs.readFileSync(path.join(REFERENCE_DIR, file), 'utf8').trim().split('\n').slice(1);
      assert.ok(rows.length >= 146, `${file} has ${rows.length} rows`);
      const mismatches: string[] = [];
      for (const row of rows) {
        const [rel, , used, min, head, tail] = row.split('\t');
        const e = estimateArena(model(rel!), options);
        const expected = [Number(used), Number(min), Number(head), Number(tail)];
        const actual = [e.arenaUsedBytes, e.minArenaBytes, e.headBytes, e.tailBytes];
        if (expected.some((v, i) => v !== actual[i])) {
          mismatches.push(`${rel}: expected used/min/head/tail ${expected.join('/')}, got ${actual.join('/')}`);
        }
        assert.ok(e.exact, `${rel}: kernels without a rule: ${e.unknownKernels.map((k) => k.opcode).join(', ')}`);
      }
      assert.deepEqual(mismatches, [], `${mismatches.length} of ${rows.length} rows differ:\n${mismatches.join('\n')}`);
    });
  }
});
