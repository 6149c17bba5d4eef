/** The inspector worker's fit job (from the file) gives the fit the host computes from the parsed model. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { builtinCatalog } from '../../src/core/fit/board-catalog';
import { ModelBuilder, writeModel } from '../../src/core/tflite/index';
import { computeFit, fitJob, type FitInputs } from '../../src/extension/fit/fit-job';
import { tempDir } from '../helpers/temp-dir';

test('the fit job reads the file and returns the same fit, suggestions included, as computing it on the host', () => {
  const b = new ModelBuilder({ seed: 3 });
  const x = b.input('image', [1, 64, 64, 3]);
  b.output(b.fullyConnected(b.reshape(b.conv2d(x, 16, [3, 3], { stride: [2, 2], activation: 'RELU' }), [1, -1]), 10));
  const model = b.build();
  const bytes = writeModel(model);
  const dir = tempDir('tinyml-fit-job-');
  try {
    const file = path.join(dir, 'm.tflite');
    fs.writeFileSync(file, bytes);
    const catalog = builtinCatalog();
    const board = catalog.boards.reduce((a, c) => (c.ramBytes < a.ramBytes ? c : a));
    const inputs: FitInputs = { board, origin: { kind: 'setting', text: 'set in tinyml.fit.board' }, catalog, kernels: 'auto' };
    const host = computeFit(model, bytes.byteLength, inputs);
    const job = fitJob({ kind: 'fit', file, modelBytes: bytes.byteLength, ...structuredClone(inputs) });
    assert.ok(host.ok, 'the model is estimated');
    assert.deepEqual(job.result, host);
    assert.ok(job.ms >= 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
