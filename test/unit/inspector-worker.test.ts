/**
 * The inspector worker (src/extension/inspector/inspector-worker.ts) as the extension runs it, through the job RPC in
 * a real worker thread: the details of a model file are the ones the core computes on the model itself, and
 * Compare Models' views job gives the same layer matching as matchLayers.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { matchLayers } from '../../src/core/inspector/compare';
import { arenaForView, buildInspectorView, checkTflmCompatibility } from '../../src/core/inspector/view';
import { ModelBuilder, writeModel } from '../../src/core/tflite/index';
import type { CompareViewsJob, CompareViewsResult } from '../../src/extension/compare/compare-job';
import { runWorkerJob } from '../../src/extension/common/worker-rpc';
import { WorkerJobError } from '../../src/extension/common/worker-errors';
import type { DetailsJob, DetailsJobResult } from '../../src/extension/inspector/details-job';
import { INSPECTOR_WORKER } from '../../src/extension/inspector/inspector-worker-spec';
import { tempDir } from '../helpers/temp-dir';

function built(seed: number) {
  const b = new ModelBuilder({ seed });
  const x = b.input('x', [1, 8, 8, 1]);
  b.output(b.softmax(b.fullyConnected(b.reshape(b.conv2d(x, 4, [3, 3], { activation: 'RELU', name: 'conv' }), [1, -1]), 3, { name: 'fc' })));
  return b.build();
}

test('inspector worker: the details of a file are the core\'s arena estimate and TFLM check of the model, for the build the settings name', async () => {
  const dir = tempDir('tinyml-insp-worker-');
  try {
    const model = built(2);
    const file = path.join(dir, 'm.tflite');
    fs.writeFileSync(file, writeModel(model));
    const arena = { target: 'x86_64', kernels: 'cmsis-nn', isa: 'dsp', marginPercent: 25 } as const;
    const r = await runWorkerJob<DetailsJob, DetailsJobResult>(INSPECTOR_WORKER, { kind: 'details', file, arena });
    assert.deepEqual(r.details, { arena: arenaForView(model, arena), tflm: checkTflmCompatibility(model, 'cmsis-nn') });
    assert.ok(r.details.arena.ok);
    const est = r.details.arena.estimate;
    assert.equal(est.target, 'x86_64');
    assert.equal(est.kernels, 'cmsis-nn');
    assert.equal(est.marginPercent, 25);
    assert.ok(est.minArenaBytes > 0);
    assert.ok(r.arenaMs >= 0 && r.tflmMs >= 0);
    // The default build's figures are another estimate: the options reach the arena model.
    const reference = arenaForView(model);
    assert.ok(reference.ok && reference.estimate.target === 'cortex-m' && reference.estimate.kernels === 'reference');
    await assert.rejects(runWorkerJob(INSPECTOR_WORKER, { kind: 'details', file: path.join(dir, 'missing.tflite'), arena } satisfies DetailsJob),
      (e: unknown) => e instanceof WorkerJobError && e.is('model', 'unreadable') && /missing\.tflite/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('inspector worker: Compare Models\' views job matches the layers as matchLayers does', async () => {
  const dir = tempDir('tinyml-insp-worker-');
  try {
    const [ma, mb] = [built(2), built(3)];
    const [fa, fb] = [path.join(dir, 'a.tflite'), path.join(dir, 'b.tflite')];
    fs.writeFileSync(fa, writeModel(ma));
    fs.writeFileSync(fb, writeModel(mb));
    const r = await runWorkerJob<CompareViewsJob, CompareViewsResult>(INSPECTOR_WORKER, { kind: 'views', a: fa, b: fb });
    const side = (m: typeof ma, f: string) => { const sg = buildInspectorView(m).subgraphs[0]!; return { operators: sg.operators, tensors: sg.tensors, fileBytes: fs.statSync(f).size }; };
    assert.deepEqual(r.comparison, matchLayers(side(ma, fa), side(mb, fb)));
    assert.equal(r.a.fileName, 'a.tflite');
    assert.equal(r.comparison.matches.length, ma.subgraphs[0]!.operators.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
